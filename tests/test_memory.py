import ctypes
import ctypes.util

import psutil
import pytest

from flows import memory

BLOCKS = 10_000
BLOCK_BYTES = 16 * 1024  # several whole pages each, under glibc's mmap threshold: they come from the heap


@pytest.mark.skipif(memory._malloc_trim() is None, reason="the C library has no malloc_trim (not glibc)")
def test_release_freed_memory_returns_free_heap_pages_to_the_system():
    libc = ctypes.CDLL(ctypes.util.find_library("c"))
    libc.malloc.restype = ctypes.c_void_p
    libc.free.argtypes = [ctypes.c_void_p]
    libc.memset.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_size_t]
    process = psutil.Process()
    blocks, pins = [], []
    for _ in range(BLOCKS):
        block = libc.malloc(BLOCK_BYTES)
        libc.memset(block, 1, BLOCK_BYTES)
        blocks.append(block)
        # A small live block after each large one: the freed blocks cannot merge into the heap's top, which is
        # how a run's freed frames sit between live objects, so glibc keeps them resident.
        pins.append(libc.malloc(64))
    for block in blocks:
        libc.free(block)
    kept = process.memory_info().rss
    memory.release_freed_memory()
    released = kept - process.memory_info().rss
    for pin in pins:
        libc.free(pin)
    assert released > 0.6 * BLOCKS * BLOCK_BYTES
