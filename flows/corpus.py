"""Find input files and read their bytes: the only place that touches the user's corpus on disk."""

import glob
import hashlib
from dataclasses import dataclass
from pathlib import Path

# File kinds read as one article each. Other files in a source folder are skipped (and counted), not rejected:
# a corpus folder often holds a README or a licence beside the articles.
ARTICLE_SUFFIXES = (".txt",)


@dataclass(frozen=True)
class InputFile:
    source_uri: str
    size_bytes: int
    modified_at_ns: int


class SourceNotFound(ValueError):
    """A SOURCE named on the command line is neither a file, a folder nor a glob matching anything."""


def discover_inputs(sources: list[str]) -> list[InputFile]:
    """Expand files, folders (recursively) and globs into article files, sorted so every run sees one order."""
    paths: set[Path] = set()
    for source in sources:
        path = Path(source).expanduser()
        if path.is_file():
            paths.add(path.resolve())
        elif path.is_dir():
            paths.update(child.resolve() for child in path.rglob("*") if child.is_file() and _is_article(child))
        elif glob.has_magic(source):
            matches = [Path(match) for match in glob.glob(str(path), recursive=True)]
            paths.update(match.resolve() for match in matches if match.is_file() and _is_article(match))
        else:
            raise SourceNotFound(f"source not found: {source} (expected a file, a folder or a glob)")
    inputs = []
    for path in sorted(paths):
        stat = path.stat()
        inputs.append(InputFile(source_uri=str(path), size_bytes=stat.st_size, modified_at_ns=stat.st_mtime_ns))
    return inputs


def _is_article(path: Path) -> bool:
    return path.suffix.lower() in ARTICLE_SUFFIXES and not path.name.startswith(".")


def read_bytes(source_uri: str) -> bytes:
    return Path(source_uri).read_bytes()


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()
