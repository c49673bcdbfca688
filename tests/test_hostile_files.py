"""Hostile files against the editor: planted symbolic links where annotator
writes its own files, ordinary file names that are not ids, and FIFOs or
devices where a document should be. Nothing is written outside the project,
nothing hangs, nothing ends in a traceback."""

from __future__ import annotations

import os
from pathlib import Path

import orjson
import pytest
from conftest import TEXT, Project, run_async, span_of

from annotator.editor.session import EditorSession
from annotator.model.document import DocumentError, document_id_for
from annotator.storage import Area, FileTooLarge, NotRegularFile, OutsideArea, PlantedLink, read_file
from annotator.storage.documents import load_document
from annotator.storage.files import OpenError
from annotator.storage.journal import journal_path
from annotator.storage.lock import lock_path
from annotator.storage.work_file import WorkFile
from annotator.ui.app import AnnotatorApp

DOC = "docs/a.txt"


def target(project: Project) -> Path:
    return project.root / "annotations" / "a" / "alice.json"


def open_work(project: Project) -> WorkFile:
    return WorkFile.open(target(project), load_document(project.root, DOC), "alice", project.config.tagset)


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    victim = tmp_path / "outside" / "victim.txt"
    victim.parent.mkdir()
    victim.write_text("precious\n", encoding="utf-8")
    return victim


# -- planted links --------------------------------------------------------------------


@pytest.mark.parametrize("which", [lock_path, journal_path])
def test_a_planted_link_is_reported_not_followed(project: Project, outside: Path, which) -> None:
    """A link at `.alice.json.lock` (or `.journal`) pointing outside: opening the
    document overwrote the target with the lock text (or journal JSON)."""
    planted = which(target(project))
    planted.parent.mkdir(parents=True)
    planted.symlink_to(outside)
    if which is lock_path:
        with pytest.raises(OpenError, match="symbolic link"):
            open_work(project)
    else:
        with pytest.raises(OpenError, match="symbolic link"):  # the journal is read at open
            open_work(project)
    assert outside.read_text(encoding="utf-8") == "precious\n"
    assert planted.is_symlink()  # reported, left for the person to remove


def test_a_link_planted_during_the_session_is_not_written_through(project: Project, outside: Path) -> None:
    errors: list[str] = []
    work = WorkFile.open(
        target(project), load_document(project.root, DOC), "alice", project.config.tagset, on_error=errors.append
    )
    journal_path(target(project)).symlink_to(outside)
    session = EditorSession(work.annotations, project.config.tagset)
    session.select(*span_of(TEXT, "may"))
    session.tag("hedge")
    work.record()
    work.flush()
    assert outside.read_text(encoding="utf-8") == "precious\n"
    assert errors and "symbolic link" in errors[0]
    assert work.save()  # the file itself is still saved
    work.close()
    assert outside.read_text(encoding="utf-8") == "precious\n"


def test_a_planted_compaction_file_is_not_followed(project: Project, outside: Path) -> None:
    """The journal was cut back through a fixed `.journal.tmp` name, which a link
    could be planted at; now through mkstemp."""
    planted = journal_path(target(project)).with_name(journal_path(target(project)).name + ".tmp")
    planted.parent.mkdir(parents=True)
    planted.symlink_to(outside)
    work = open_work(project)
    session = EditorSession(work.annotations, project.config.tagset)
    session.select(*span_of(TEXT, "may"))
    session.tag("hedge")
    work.record()
    first = work.snapshot()
    session.select(*span_of(TEXT, "reportedly"))
    session.tag("hedge")
    work.record()
    assert work.save(first)  # the journal then holds more than the file: it is cut back at some point
    work.close()
    reopened = open_work(project)
    assert reopened.save()
    reopened.close()
    assert outside.read_text(encoding="utf-8") == "precious\n"


# -- file names -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("000_386033cfb5d56fdc", "000_386033cfb5d56fdc"),
        ("my article", "my-article-169e1b27"),
        ("Café crème", "Cafe-creme-d8ceb770"),
        ("中文", "doc-72726d88"),
    ],
)
def test_a_file_name_that_is_not_an_id_gets_one_derived_from_it(name: str, expected: str) -> None:
    assert document_id_for(name) == expected


def test_derived_ids_are_valid_and_apart() -> None:
    from annotator.model.document import DOCUMENT_ID

    names = ["my article", "my-article", "my  article", "x" * 200, "x" * 201, "-", "ça va?", "a/b"]
    ids = [document_id_for(name) for name in names]
    assert all(DOCUMENT_ID.fullmatch(found) for found in ids)
    assert len(set(ids)) == len(ids)


@run_async
async def test_ordinary_file_names_open_in_the_ui_and_validate(project: Project) -> None:
    """'docs/my article.txt' ended in a pydantic traceback and exit status 0, also mid-queue with >."""
    names = ["my article", "Café crème", "a" * 70]
    for name in names:
        project.write_doc(f"docs/{name}.txt", TEXT)
    app = AnnotatorApp([f"docs/{name}.txt" for name in names], project.config, "alice", project.root / "annotations")
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        for _ in names:
            await pilot.press("q", "greater_than_sign")
            await pilot.pause()
        await pilot.press("ctrl+q")
    assert app.return_code in (0, None)
    files = sorted((project.root / "annotations").glob("*/alice.json"))
    assert [path.parent.name for path in files] == sorted(document_id_for(name) for name in names)
    for path in files:
        assert project.validate(path) == []
        assert orjson.loads(path.read_bytes())["spans"]


# -- what a document may be ------------------------------------------------------------------


def test_a_fifo_document_is_refused_at_once(project: Project) -> None:
    os.mkfifo(project.root / "docs" / "pipe.txt")
    with pytest.raises(DocumentError, match="FIFO"):
        load_document(project.root, "docs/pipe.txt")


def test_a_document_linked_outside_the_project_is_refused(project: Project, outside: Path) -> None:
    (project.root / "docs" / "leak.txt").symlink_to(outside)
    with pytest.raises(DocumentError, match="leads outside"):
        load_document(project.root, "docs/leak.txt")
    (project.root / "docs" / "zero.txt").symlink_to("/dev/zero")
    with pytest.raises(DocumentError):
        load_document(project.root, "docs/zero.txt")


def test_read_file_rules(tmp_path: Path, outside: Path) -> None:
    inside = tmp_path / "project"
    inside.mkdir()
    (inside / "big").write_bytes(b"x" * 2000)
    with pytest.raises(FileTooLarge, match=r"limits\.max_file_size"):
        read_file(inside / "big", limit=1000)
    with pytest.raises(NotRegularFile, match="directory"):
        read_file(inside)
    (inside / "link").symlink_to(outside)
    with pytest.raises(OutsideArea):
        read_file(inside / "link", area=Area.of(inside))
    assert read_file(inside / "link") == b"precious\n"  # without an area: the caller chose the file
    with pytest.raises(NotRegularFile, match="character device"):
        read_file("/dev/zero")
    assert isinstance(PlantedLink(inside, "x"), OSError)  # reported wherever OSErrors are


def test_an_annotation_file_linked_outside_is_not_opened(project: Project, outside: Path) -> None:
    path = target(project)
    path.parent.mkdir(parents=True)
    path.symlink_to(outside)
    with pytest.raises(OpenError, match="leads outside") as raised:
        WorkFile.open(
            path, load_document(project.root, DOC), "alice", project.config.tagset, area=project.config.area_for(path)
        )
    assert "precious" not in str(raised.value)  # not read, so not quoted
    assert str(path) in str(raised.value) and str(raised.value).count(str(path)) == 1
