"""Generated hostile files thrown at every command.

Each example builds a scratch project (annotator.toml, a document, an
annotation file) and plants hostile things in it: bytes that are not JSON,
JSON of the wrong shape, deep nesting, control characters and escape
sequences, symbolic links to a file outside the project, a FIFO, a folder
named like a file, an import source that names files outside its folder.
Then it runs a command in-process and checks what the tool promises
(README, "Security: untrusted files"):

- no traceback: the command returns (or argparse exits) with 0, 1 or 2;
- nothing outside the project is written: the canary file next to it keeps
  its bytes, and no new file appears outside the project;
- no raw escape sequence reaches the terminal: stderr holds no ESC;
- no hang: every example runs under an alarm.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.cli.main import main

TEXT = 'The minister said "we will act soon".\nAbout 42 people may come.\n'
CANARY = b"canary: must never change\n"
ALARM_SECONDS = 20
EXIT_CODES = {0, 1, 2}

SPAN = {
    "id": "s1",
    "start": 19,
    "end": 35,
    "label": "quote",
    "text": "we will act soon",
    "attributes": {},
    "origin": "manual",
    "created_by": "alice",
    "created_at": "2026-01-01T00:00:00.000Z",
    "modified_by": "alice",
    "modified_at": "2026-01-01T00:00:00.000Z",
}

hostile_text = st.lists(
    st.sampled_from(["a", " ", "\x1b[2J", "\x1b]0;pwned\x07", "\x9b31m", "\u202e", "[bold]", "\x00", "é", "👍"]),
    max_size=6,
).map("".join)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False) | hostile_text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(hostile_text, children, max_size=4),
    max_leaves=12,
)


def dump(value: object) -> bytes:
    """JSON as any tool may write it: integers beyond 64 bits included (orjson refuses to write them)."""
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


@st.composite
def annotation_bytes(draw) -> bytes:
    """An annotation file: broken bytes, a wrong shape, or a mostly valid file with a poisoned field."""
    kind = draw(st.sampled_from(["bytes", "json", "poisoned", "deep"]))
    if kind == "bytes":
        return draw(st.binary(max_size=200))
    if kind == "deep":
        depth = draw(st.integers(100, 5000))
        return b"[" * depth + b"]" * depth
    if kind == "json":
        return dump(draw(json_values))
    data = {
        "schema_version": 1,
        "document": {"id": "a", "path": "docs/a.txt", "length": len(TEXT), "sha256": "0" * 64},
        "annotator": "alice",
        "status": "in_progress",
        "spans": [dict(SPAN)],
        "history": [],
    }
    where = draw(st.sampled_from(["document.path", "annotator", "spans.0.text", "spans.0.label", "spans.0.note", "x"]))
    value = draw(json_values | st.sampled_from(["../../outside/canary.txt", "/etc/passwd", "docs/fifo.txt"]))
    node, *path = where.split(".")
    if node == "x":
        data["\x1b[31m"] = value
    elif node == "document":
        data["document"]["path"] = value
    elif node == "annotator":
        data["annotator"] = value
    else:
        data["spans"][0][path[-1]] = value
    return dump(data)


@st.composite
def w3c_source(draw) -> bytes:
    source = draw(
        st.sampled_from(["docs/a.txt", "../outside/canary.txt", "/etc/passwd", "docs/fifo.txt", "docs/link.txt"])
        | hostile_text
    )
    shape = draw(st.sampled_from(["annotation", "nested-type", "junk"]))
    if shape == "junk":
        return dump(draw(json_values))
    annotation = {
        "type": [["Annotation"]] if shape == "nested-type" else "Annotation",
        "id": draw(hostile_text),
        "body": [{"type": "TextualBody", "purpose": "tagging", "value": draw(st.sampled_from(["quote", "\x1b[1m"]))}],
        "target": {"source": source, "selector": [{"type": "TextPositionSelector", "start": 0, "end": 3}]},
    }
    return dump(annotation)


class Timeout(Exception):
    pass


@contextlib.contextmanager
def alarm(seconds: int) -> Iterator[None]:
    def ring(signum, frame):
        raise Timeout(f"the command did not return within {seconds} s: a hang")

    previous = signal.signal(signal.SIGALRM, ring)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def scratch_project(base: Path) -> tuple[Path, Path]:
    """A project with a document, and a canary file beside (outside) it."""
    outside = base / "outside"
    outside.mkdir()
    (outside / "canary.txt").write_bytes(CANARY)
    root = base / "project"
    (root / "docs").mkdir(parents=True)
    (root / "annotator.toml").write_text('documents = ["docs"]\nannotator = "alice"\n', encoding="utf-8")
    (root / "docs" / "a.txt").write_text(TEXT, encoding="utf-8")
    (root / "annotations" / "a").mkdir(parents=True)
    os.mkfifo(root / "docs" / "fifo.txt")
    (root / "docs" / "link.txt").symlink_to(outside / "canary.txt")
    (root / "annotations" / "a" / "linked.json").symlink_to(outside / "canary.txt")
    os.mkfifo(root / "annotations" / "a" / "fifo.json")
    return root, outside


def files_under(folder: Path) -> dict[str, bytes | None]:
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            found[str(path)] = path.read_bytes()
    return found


def run(root: Path, args: list[str]) -> tuple[int, str]:
    """Run `annotator ARGS` in-process from the project root; (exit status, stderr)."""
    stdout, stderr = io.StringIO(), io.StringIO()
    cwd = Path.cwd()
    os.chdir(root)
    try:
        with alarm(ALARM_SECONDS), contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            try:
                code = main(args)
            except SystemExit as exit_:  # argparse
                code = exit_.code if isinstance(exit_.code, int) else 2
    finally:
        os.chdir(cwd)
    return code, stderr.getvalue()


def check(base: Path, root: Path, outside: Path, args: list[str]) -> None:
    before = files_under(outside)
    outside_before = {path.name for path in base.iterdir()}
    code, stderr = run(root, args)
    assert code in EXIT_CODES, (args, code, stderr)
    assert "Traceback" not in stderr, stderr
    assert "\x1b" not in stderr and "\x9b" not in stderr, stderr
    assert files_under(outside) == before, f"{args} changed a file outside the project"
    assert {path.name for path in base.iterdir()} == outside_before, f"{args} wrote beside the project"


FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,
)


@pytest.mark.parametrize(
    "command",
    [
        ["validate"],
        ["validate", "annotations/a/alice.json", "--format", "github"],
        ["stats"],
        ["agree"],
        ["history", "annotations/a/alice.json"],
        ["export", "--format", "jsonl", "--out", "out.jsonl"],
        ["export", "--format", "brat", "--out", "brat"],
        ["export", "--format", "w3c", "--out", "annotations/a/alice.json"],
    ],
    ids=lambda command: "-".join(command[:3]),
)
@FUZZ
@given(content=annotation_bytes())
def test_hostile_annotation_files(command: list[str], content: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        root, outside = scratch_project(base)
        (root / "annotations" / "a" / "alice.json").write_bytes(content)
        check(base, root, outside, command)


@FUZZ
@given(content=w3c_source())
def test_hostile_w3c_imports(content: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        root, outside = scratch_project(base)
        (root / "incoming").mkdir()
        (root / "incoming" / "web.jsonld").write_bytes(content)
        check(base, root, outside, ["import", "--format", "w3c", "incoming/web.jsonld", "--map", "\x1b[1m=quote"])


@FUZZ
@given(ann=hostile_text, linked=st.sampled_from(["none", "txt", "ann", "fifo"]))
def test_hostile_brat_imports(ann: str, linked: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        root, outside = scratch_project(base)
        corpus = root / "incoming"
        corpus.mkdir()
        (corpus / "story.ann").write_text(f"T1\tquote 0 3\tThe\n{ann}\n", encoding="utf-8", errors="surrogatepass")
        if linked == "txt":
            (corpus / "story.txt").symlink_to(outside / "canary.txt")
        elif linked == "fifo":
            os.mkfifo(corpus / "story.txt")
        else:
            (corpus / "story.txt").write_text("The news.\n", encoding="utf-8")
        if linked == "ann":
            (corpus / "other.ann").symlink_to(outside / "canary.txt")
            (corpus / "other.txt").write_text("x\n", encoding="utf-8")
        check(base, root, outside, ["import", "--format", "brat", "incoming"])
