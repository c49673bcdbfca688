"""The import's write pass: files are only ever created, a file another process
created meanwhile is reported as such, folders are checked before anything is
written, and a failure midway leaves nothing behind."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import orjson
import pytest

from annotator.interop import writer
from annotator.interop.labelmap import LabelMapper
from annotator.interop.model import ImportedDocument, ImportedSpan, InteropError
from annotator.interop.writer import write_imported
from tests.conftest import TEXT, Clock, Project, run_cli, span_of


def doc(doc_id: str) -> ImportedDocument:
    start, end = span_of(TEXT, "we will act soon")
    return ImportedDocument(
        doc_id=doc_id,
        text=TEXT,
        source=f"src/{doc_id}.ann",
        spans=[ImportedSpan(start, end, "quote", f"src/{doc_id}.ann#T1", "we will act soon")],
    )


def run_import(project: Project, docs, **kwargs):
    config = project.config
    return write_imported(
        docs,
        config,
        docs_dir=kwargs.pop("docs_dir", project.root / "imported"),
        out_dir=kwargs.pop("out_dir", project.root / "annotations"),
        annotator_default="importer",
        clock=Clock(),
        mapper=LabelMapper(config.tagset),
        **kwargs,
    )


def tree(root: Path) -> list[str]:
    """Every file and folder under root, as relative paths."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))


def test_file_created_by_another_import_is_reported_as_such(project: Project) -> None:
    """Another import creates d2's annotation file between the plan and the write pass."""
    before = tree(project.root)
    calls = 0
    theirs = project.root / "annotations" / "d2" / "importer.json"

    def source():
        nonlocal calls
        calls += 1
        if calls == 2:  # the write pass begins: the other process has just written its file
            theirs.parent.mkdir(parents=True)
            theirs.write_bytes(b'{"theirs": true}\n')
        return [doc("d1"), doc("d2"), doc("d3")]

    with pytest.raises(InteropError) as caught:
        run_import(project, source)
    message = str(caught.value)
    assert f"{theirs} was created by another process during this import" in message
    assert "the source changed" not in message
    # d1's text, metadata and annotation file, d2's text and metadata
    assert "nothing was imported: the 5 file(s) it had written were removed" in message
    assert theirs.read_bytes() == b'{"theirs": true}\n'  # theirs is left alone
    assert tree(project.root) == sorted([*before, "annotations/d2", "annotations/d2/importer.json"])


def test_text_created_by_another_import_is_reported_as_such(project: Project) -> None:
    calls = 0
    theirs = project.root / "imported" / "d1.txt"

    def source():
        nonlocal calls
        calls += 1
        if calls == 2:
            theirs.parent.mkdir()
            theirs.write_text(TEXT, encoding="utf-8")
        return [doc("d1")]

    with pytest.raises(InteropError, match=f"{theirs} was created by another process during this import"):
        run_import(project, source)
    assert tree(project.root / "imported") == ["d1.txt"]
    assert list((project.root / "annotations").iterdir()) == []


def test_write_failing_midway_removes_what_was_written(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    before = tree(project.root)
    real_create_new = writer.create_new
    made = []

    def create_new(path, data, **kwargs):
        if len(made) == 4:  # d1's text, metadata and annotation file, d2's text: then the disk is full
            raise OSError(errno.ENOSPC, "No space left on device")
        made.append(path)
        real_create_new(path, data, **kwargs)

    monkeypatch.setattr(writer, "create_new", create_new)
    with pytest.raises(InteropError) as caught:
        run_import(project, [doc("d1"), doc("d2")])
    message = str(caught.value)
    assert "d2.meta.json: cannot write the metadata file: No space left on device" in message
    assert "nothing was imported: the 4 file(s) it had written were removed" in message
    assert tree(project.root) == before  # the folders it made are gone too


def test_a_folder_that_cannot_be_made_is_reported_before_anything_is_written(project: Project) -> None:
    blocker = project.root / "blocker"
    blocker.write_text("a file, not a folder", encoding="utf-8")
    before = tree(project.root)
    with pytest.raises(InteropError, match=f"the annotations folder {blocker / 'ann'} cannot be made: {blocker} is"):
        run_import(project, [doc("d1")], out_dir=blocker / "ann")
    assert tree(project.root) == before


def test_cli_out_under_a_file_writes_nothing(project: Project) -> None:
    (project.root / "in.jsonl").write_bytes(
        orjson.dumps({"text": TEXT, "meta": {"id": "d1"}, "spans": [{"start": 0, "end": 3, "label": "claim"}]}) + b"\n"
    )
    (project.root / "blocker").write_text("x", encoding="utf-8")
    before = tree(project.root)
    result = run_cli(["import", "-f", "jsonl", "in.jsonl", "--docs", "imported", "--out", "blocker/ann"], project.root)
    assert result.returncode == 1, result.stderr
    assert (
        "the annotations folder blocker/ann cannot be made" in result.stderr and "nothing was imported" in result.stderr
    )
    assert tree(project.root) == before


def test_read_only_annotations_folder_writes_no_document(project: Project) -> None:
    out = project.root / "readonly"
    out.mkdir()
    out.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        if os.access(out, os.W_OK):
            pytest.skip("running as root: a read-only folder is still writable")
        before = tree(project.root)
        with pytest.raises(InteropError, match=f"the annotations folder {out} cannot be written"):
            run_import(project, [doc("d1")], out_dir=out)
        assert tree(project.root) == before
    finally:
        out.chmod(0o755)


def test_stale_metadata_without_its_text_is_a_plan_error(project: Project) -> None:
    (project.root / "imported").mkdir()
    stale = project.root / "imported" / "d1.meta.json"
    stale.write_text('{"id": "d1", "title": "old"}', encoding="utf-8")
    with pytest.raises(InteropError, match=r"d1\.meta\.json exists without its text d1\.txt"):
        run_import(project, [doc("d1")])
    assert stale.read_text(encoding="utf-8") == '{"id": "d1", "title": "old"}'


def test_same_document_twice_in_one_import_is_written_once(project: Project) -> None:
    """One text, two annotators: the second plan reuses the text this import wrote."""
    second = doc("d1")
    second.annotator = "bob"
    report = run_import(project, [doc("d1"), second])
    assert report.texts_written == 1 and report.texts_reused == 1 and report.documents == 2
