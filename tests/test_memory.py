import json
import subprocess
import sys

import pytest

from flows import memory

# Run in a fresh interpreter: in a long test session the heap already holds free chunks of earlier tests, the
# blocks land among them, and free() may hand memory back by itself before the call under test runs.
SCENARIO = """
import ctypes, ctypes.util, json, psutil
from flows import memory
BLOCKS, BLOCK_BYTES = 10_000, 16 * 1024  # several whole pages each, under glibc's mmap threshold: from the heap
libc = ctypes.CDLL(ctypes.util.find_library("c"))
libc.malloc.restype = ctypes.c_void_p
libc.free.argtypes = [ctypes.c_void_p]
libc.memset.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_size_t]
process = psutil.Process()
before = process.memory_info().rss
blocks, pins = [], []
for _ in range(BLOCKS):
    block = libc.malloc(BLOCK_BYTES)
    libc.memset(block, 1, BLOCK_BYTES)
    blocks.append(block)
    # A small live block after each large one: the freed blocks cannot merge into the heap's top, as a run's freed
    # frames sit between live objects, so glibc keeps them resident.
    pins.append(libc.malloc(64))
for block in blocks:
    libc.free(block)
kept = process.memory_info().rss
memory.release_freed_memory()
after = process.memory_info().rss
print(json.dumps({"allocated": BLOCKS * BLOCK_BYTES, "kept": kept - before, "released": kept - after}))
"""


@pytest.mark.skipif(memory._malloc_trim() is None, reason="the C library has no malloc_trim (not glibc)")
def test_release_freed_memory_returns_free_heap_pages_to_the_system():
    result = subprocess.run([sys.executable, "-c", SCENARIO], capture_output=True, text=True, check=True, timeout=120)
    figures = json.loads(result.stdout)
    # Freed but still resident before the call, then given back by it.
    assert figures["kept"] > 0.6 * figures["allocated"]
    assert figures["released"] > 0.6 * figures["allocated"]


def test_a_step_frees_the_cycles_it_left_while_what_existed_before_the_run_stays_out_of_collections():
    import gc
    import weakref

    class Node:
        pass

    with memory.collecting_per_step():
        # What existed when the run began is frozen: collections during the run do not walk it.
        assert gc.get_freeze_count() > 0
        gc.disable()  # no automatic collection between here and the call under test
        try:
            node = Node()
            node.payload, node.itself = bytearray(1 << 20), node  # a cycle, as Prefect's futures and states make
            gone = weakref.ref(node)
            del node
            assert gone() is not None
            memory.release_freed_memory()
            assert gone() is None
        finally:
            gc.enable()
    assert gc.get_freeze_count() == 0


def test_a_run_starts_by_collecting_young_garbage_and_freezes_old_garbage_until_it_ends():
    import gc
    import weakref

    class Node:
        pass

    gc.disable()  # no automatic collection moves the nodes between generations behind the test's back
    try:
        old = Node()
        old.itself = old
        gc.collect()  # `old` lives through a full collection: it is in the oldest generation now
        old_gone = weakref.ref(old)
        young = Node()
        young.itself = young
        young_gone = weakref.ref(young)
        del old, young  # both are unreachable cycles now
        with memory.collecting_per_step():
            assert young_gone() is None
            # The start does not walk the oldest generation: its garbage waits, frozen, until the run is over.
            assert old_gone() is not None
            memory.release_freed_memory()
            assert old_gone() is not None
        gc.collect()
        assert old_gone() is None
    finally:
        gc.enable()
