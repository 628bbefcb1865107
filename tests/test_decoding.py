import pytest

from transforms.decoding import GARBAGE, Decoded, Rejected, decode_bytes, garbage_share

PORTUGUESE = "Lisboa, Portugal — A Câmara anunciou “obras” na estação, disse o presidente da câmara. Ação e coração. "


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("Plain UTF-8 — “quoted”".encode("utf-8"), Decoded("Plain UTF-8 — “quoted”", "utf-8")),
        ("\ufeffWith a BOM".encode("utf-8"), Decoded("With a BOM", "utf-8")),
        ("UTF-16 text, with a BOM".encode("utf-16"), Decoded("UTF-16 text, with a BOM", "utf-16")),
        ((PORTUGUESE * 3).encode("cp1252"), Decoded(PORTUGUESE * 3, "windows-1252")),
        (b"", Rejected("empty_input", "0 bytes")),
        (b" \n\t ", Rejected("empty_input", "4 bytes of whitespace")),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", Rejected("binary_content", "NUL bytes in the first block and no UTF-16 byte-order mark")),
        (b"%PDF-1.7 and the rest is plain ASCII", Rejected("binary_content", "starts like a binary file (b'%PDF-')")),
        (b"\x00\x01 valid UTF-8, mostly NUL \x00\x00\x00\x00", Rejected("binary_content", "NUL bytes in the first block and no UTF-16 byte-order mark")),
        (("A replacement character written as such: \ufffd. " * 3).encode("utf-8"), Decoded("A replacement character written as such: \ufffd. " * 3, "utf-8")),
        (b"x" * 101, Rejected("too_large", "101 bytes, limit 100")),
    ],
)
def test_decode_bytes(data, expected):
    assert decode_bytes(data, max_bytes=100 if len(data) == 101 else 5_000_000) == expected


def test_utf8_with_a_few_broken_bytes_stays_utf8():
    data = ("The mayor said “yes” and left. " * 50).encode("utf-8") + b"\xff"
    decoded = decode_bytes(data)
    assert decoded == Decoded(("The mayor said “yes” and left. " * 50) + "\ufffd", "utf-8 (invalid bytes replaced)")


def test_high_bytes_without_meaning_are_undecodable():
    decoded = decode_bytes(bytes(range(128, 256)) * 20)
    assert isinstance(decoded, Rejected)
    assert decoded.reason == "undecodable"


@pytest.mark.parametrize(
    ("text", "share"),
    [
        ("", 0.0),
        ("abcd", 0.0),
        ("ab\x01\x02", 0.5),
        ("a\nb\tc", 0.0),
        ("a\r\nb", 0.0),
        ("\ufffd\ufffdab", 0.5),
        ("no\u00a0break", 0.0),
        ("a\x0bb\x0c", 0.0),
        ("\ue000abc", 0.25),
        ("\u0378abc", 0.25),
        ("\ud800abc", 0.25),
    ],
)
def test_garbage_share(text, share):
    assert garbage_share(text) == share


def test_garbage_share_agrees_with_the_class_on_every_code_point():
    # The shortcut for printable text must never hide a character the class counts, nor count one it does not.
    disagree = [
        hex(point)
        for point in range(0x110000)
        if garbage_share(chr(point)) != (1.0 if GARBAGE.fullmatch(chr(point)) else 0.0)
    ]
    assert disagree == []
