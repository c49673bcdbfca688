"""Import of hostile sources: nothing outside the source folder is read, no link is
followed out of it, only regular files of bounded size, and malformed shapes are
clear errors, never tracebacks."""

from __future__ import annotations

import itertools
import os
from pathlib import Path
from typing import Any

import orjson
import pytest

from annotator.interop.formats import brat, doccano, jsonl, label_studio, w3c
from annotator.interop.model import InteropError
from tests.conftest import read_strictly, run_cli

SECRET = "TOP SECRET: the launch codes are 0000\n"
TEXT = "The minister said the bridge will reopen.\n"
CONFIG = 'annotations = "annotations"\ndocuments = ["docs"]\n'


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, Path, Path]:
    """(project root, source folder inside it, a secret file outside the project)."""
    root = tmp_path / "project"
    (root / "docs").mkdir(parents=True)
    (root / "src").mkdir()
    (root / "annotator.toml").write_text(CONFIG, encoding="utf-8")
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    return root, root / "src", secret


def written(root: Path) -> list[Path]:
    """Every file the import could have written: document texts and annotation files."""
    return sorted(p for folder in ("docs", "annotations") for p in (root / folder).rglob("*") if p.is_file())


def no_secret_copied(root: Path) -> None:
    for path in written(root):
        if not path.is_symlink():
            assert "launch codes" not in path.read_text(encoding="utf-8", errors="replace"), path


def annotation(source: str, *, exact: str = "minister", start: int = 4, end: int = 12, **extra: Any) -> dict:
    return {
        "id": "urn:x:anno-1",
        "type": "Annotation",
        "creator": {"nickname": "alice"},
        "body": [{"type": "TextualBody", "purpose": "tagging", "value": "claim"}],
        "target": {
            "source": source,
            "selector": [
                {"type": "TextQuoteSelector", "exact": exact},
                {"type": "TextPositionSelector", "start": start, "end": end},
            ],
        },
        **extra,
    }


# -- W3C target sources ---------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "SECRET_ABSOLUTE",
        "../../outside/secret.txt",
        "../outside/secret.txt",
        "docs/../../outside/secret.txt",
        "/etc/passwd",
        "file:///etc/passwd",
        "https://example.org/article.txt",
        "C:/Windows/win.ini",
        "docs\\..\\..\\outside\\secret.txt",
    ],
)
def test_w3c_target_outside_the_project_is_refused(setup, target: str) -> None:
    root, src, secret = setup
    if target == "SECRET_ABSOLUTE":
        target = str(secret)
    (src / "annos.json").write_bytes(orjson.dumps(annotation(target, exact="TOP SECRET", start=0, end=10)))
    result = run_cli(["import", "-f", "w3c", "src/annos.json"], root)
    assert result.returncode == 1, result.stderr
    assert "annotation urn:x:anno-1" in result.stderr and "annos.json" in result.stderr
    assert "Traceback" not in result.stderr
    assert written(root) == []
    no_secret_copied(root)


def test_w3c_target_linked_out_of_the_project_is_refused(setup) -> None:
    root, src, secret = setup
    (root / "docs" / "leak.txt").symlink_to(secret)
    (src / "annos.json").write_bytes(orjson.dumps(annotation("docs/leak.txt", exact="TOP SECRET", start=0, end=10)))
    result = run_cli(["import", "-f", "w3c", "src/annos.json"], root)
    assert result.returncode == 1
    assert "annotation urn:x:anno-1: cannot read document 'docs/leak.txt'" in result.stderr
    assert "leads outside" in result.stderr
    no_secret_copied(root)


def test_w3c_target_proc_is_refused(setup) -> None:
    root, src, _ = setup
    (src / "annos.json").write_bytes(orjson.dumps(annotation("/proc/self/environ", exact="PATH", start=0, end=4)))
    result = run_cli(["import", "-f", "w3c", "src/annos.json"], root)
    assert result.returncode == 1 and "must be a path relative to the documents folder" in result.stderr
    assert written(root) == []


def test_w3c_documents_of_the_project_are_read(setup, tmp_path: Path) -> None:
    """A document text of the project may be named from an annotation file outside it."""
    root, _, _ = setup
    (root / "docs" / "speech.txt").write_text(TEXT, encoding="utf-8")
    elsewhere = tmp_path / "download"
    elsewhere.mkdir()
    (elsewhere / "annos.json").write_bytes(orjson.dumps(annotation("docs/speech.txt")))
    result = run_cli(["import", "-f", "w3c", str(elsewhere / "annos.json")], root)
    assert result.returncode == 0, result.stderr
    assert (root / "annotations" / "speech" / "alice.json").is_file()


# -- brat links, FIFOs, sizes -------------------------------------------------------------


@pytest.mark.parametrize("linked", ["txt", "ann", "proc"])
def test_brat_file_linked_out_of_the_source_is_refused(setup, linked: str) -> None:
    root, src, secret = setup
    outside_ann = secret.parent / "doc.ann"
    outside_ann.write_text("T1\tclaim 0 10\tTOP SECRET\n", encoding="utf-8")
    if linked == "txt":
        (src / "doc.txt").symlink_to(secret)
        (src / "doc.ann").write_text("T1\tclaim 0 10\tTOP SECRET\n", encoding="utf-8")
    elif linked == "ann":
        (src / "doc.txt").write_text(SECRET, encoding="utf-8")  # a file of the source: fine
        (src / "doc.ann").symlink_to(outside_ann)
    else:
        (src / "doc.txt").symlink_to("/proc/self/environ")
        (src / "doc.ann").write_text("", encoding="utf-8")
    result = run_cli(["import", "-f", "brat", "src", "--docs", "docs"], root)
    assert result.returncode == 1, result.stderr
    assert f"doc.{'ann' if linked == 'ann' else 'txt'}: the brat" in result.stderr
    assert "leads outside" in result.stderr and "Traceback" not in result.stderr
    assert written(root) == []
    if linked != "ann":
        no_secret_copied(root)


def test_brat_link_inside_the_source_is_read(setup) -> None:
    root, src, _ = setup
    (src / "texts").mkdir()
    (src / "texts" / "real.txt").write_text(TEXT, encoding="utf-8")
    (src / "doc.txt").symlink_to(Path("texts") / "real.txt")
    (src / "doc.ann").write_text("T1\tclaim 4 12\tminister\n", encoding="utf-8")
    result = run_cli(["import", "-f", "brat", "src/doc.ann", "--docs", "docs"], root)
    assert result.returncode == 0, result.stderr
    assert (root / "docs" / "doc.txt").read_text(encoding="utf-8") == TEXT


def test_brat_fifo_is_refused_without_blocking(setup) -> None:
    """run_cli's timeout fails the test if reading the FIFO blocks."""
    root, src, _ = setup
    os.mkfifo(src / "doc.txt")
    (src / "doc.ann").write_text("T1\tclaim 0 3\tThe\n", encoding="utf-8")
    result = run_cli(["import", "-f", "brat", "src", "--docs", "docs"], root)
    assert result.returncode == 1
    assert "doc.txt: the brat text file is a FIFO, not a regular file" in result.stderr
    assert written(root) == []


def test_brat_text_over_the_size_limit_is_refused(setup) -> None:
    root, src, _ = setup
    (root / "annotator.toml").write_text(CONFIG + '[limits]\nmax_file_size = "1 KB"\n', encoding="utf-8")
    (src / "doc.txt").write_text("x" * 2000, encoding="utf-8")
    (src / "doc.ann").write_text("T1\tclaim 0 3\txxx\n", encoding="utf-8")
    result = run_cli(["import", "-f", "brat", "src", "--docs", "docs"], root)
    assert result.returncode == 1
    assert "doc.txt: the brat text file has 2,000 bytes or more; the limit is 1,024" in result.stderr
    assert written(root) == []


# -- Label Studio and the JSONL formats ------------------------------------------------------

LS_TASK = [{"id": 1, "data": {"text": TEXT}, "annotations": []}]


@pytest.mark.parametrize("fmt", ["label-studio", "jsonl", "doccano", "prodigy", "w3c"])
def test_source_linked_out_of_its_folder_is_refused(setup, fmt: str) -> None:
    root, src, secret = setup
    (src / "export.json").symlink_to(secret)
    result = run_cli(["import", "-f", fmt, "src/export.json"], root)
    assert result.returncode == 1, result.stderr
    assert "export.json: the" in result.stderr and "leads outside" in result.stderr
    assert "Traceback" not in result.stderr and "TOP SECRET" not in result.stderr
    assert written(root) == []


@pytest.mark.parametrize("fmt", ["label-studio", "jsonl", "doccano", "w3c"])
def test_source_that_is_a_fifo_is_refused(setup, fmt: str) -> None:
    root, src, _ = setup
    os.mkfifo(src / "export.jsonl")
    result = run_cli(["import", "-f", fmt, "src/export.jsonl"], root)
    assert result.returncode == 1, result.stderr
    assert "is a FIFO, not a regular file" in result.stderr
    assert written(root) == []


@pytest.mark.parametrize("module", [jsonl, doccano])
def test_jsonl_line_over_the_limit_is_refused(tmp_path: Path, module) -> None:
    short = orjson.dumps({"text": "short", "label": [], "spans": []})
    source = tmp_path / "in.jsonl"
    source.write_bytes(short + b"\n" + orjson.dumps({"text": "x" * 5000}) + b"\n")
    with pytest.raises(InteropError, match=r"in\.jsonl:2: the line has more than 1,024 bytes"):
        list(module.read(source, offsets=module.OFFSET_UNITS[0], options={"limit": 1024}))
    assert len(list(module.read(source, offsets=module.OFFSET_UNITS[0], options={"limit": 10_000}))) == 2


def test_label_studio_over_the_limit_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "tasks.json"
    source.write_bytes(orjson.dumps(LS_TASK * 100))
    with pytest.raises(InteropError, match="the limit is 1,024"):
        list(label_studio.read(source, offsets="utf16", options={"limit": 1024}))


def test_formats_default_to_the_source_folder(tmp_path: Path) -> None:
    """Called directly, without options, a format still refuses a link out of the source folder."""
    outside = tmp_path / "outside.txt"
    outside.write_text(SECRET, encoding="utf-8")
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "doc.txt").symlink_to(outside)
    (folder / "doc.ann").write_text("", encoding="utf-8")
    with pytest.raises(InteropError, match="leads outside"):
        read_strictly(brat.read(folder, offsets="codepoint", options={}))


# -- W3C malformed shapes --------------------------------------------------------------------


def test_w3c_nested_type_list_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "doc.txt").write_text(TEXT, encoding="utf-8")
    source = tmp_path / "annos.json"
    source.write_bytes(orjson.dumps(annotation("doc.txt", type=[["Annotation"]])))
    with pytest.raises(InteropError, match=r"annos\.json: object .*'type' must be a string or a list of strings"):
        list(w3c.read(source, offsets="codepoint", options={}))
    result = run_cli(["import", "-f", "w3c", str(source)], tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "'type' must be a string or a list of strings, not [[\"Annotation\"]]" in result.stderr


HOSTILE = [None, True, 7, -1, 2**63 - 1, 1.5, "", "x", [], [[]], [["Annotation"]], {}, {"type": [["x"]]}, [1, {}]]


def _mutations(node: Any, path: tuple = ()):
    """(path, value) for every place in `node`, to replace by a hostile value."""
    yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _mutations(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _mutations(value, (*path, index))


def _replaced(node: Any, path: tuple, value: Any) -> Any:
    if not path:
        return value
    copy = dict(node) if isinstance(node, dict) else list(node)
    copy[path[0]] = _replaced(node[path[0]], path[1:], value)
    return copy


def test_w3c_any_malformed_shape_is_a_clear_error(tmp_path: Path) -> None:
    """Every value of a valid collection replaced by each hostile value: the read succeeds or
    raises InteropError naming the file, never anything else."""
    (tmp_path / "doc.txt").write_text(TEXT, encoding="utf-8")
    base = annotation("doc.txt", motivation="tagging")
    base["body"].append({"type": "TextualBody", "purpose": "commenting", "value": "note"})
    base["body"].append({"type": "TextualBody", "purpose": "describing", "value": '{"speaker": "x"}'})
    base["target"]["selector"][0].update(prefix="The ", suffix=" said")
    collection = {"type": "AnnotationCollection", "first": {"type": "AnnotationPage", "items": [base]}}
    source = tmp_path / "annos.json"
    tried = 0
    for path, value in itertools.product(list(_mutations(collection)), HOSTILE):
        source.write_bytes(orjson.dumps(_replaced(collection, path, value)))
        try:
            list(w3c.read(source, offsets="codepoint", options={}))
        except InteropError as err:
            assert str(source) in str(err), (path, value, err)
        tried += 1
    assert tried > 500


def test_w3c_deep_nesting_is_a_clear_error(tmp_path: Path) -> None:
    source = tmp_path / "annos.json"
    source.write_bytes(b"[" * 900 + b"]" * 900)
    assert list(w3c.read(source, offsets="codepoint", options={})) == []
    source.write_bytes(b"[" * 5000 + b"]" * 5000)
    with pytest.raises(InteropError, match=r"annos\.json:1:\d+: invalid JSON"):
        list(w3c.read(source, offsets="codepoint", options={}))
