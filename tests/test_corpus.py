from pathlib import Path

import pytest

from flows.corpus import SourceNotFound, discover_inputs


@pytest.fixture
def corpus(tmp_path) -> Path:
    for relative in ("a.txt", "sub/b.txt", "sub/deeper/c.TXT", "README.md", ".hidden.txt", "sub/notes.csv"):
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("text", encoding="utf-8")
    return tmp_path


def names(inputs, root: Path) -> list[str]:
    return [str(Path(item.source_uri).relative_to(root)) for item in inputs]


def test_folder_is_read_recursively_and_sorted(corpus):
    assert names(discover_inputs([str(corpus)]), corpus) == ["a.txt", "sub/b.txt", "sub/deeper/c.TXT"]


def test_file_and_glob_and_overlap_are_deduplicated(corpus):
    inputs = discover_inputs([str(corpus / "a.txt"), str(corpus / "sub" / "*.txt"), str(corpus / "a.txt")])
    assert names(inputs, corpus) == ["a.txt", "sub/b.txt"]


def test_recursive_glob(corpus):
    assert names(discover_inputs([str(corpus / "**" / "*.txt")]), corpus) == ["a.txt", "sub/b.txt"]


def test_a_glob_matching_nothing_is_an_empty_corpus(corpus):
    assert discover_inputs([str(corpus / "*.json")]) == []


def test_missing_source_is_a_clear_error(tmp_path):
    with pytest.raises(SourceNotFound, match="source not found: .*nowhere"):
        discover_inputs([str(tmp_path / "nowhere")])


def test_inputs_carry_size_and_modification_time(corpus):
    item = discover_inputs([str(corpus / "a.txt")])[0]
    stat = (corpus / "a.txt").stat()
    assert (item.size_bytes, item.modified_at_ns) == (4, stat.st_mtime_ns)
