"""Shared fixtures: a scratch project in tmp_path, a deterministic clock and ids."""

from __future__ import annotations

import asyncio
import functools
import itertools
import os
import subprocess
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import pytest

from annotator.config import Config, load_config
from annotator.model.annotation import AnnotationFile
from annotator.model.editing import AnnotationSet
from annotator.storage import dumps
from annotator.storage.documents import load_document
from annotator.validation.engine import Validator
from annotator.validation.findings import Finding

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"

# A small document: a quote, a number, a hedge, a non-ASCII word and an emoji.
TEXT = 'The minister said "we will act soon".\nAbout 42 people may come, reportedly. Café 👍 ok.\n'
CONFIG_TOML = 'annotations = "annotations"\ndocuments = ["docs"]\n'


def run_async(test):
    """Run an async test on a fresh event loop (no pytest async plugin needed)."""

    @functools.wraps(test)
    def wrapper(*args, **kwargs):
        return asyncio.run(test(*args, **kwargs))

    return wrapper


class Clock:
    """A clock that advances one second per call, from a fixed instant."""

    def __init__(self, start: int = 0) -> None:
        self.ticks = itertools.count(start)

    def __call__(self) -> str:
        n = next(self.ticks)
        return f"2026-01-01T{n // 3600:02d}:{n // 60 % 60:02d}:{n % 60:02d}.000Z"


def id_factory(prefix: str = "s") -> Callable[[], str]:
    counter = itertools.count(1)
    return lambda: f"{prefix}{next(counter)}"


def span_of(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    """[start, end) in code points of the nth occurrence of `needle`."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return start, start + len(needle)


def line_col_of(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    """1-based line and column (characters) of the nth occurrence of `needle`, by plain search."""
    offset = -1
    for _ in range(nth + 1):
        offset = text.index(needle, offset + 1)
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def to_json_bytes(data: Any) -> bytes:
    """The same layout as storage.dumps, for hand-edited dicts."""
    return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)


@dataclass
class Project:
    root: Path
    clock: Callable[[], str] = field(default_factory=Clock)
    make_id: Callable[[], str] = field(default_factory=id_factory)

    @property
    def config(self) -> Config:
        return load_config(start=self.root)

    def write_doc(self, relative: str, content: str | bytes, meta: dict[str, Any] | None = None) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        if meta is not None:
            path.with_name(path.stem + ".meta.json").write_bytes(orjson.dumps(meta))
        return path

    def new_set(self, relative: str = "docs/a.txt", annotator: str = "alice") -> AnnotationSet:
        document = load_document(self.root, relative)
        return AnnotationSet.new(document, annotator, tagset=self.config.tagset, clock=self.clock, make_id=self.make_id)

    def write(self, name: str, content: AnnotationFile | AnnotationSet | dict | bytes | str) -> Path:
        """Write an annotation file under annotations/ and return its path."""
        if isinstance(content, AnnotationSet):
            content = content.to_file()
        if isinstance(content, AnnotationFile):
            data = dumps(content)
        elif isinstance(content, dict):
            data = to_json_bytes(content)
        elif isinstance(content, str):
            data = content.encode("utf-8")
        else:
            data = content
        path = self.root / "annotations" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

    def validate(self, path: Path) -> list[Finding]:
        return Validator(self.config).validate_file(path)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    """A project with annotator.toml, docs/a.txt and an empty annotations folder; cwd is its root."""
    root = tmp_path / "project"
    root.mkdir()
    (root / "annotator.toml").write_text(CONFIG_TOML, encoding="utf-8")
    (root / "annotations").mkdir()
    project = Project(root)
    project.write_doc("docs/a.txt", TEXT)
    monkeypatch.chdir(root)
    return project


def build_sample(project: Project) -> AnnotationSet:
    """Four spans with a history that uses every operation; the result is valid."""
    aset = project.new_set()
    quote = aset.create(*span_of(TEXT, "we will act soon"), "quote", attributes={"speaker": "the minister"})
    number = aset.create(*span_of(TEXT, "42"), "number", attributes={"value": 42, "unit": "people"})
    hedge = aset.create(*span_of(TEXT, "may"), "hedge")
    aset.resize(hedge.id, *span_of(TEXT, "reportedly"))
    aset.set_note(number.id, "rounded")
    claim = aset.create(*span_of(TEXT, "About 42 people may come"), "quote")
    aset.relabel(claim.id, "claim")
    aset.set_attributes(claim.id, {"check_worthiness": "high"})
    scratch = aset.create(*span_of(TEXT, "Café"), "hedge")
    aset.delete(scratch.id)
    aset.set_attributes(quote.id, {"speaker": "minister"})
    return aset


@pytest.fixture
def sample(project: Project) -> AnnotationSet:
    return build_sample(project)


@pytest.fixture
def sample_data(project: Project, sample: AnnotationSet) -> dict[str, Any]:
    """The sample as a plain dict, in file order, ready to be edited by a test."""
    return orjson.loads(dumps(sample.to_file()))


def run_cli(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """`python -m annotator ARGS` in a subprocess, with the repo importable."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "annotator", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        encoding="utf-8",
        errors="surrogateescape",
        timeout=120,
    )


def read_strictly(items: Iterable[Any]) -> list[Any]:
    """A reader's documents, raising the first document it could not read as the InteropError
    it stands for (readers yield those and go on, so that an import lists them all)."""
    from annotator.interop.model import InteropError, UnreadableDocument

    documents = list(items)
    for item in documents:
        if isinstance(item, UnreadableDocument):
            raise InteropError(str(item))
    return documents
