"""WorkFile: the lock, the recovery journal, conflict-checked saves and crash recovery.

The crash tests are real: a subprocess edits through an EditorSession and
kills itself (or is killed) with SIGKILL; this process then opens the file.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import orjson
import pytest
from conftest import REPO, TEXT, Project, span_of

from annotator.editor.session import EditorSession
from annotator.model.audit import GENESIS_HASH, chain_hash, event_body
from annotator.model.editing import AnnotationSet, EditError
from annotator.storage import StorageError, dumps
from annotator.storage import lock as storage_lock
from annotator.storage.annotation_files import ConflictError
from annotator.storage.documents import load_document
from annotator.storage.files import OpenError
from annotator.storage.journal import journal_path
from annotator.storage.lock import LockedError, lock_path
from annotator.storage.work_file import Resolution, WorkFile

DOC = "docs/a.txt"


# -- helpers -------------------------------------------------------------------------


def target(project: Project) -> Path:
    return project.root / "annotations" / "a" / "alice.json"


def open_work(project: Project, path: Path | None = None, **kwargs) -> WorkFile:
    document = load_document(project.root, DOC)
    return WorkFile.open(
        path or target(project),
        document,
        "alice",
        project.config.tagset,
        clock=project.clock,
        make_id=project.make_id,
        **kwargs,
    )


def session_of(work: WorkFile, project: Project) -> EditorSession:
    return EditorSession(work.annotations, project.config.tagset)


def tag(session: EditorSession, needle: str, label: str, nth: int = 0):
    session.select(*span_of(TEXT, needle, nth))
    return session.tag(label)


def span_dicts(work: WorkFile) -> list[dict]:
    return [span.model_dump(mode="json") for span in work.annotations.sorted_spans()]


def journal_records(path: Path) -> list[dict]:
    journal = journal_path(path)
    if not journal.exists():
        return []
    return [orjson.loads(line) for line in journal.read_bytes().splitlines() if line.strip()]


def journal_seqs(path: Path) -> list[int]:
    return [record["event"]["seq"] for record in journal_records(path) if "event" in record]


def saved_history_length(path: Path) -> int:
    return len(orjson.loads(path.read_bytes())["history"])


def assert_validates(project: Project, path: Path) -> None:
    assert project.validate(path) == []


# -- opening, saving, dirty ----------------------------------------------------------


def test_new_file_record_and_save_validates(project: Project) -> None:
    path = target(project)
    work = open_work(project)
    try:
        assert not path.exists()
        assert (work.recovered, work.dirty, work.last_error) == (0, False, None)
        assert lock_path(path).exists()
        assert f"pid {os.getpid()}" in lock_path(path).read_text()
        session = session_of(work, project)
        quote = tag(session, "we will act soon", "quote")
        session.set_details(quote.id, None, {"speaker": "the minister"})
        session.move_to(TEXT.index("42"))
        session.tag("number")
        work.record()
        assert work.dirty
        assert work.save() is True
        assert not work.dirty
        assert_validates(project, path)
        saved = orjson.loads(path.read_bytes())
        assert saved["spans"] == [s.model_dump(mode="json", exclude_none=True) for s in work.annotations.sorted_spans()]
        assert len(saved["history"]) == len(work.annotations.history) == 3
    finally:
        work.close()
    assert not lock_path(path).exists()
    assert not journal_path(path).exists()  # everything was saved


def test_saving_twice_without_a_change_does_not_rewrite(project: Project) -> None:
    path = target(project)
    work = open_work(project)
    session = session_of(work, project)
    tag(session, "may", "hedge")
    work.record()
    assert work.save()
    before = path.stat()
    data = path.read_bytes()
    assert work.save() is False
    assert work.save(work.snapshot()) is False
    after = path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert path.read_bytes() == data
    work.close()
    # nor does opening and saving an untouched file
    again = open_work(project)
    assert again.save() is False
    assert path.stat().st_mtime_ns == before.st_mtime_ns
    again.close()


def test_nothing_is_written_for_a_new_file_without_edits(project: Project) -> None:
    path = target(project)
    work = open_work(project)
    assert work.save() is False
    work.close()
    assert not path.exists()
    assert not journal_path(path).exists()
    assert not lock_path(path).exists()


def test_dirty_tracks_edits_and_status(project: Project) -> None:
    work = open_work(project)
    session = session_of(work, project)
    assert not work.dirty
    span = tag(session, "may", "hedge")
    assert work.dirty
    work.record()
    work.save()
    assert not work.dirty
    work.annotations.set_status("done")
    assert work.dirty
    work.annotations.set_status("in_progress")
    assert not work.dirty  # back to what is saved
    work.annotations.set_status("done")
    work.record()
    assert work.save()
    assert not work.dirty
    assert orjson.loads(target(project).read_bytes())["status"] == "done"
    session.delete(span.id)
    assert work.dirty
    session.undo()
    assert work.dirty  # undo appends events: the trail differs from the saved one
    work.record()
    work.save()
    assert not work.dirty
    work.close()
    assert_validates(project, target(project))


def test_the_journal_keeps_the_session_until_its_work_is_saved(project: Project) -> None:
    """Saved changes stay in the journal while the session lasts: the file could
    still be replaced by an older copy, and then only the journal has them."""
    path = target(project)
    work = open_work(project)
    session = session_of(work, project)
    tag(session, "we will act soon", "quote")
    tag(session, "may", "hedge")
    work.record()
    assert work.flush()
    assert journal_seqs(path) == [1, 2]
    work.save()
    assert work.flush()
    assert journal_seqs(path) == [1, 2]  # saved, and still journaled

    tag(session, "reportedly", "hedge")
    work.record()
    snapshot = work.snapshot()  # a background save's view: events 1-3
    tag(session, "Café", "quote")
    work.annotations.set_status("done")
    work.record()  # event 4 and the status come after the snapshot
    assert work.save(snapshot)
    assert work.flush()
    assert journal_seqs(path) == [1, 2, 3, 4]
    assert {"status": "done"} in journal_records(path)
    assert work.dirty
    work.close()
    assert journal_path(path).exists()  # unsaved work stays on close

    reopened = open_work(project)
    assert reopened.recovered == 1
    assert reopened.annotations.status == "done"
    assert len(reopened.annotations.spans) == 4
    assert reopened.flush()
    assert journal_seqs(path) == [4]  # what the file has is dropped at open
    assert reopened.save()
    reopened.close()
    assert not journal_path(path).exists()  # the session ended with its work saved


def test_a_status_toggled_back_and_forth_is_not_resurrected_by_compaction(project: Project) -> None:
    path = target(project)
    work = open_work(project)
    session = session_of(work, project)
    tag(session, "may", "hedge")
    work.annotations.set_status("done")
    work.record()
    work.save()
    work.annotations.set_status("in_progress")
    work.record()
    work.annotations.set_status("done")
    work.record()
    tag(session, "reportedly", "hedge")
    work.record()
    work.save()  # saved as done
    assert work.flush()
    work.close()
    assert not journal_path(path).exists()
    reopened = open_work(project)
    assert reopened.annotations.status == "done"
    assert not reopened.dirty
    reopened.close()


def test_an_older_snapshot_saved_late_does_not_overwrite_a_newer_one(project: Project) -> None:
    path = target(project)
    work = open_work(project)
    session = session_of(work, project)
    tag(session, "may", "hedge")
    work.record()
    older = work.snapshot()
    tag(session, "reportedly", "hedge")
    work.record()
    newer = work.snapshot()
    assert work.save(newer)
    assert work.save(older) is False  # background saves may finish out of order
    assert saved_history_length(path) == 2
    assert not work.dirty
    assert work.flush()
    work.close()
    assert not journal_path(path).exists()
    assert_validates(project, path)


def test_a_failed_journal_write_is_retried_without_a_gap(project: Project) -> None:
    path = target(project)
    errors: list[str] = []
    work = open_work(project, on_error=errors.append)
    session = session_of(work, project)
    journal = journal_path(path)
    journal.mkdir()  # the journal cannot be written for now
    tag(session, "we will act soon", "quote")
    work.record()
    assert work.save()  # saved, but the journal cannot be compacted either
    tag(session, "may", "hedge")
    work.record()
    assert work.flush() is False
    assert errors
    assert str(journal) in errors[0]
    journal.rmdir()
    tag(session, "reportedly", "hedge")
    work.record()
    assert work.flush()
    assert journal_seqs(path)[-2:] == [2, 3]  # no gap
    expected = span_dicts(work)
    work.close()
    reopened = open_work(project)
    assert span_dicts(reopened) == expected
    assert reopened.recovered == 2
    assert reopened.flush()
    assert journal_seqs(path) == [2, 3]  # the saved event is dropped on open
    reopened.close()


def test_close_is_idempotent_and_record_after_close_is_an_error(project: Project) -> None:
    work = open_work(project)
    tag(session_of(work, project), "may", "hedge")
    work.close()
    work.close()
    with pytest.raises(RuntimeError, match="closed"):
        work.record()


# -- crash recovery, for real ----------------------------------------------------------

CHILD = textwrap.dedent(
    """
    import json, os, random, signal, sys, time
    from pathlib import Path

    from annotator.config import load_config
    from annotator.storage.work_file import WorkFile
    from annotator.editor.session import EditorSession
    from annotator.storage.documents import load_document
    from annotator.model.editing import EditError

    root, path, mode = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    config = load_config(start=root)
    document = load_document(root, "docs/a.txt")
    text = document.text
    work = WorkFile.open(path, document, "alice", config.tagset)
    session = EditorSession(work.annotations, config.tagset)
    saved = len(work.annotations.history)

    def report(step):
        spans = [span.model_dump(mode="json") for span in work.annotations.sorted_spans()]
        print(json.dumps({"step": step, "spans": spans, "events": len(work.annotations.history),
                          "saved": saved, "status": work.annotations.status}), flush=True)

    def where(needle):
        start = text.index(needle)
        return start, start + len(needle)

    def scripted():
        global saved
        session.select(*where("we will act soon"))
        quote = session.tag("quote")
        yield "tag"
        session.move_to(text.index("42") + 1)
        number = session.tag("number")
        yield "tag token"
        session.set_details(number.id, "about", {"value": 42, "unit": "people"})
        yield "details"
        session.select(*where("may"))
        hedge = session.tag("hedge")
        yield "tag hedge"
        if mode == "save-midway":
            work.save()
            saved = len(work.annotations.history)
        session.resize(hedge.id, *where("reportedly"))
        yield "resize"
        session.relabel(quote.id, "claim")
        yield "relabel"
        session.delete(number.id)
        yield "delete"
        session.undo()
        yield "undo delete"
        session.undo()
        yield "undo relabel"
        session.redo()
        yield "redo relabel"
        session.set_details(quote.id, "check", {"check_worthiness": "high"})
        yield "details"
        work.annotations.set_status("done")
        yield "status"

    def randomly():
        global saved
        rng = random.Random(int(mode.split(":")[1]))
        labels = ["quote", "claim", "hedge", "number"]
        for step in range(400):
            spans = list(work.annotations.spans.values())
            op = rng.choice(["tag", "tag", "relabel", "resize", "details", "delete", "undo", "redo", "save"])
            try:
                if op == "tag" or not spans and op not in ("undo", "redo", "save"):
                    start = rng.randrange(len(text) - 1)
                    session.select(start, min(len(text), start + rng.randrange(1, 20)))
                    session.tag(rng.choice(labels))
                elif op == "relabel":
                    session.relabel(rng.choice(spans).id, rng.choice(labels))
                elif op == "resize":
                    start = rng.randrange(len(text) - 1)
                    session.resize(rng.choice(spans).id, start, min(len(text), start + rng.randrange(1, 20)))
                elif op == "details":
                    session.set_details(rng.choice(spans).id, rng.choice(["a", "b", None]), {})
                elif op == "delete":
                    session.delete(rng.choice(spans).id)
                elif op == "undo":
                    session.undo()
                elif op == "redo":
                    session.redo()
                else:
                    work.save()
                    saved = len(work.annotations.history)
                    continue
            except EditError:
                continue
            yield op

    steps = scripted() if mode in ("scripted", "save-midway") else randomly()
    for step in steps:
        if mode.startswith("random"):
            report(step)  # before the journal has it: the journal can never be ahead of stdout
            work.record()
        else:
            work.record()
            report(step)
    if mode.startswith("random"):
        print("finished", flush=True)
        time.sleep(60)  # the test kills us
    else:
        work.flush()  # the last moment before a crash; see test_kill_at_any_moment for without
        os.kill(os.getpid(), signal.SIGKILL)
    """
)


def child_command(project: Project, tmp_path: Path, mode: str) -> list[str]:
    script = tmp_path / "child.py"
    script.write_text(CHILD, encoding="utf-8")
    return [sys.executable, str(script), str(project.root), str(target(project)), mode]


def child_env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO), "PYTHONIOENCODING": "utf-8"}


def run_child(project: Project, tmp_path: Path, mode: str) -> list[dict]:
    result = subprocess.run(
        child_command(project, tmp_path, mode),
        cwd=project.root,
        env=child_env(),
        capture_output=True,
        encoding="utf-8",
        timeout=60,
    )
    assert result.returncode == -signal.SIGKILL, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


@pytest.mark.parametrize("mode", ["scripted", "save-midway"])
def test_sigkill_without_saving_loses_nothing(project: Project, tmp_path: Path, mode: str) -> None:
    path = target(project)
    reports = run_child(project, tmp_path, mode)
    assert len(reports) == 12
    final = reports[-1]
    assert final["status"] == "done"
    if mode == "save-midway":
        assert path.exists()
        assert 0 < final["saved"] < final["events"]
        assert saved_history_length(path) == final["saved"]
        assert_validates(project, path)  # the part saved before the crash is a valid file
    else:
        assert not path.exists()
        assert final["saved"] == 0
    assert lock_path(path).exists()  # left behind by the killed process: must not block

    work = open_work(project)
    assert span_dicts(work) == final["spans"]
    assert len(work.annotations.history) == final["events"]
    assert work.recovered == final["events"] - final["saved"]
    assert work.annotations.status == "done"
    assert work.dirty
    session = session_of(work, project)  # the recovered spans can be edited on
    assert session.undo() is None  # undo history is not persisted, spans are
    session.delete(work.annotations.sorted_spans()[0].id)
    work.record()
    assert work.save()
    assert work.flush()
    work.close()
    assert not journal_path(path).exists()
    assert_validates(project, path)
    assert saved_history_length(path) == final["events"] + 1


@pytest.mark.parametrize(("seed", "kill_after"), [(1, 5), (2, 23)])
def test_kill_at_any_moment(project: Project, tmp_path: Path, seed: int, kill_after: int) -> None:
    """Killed from outside mid-work (maybe mid-save): what is recovered is a state
    the session had, and the file validates once saved."""
    path = target(project)
    with open(tmp_path / "stderr.txt", "w+", encoding="utf-8") as stderr:
        process = subprocess.Popen(
            child_command(project, tmp_path, f"random:{seed}"),
            cwd=project.root,
            env=child_env(),
            stdout=subprocess.PIPE,
            stderr=stderr,
            encoding="utf-8",
        )
        try:
            lines = [process.stdout.readline() for _ in range(kill_after)]
        finally:
            process.kill()
            # Through the same buffered reader: lines it read ahead are not lost.
            lines += process.stdout.read().splitlines()
            process.stdout.close()
            process.wait(timeout=30)
        stderr.seek(0)
        errors = stderr.read()
    reports = [json.loads(line) for line in lines if line.startswith("{")]
    assert len(reports) >= kill_after, errors
    states = [[]] + [report["spans"] for report in reports]

    work = open_work(project)
    assert span_dicts(work) in states
    saved = saved_history_length(path) if path.exists() else 0
    assert work.recovered == len(work.annotations.history) - saved
    if work.dirty:
        assert work.save()
    work.close()
    if path.exists():
        assert_validates(project, path)
    assert not journal_path(path).exists()


def _edit_and_close_unsaved(project: Project, save_first: int = 0) -> tuple[WorkFile, list[list[dict]]]:
    """Three spans tagged (the first `save_first` of them saved), closed unsaved; the states after each."""
    work = open_work(project)
    session = session_of(work, project)
    states = []
    for number, (needle, label) in enumerate([("we will act soon", "quote"), ("may", "hedge"), ("42", "number")]):
        if number == save_first and save_first:
            work.save()
        tag(session, needle, label)
        work.record()
        states.append(span_dicts(work))
    work.close()
    return work, states


def test_a_torn_last_journal_line_recovers_everything_before_it(project: Project) -> None:
    path = target(project)
    _, states = _edit_and_close_unsaved(project)
    journal = journal_path(path)
    data = journal.read_bytes()
    lines = data.splitlines(keepends=True)
    assert len(lines) == 3
    journal.write_bytes(b"".join(lines[:2]) + lines[2][: len(lines[2]) // 2])  # a crash mid-write

    work = open_work(project)
    assert span_dicts(work) == states[1]
    assert work.recovered == 2
    # The torn line is cut off, so the next change does not run into it ...
    session = session_of(work, project)
    tag(session, "reportedly", "hedge")
    work.record()
    expected = span_dicts(work)
    work.close()
    assert journal_seqs(path) == [1, 2, 3]
    # ... and a second crash recovers that change too.
    again = open_work(project)
    assert span_dicts(again) == expected
    assert again.recovered == 3
    assert again.save()
    again.close()
    assert_validates(project, path)


def test_a_tampered_journal_line_is_refused_with_its_line_number(project: Project) -> None:
    path = target(project)
    _edit_and_close_unsaved(project, save_first=1)
    journal = journal_path(path)
    saved = path.read_bytes()
    records = journal_records(path)
    assert [r["event"]["seq"] for r in records] == [1, 2, 3]  # the session's: event 1 is saved too
    records[1]["event"]["after"]["label"] = "claim"  # hedge → claim, hash not updated
    tampered = b"".join(orjson.dumps(r) + b"\n" for r in records)
    journal.write_bytes(tampered)

    with pytest.raises(OpenError) as raised:
        open_work(project)
    message = str(raised.value)
    assert f"{journal}:2" in message
    assert "does not chain" in message
    assert path.read_bytes() == saved
    assert journal.read_bytes() == tampered
    assert not lock_path(path).exists()  # released again


def test_a_rehashed_journal_event_must_still_fit_the_document(project: Project) -> None:
    path = target(project)
    _edit_and_close_unsaved(project, save_first=1)
    journal = journal_path(path)
    records = journal_records(path)
    history = orjson.loads(path.read_bytes())["history"]
    event = records[1]["event"]
    event["after"]["text"] = "forged"  # re-chained, so only the replay can notice
    event["hash"] = chain_hash(records[0]["event"]["hash"], event_body(event))
    records[1]["event"] = event
    assert history[-1]["hash"] != event["hash"]
    tampered = b"".join(orjson.dumps(r) + b"\n" for r in records)
    journal.write_bytes(tampered)
    with pytest.raises(OpenError) as raised:
        open_work(project)
    assert f"{journal}:2" in str(raised.value)
    assert "differs from the document" in str(raised.value)
    assert journal.read_bytes() == tampered


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        (b"this is not json", "not JSON"),
        (b"5", "neither an event nor a status"),
        (b'{"status": "finished"}', "unknown status"),
        (b'{"event": {"seq": 1}}', "unreadable journal record"),
    ],
)
def test_a_bad_line_in_the_middle_of_the_journal_is_not_skipped(project: Project, line: bytes, problem: str) -> None:
    path = target(project)
    _edit_and_close_unsaved(project)
    journal = journal_path(path)
    lines = journal.read_bytes().splitlines(keepends=True)
    journal.write_bytes(lines[0] + line + b"\n" + b"".join(lines[1:]))
    with pytest.raises(OpenError) as raised:
        open_work(project)
    assert f"{journal}:2" in str(raised.value)
    assert problem in str(raised.value)


def test_a_journal_of_another_version_is_a_conflict_not_lost_work(project: Project) -> None:
    """The journal continues a trail the file on disk does not have (someone put
    another version there): the session's version is rebuilt and kept, the disk's
    is not overwritten, and the person settles it."""
    path = target(project)
    _edit_and_close_unsaved(project)  # journal: events 1-3, never saved
    journal = journal_path(path)
    journal_data = journal.read_bytes()
    path.write_bytes(dumps(_another_version(project).to_file()))
    theirs = path.read_bytes()
    work = open_work(project)
    assert work.conflict
    assert sorted(s.text for s in work.annotations.spans.values()) == ["42", "may", "we will act soon"]
    with pytest.raises(ConflictError):
        work.save()  # never over the disk's version before the person decides
    assert path.read_bytes() == theirs
    work.close()
    assert journal.read_bytes() == journal_data  # closed undecided: all still there


def _another_version(project: Project) -> AnnotationSet:
    other = project.new_set()  # someone else's trail of 3 events
    other.create(*span_of(TEXT, "About"), "hedge")
    other.create(*span_of(TEXT, "come"), "hedge")
    other.create(*span_of(TEXT, "ok"), "hedge")
    return other


def _aside(path: Path, side: str) -> Path:
    (found,) = path.parent.glob(f".{path.name}.{side}-*.json")
    return found


def test_merging_keeps_both_versions_spans(project: Project) -> None:
    path = target(project)
    _edit_and_close_unsaved(project)
    path.write_bytes(dumps(_another_version(project).to_file()))
    work = open_work(project)
    said = work.resolve(Resolution.MERGE)
    assert "merged" in said
    assert not work.conflict and not work.dirty
    work.close()
    saved = orjson.loads(path.read_bytes())
    assert sorted(s["text"] for s in saved["spans"]) == ["42", "About", "come", "may", "ok", "we will act soon"]
    assert [e["by"] for e in saved["history"]] == ["alice"] * 6  # theirs first, then mine on top
    assert_validates(project, path)
    assert not journal_path(path).exists()


def test_taking_the_disk_version_sets_the_session_aside(project: Project) -> None:
    path = target(project)
    _edit_and_close_unsaved(project)
    path.write_bytes(dumps(_another_version(project).to_file()))
    work = open_work(project)
    said = work.resolve(Resolution.THEIRS)
    assert sorted(s.text for s in work.annotations.spans.values()) == ["About", "come", "ok"]
    aside = _aside(path, "mine")
    assert str(aside) in said
    work.close()
    assert sorted(s["text"] for s in orjson.loads(aside.read_bytes())["spans"]) == ["42", "may", "we will act soon"]
    assert_validates(project, aside)  # a whole annotation file, nothing lost
    assert_validates(project, path)


def test_keeping_the_session_version_sets_the_disk_one_aside(project: Project) -> None:
    path = target(project)
    _edit_and_close_unsaved(project)
    path.write_bytes(dumps(_another_version(project).to_file()))
    theirs = path.read_bytes()
    work = open_work(project)
    work.resolve(Resolution.MINE)
    work.close()
    assert sorted(s["text"] for s in orjson.loads(path.read_bytes())["spans"]) == ["42", "may", "we will act soon"]
    assert _aside(path, "theirs").read_bytes() == theirs
    assert_validates(project, path)


def older_copy_put_back(project: Project) -> tuple[Path, WorkFile, EditorSession]:
    """An open session that saved one span, then a second; then the copy of the file
    saved after the first is moved back over it."""
    path = target(project)
    work = open_work(project)
    session = session_of(work, project)
    tag(session, "we will act soon", "quote")
    work.record()
    work.save()
    copy = path.read_bytes()
    tag(session, "may", "hedge")
    work.record()
    work.save()
    path.write_bytes(copy)
    return path, work, session


def test_an_older_copy_put_back_under_the_session_loses_nothing(project: Project) -> None:
    """Tag a span (saved), copy the file, tag a second (saved), move the copy back,
    tag a third: the save finds the conflict, and both after a crash and in the
    session itself every span comes back."""
    path, work, session = older_copy_put_back(project)
    tag(session, "42", "number")
    work.record()
    with pytest.raises(ConflictError):
        work.save()
    assert work.conflict and work.flush()
    work.close()  # as a crash would leave it: the journal still has the whole session

    reopened = open_work(project)
    assert not reopened.conflict  # the journal simply continues the older copy
    assert sorted(s.text for s in reopened.annotations.spans.values()) == ["42", "may", "we will act soon"]
    assert reopened.save()
    reopened.close()
    assert_validates(project, path)


def test_an_older_copy_put_back_is_caught_up_by_a_merge(project: Project) -> None:
    path, work, session = older_copy_put_back(project)
    tag(session, "42", "number")
    work.record()
    with pytest.raises(ConflictError):
        work.save()
    said = work.resolve(Resolution.MERGE)
    assert "caught up" in said
    events = [e.hash for e in work.annotations.history]
    work.close()
    saved = orjson.loads(path.read_bytes())
    assert [e["hash"] for e in saved["history"]] == events  # every event of the session kept as it was
    assert sorted(s["text"] for s in saved["spans"]) == ["42", "may", "we will act soon"]
    assert_validates(project, path)


# -- the lock ------------------------------------------------------------------------


def test_second_open_is_locked_out_until_close(project: Project) -> None:
    path = target(project)
    first = open_work(project)
    with pytest.raises(LockedError) as raised:
        open_work(project)
    message = str(raised.value)
    assert str(path) in message
    assert f"pid {os.getpid()}" in message
    assert isinstance(raised.value, OpenError)  # the UI catches OpenError
    first.close()
    second = open_work(project)
    second.close()


def test_a_lock_left_by_a_killed_process_does_not_block(project: Project) -> None:
    path = target(project)
    script = textwrap.dedent(
        """
        import os, signal, sys
        from pathlib import Path
        from annotator.config import load_config
        from annotator.storage.work_file import WorkFile
        from annotator.storage.documents import load_document
        root = Path(sys.argv[1])
        WorkFile.open(Path(sys.argv[2]), load_document(root, "docs/a.txt"), "alice", load_config(start=root).tagset)
        print(os.getpid(), flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(project.root), str(path)],
        cwd=project.root,
        env=child_env(),
        capture_output=True,
        encoding="utf-8",
        timeout=60,
    )
    assert result.returncode == -signal.SIGKILL, result.stderr
    child_pid = int(result.stdout)
    assert f"pid {child_pid} " in lock_path(path).read_text()  # stale, left behind
    work = open_work(project)
    assert f"pid {os.getpid()} " in lock_path(path).read_text()
    with pytest.raises(LockedError, match=f"pid {os.getpid()}"):
        open_work(project)
    work.close()


def test_a_lock_file_removed_while_waiting_for_it_is_not_trusted(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The holder closes (removing the lock file) between another session's open()
    of the lock file and its flock(): that flock is on a file nobody else sees."""
    first = open_work(project)
    real_flock = storage_lock.fcntl.flock
    calls = []

    def flock(fd: int, operation: int) -> None:
        calls.append(fd)
        if len(calls) == 1:
            first.close()  # unlinks the lock file we have open
        real_flock(fd, operation)

    monkeypatch.setattr(storage_lock.fcntl, "flock", flock)
    second = open_work(project)
    monkeypatch.setattr(storage_lock.fcntl, "flock", real_flock)
    assert len(calls) == 2  # the first lock was found stale and taken again
    with pytest.raises(LockedError):
        open_work(project)  # the second session really holds the lock
    second.close()


# -- conflicts -----------------------------------------------------------------------


def test_a_file_changed_on_disk_is_not_overwritten(project: Project) -> None:
    path = target(project)
    work = open_work(project)
    session = session_of(work, project)
    tag(session, "may", "hedge")
    work.record()
    work.save()
    # Someone else rewrites the file (same content, another layout).
    theirs = orjson.dumps(orjson.loads(path.read_bytes())) + b"\n"
    path.write_bytes(theirs)
    tag(session, "reportedly", "hedge")
    work.record()
    expected = span_dicts(work)
    with pytest.raises(ConflictError, match="changed on disk"):
        work.save()
    assert path.read_bytes() == theirs
    assert work.dirty
    assert work.last_error is not None
    assert str(journal_path(path)) in work.last_error
    with pytest.raises(ConflictError):  # and again: never silently
        work.save()
    assert work.flush()
    assert journal_seqs(path) == [1, 2]  # the session's changes are kept
    work.close()
    assert path.read_bytes() == theirs
    # The journal continues their file's trail, so the change comes back.
    reopened = open_work(project)
    assert span_dicts(reopened) == expected
    assert reopened.recovered == 1
    assert reopened.save()
    reopened.close()
    assert_validates(project, path)


def test_a_file_created_by_someone_else_after_open_is_not_overwritten(project: Project) -> None:
    path = target(project)
    work = open_work(project)
    tag(session_of(work, project), "may", "hedge")
    work.record()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"{}\n")
    with pytest.raises(ConflictError, match="created by someone else"):
        work.save()
    assert path.read_bytes() == b"{}\n"
    assert str(journal_path(path)) in work.last_error
    work.close()
    assert journal_seqs(path) == [1]


def test_a_failed_save_mentions_the_journal(project: Project) -> None:
    path = target(project)
    work = open_work(project)
    tag(session_of(work, project), "may", "hedge")
    work.record()
    path.mkdir(parents=True)  # a folder where the file should go
    with pytest.raises(StorageError):
        work.save()
    assert str(journal_path(path)) in work.last_error
    work.close()


# -- a changed document ----------------------------------------------------------------


def test_an_annotation_of_a_changed_document_is_not_opened(project: Project) -> None:
    path = target(project)
    _edit_and_close_unsaved(project, save_first=2)
    saved = path.read_bytes()
    journal = journal_path(path).read_bytes()
    project.write_doc(DOC, TEXT.replace("42", "43"))
    with pytest.raises(OpenError, match="document changed since annotation"):
        open_work(project)
    assert path.read_bytes() == saved
    assert journal_path(path).read_bytes() == journal
    assert not lock_path(path).exists()
    assert sorted(p.name for p in path.parent.iterdir()) == sorted([path.name, journal_path(path).name])


def test_an_unsaved_journal_of_a_changed_document_is_not_replayed(project: Project) -> None:
    path = target(project)
    _edit_and_close_unsaved(project)  # never saved: only the journal knows the spans
    journal = journal_path(path).read_bytes()
    project.write_doc(DOC, "Completely different text, of a similar length to the old one.\n" * 2)
    with pytest.raises(OpenError, match="differs from the document"):
        open_work(project)
    assert not path.exists()
    assert journal_path(path).read_bytes() == journal


# -- AnnotationSet.apply_event: what a journal may replay ------------------------------


def _twin(project: Project, aset):
    """A copy of `aset` to make genuine next events on."""
    return AnnotationSet(aset.to_file(), aset.text, tagset=aset.tagset, clock=project.clock, make_id=project.make_id)


def _rechained(aset, event, **changes):
    forged = event.model_copy(update=changes)
    previous = aset.history[-1].hash if aset.history else GENESIS_HASH
    return forged.model_copy(update={"hash": chain_hash(previous, event_body(forged))})


def _base(project: Project):
    aset = project.new_set()
    quote = aset.create(*span_of(TEXT, "we will act soon"), "quote")
    hedge = aset.create(*span_of(TEXT, "may"), "hedge")
    return aset, quote, hedge


def test_apply_event_replays_genuine_events_exactly(project: Project) -> None:
    aset, quote, hedge = _base(project)
    twin = _twin(project, aset)
    twin.relabel(quote.id, "claim")
    twin.resize(hedge.id, *span_of(TEXT, "reportedly"))
    twin.set_attributes(quote.id, {"check_worthiness": "low"})
    twin.set_note(hedge.id, "n")
    twin.delete(quote.id)
    twin.create(*span_of(TEXT, "42"), "number", origin="suggested", source="m")
    for event in twin.history[len(aset.history) :]:
        aset.apply_event(event)
    assert aset.to_file() == twin.to_file()


def _forgeries(project: Project, aset, quote, hedge):
    twin = _twin(project, aset)
    create = twin.create(*span_of(TEXT, "42"), "number") and twin.history[-1]
    twin = _twin(project, aset)
    twin.relabel(quote.id, "claim")
    relabel = twin.history[-1]
    twin = _twin(project, aset)
    twin.delete(hedge.id)
    delete = twin.history[-1]
    twin = _twin(project, aset)
    twin.set_note(hedge.id, "n")
    note = twin.history[-1]
    after = create.after
    return {
        "create with a before": _rechained(aset, create, before=after),
        "create of other text": _rechained(aset, create, after=after.model_copy(update={"text": "43"})),
        "create past the end": _rechained(aset, create, after=after.model_copy(update={"end": len(TEXT) + 1})),
        "create of a duplicate": _rechained(aset, create, after=hedge.state()),
        "create of a live id": _rechained(aset, create, span=hedge.id),
        "relabel that moves": _rechained(
            aset, relabel, after=relabel.after.model_copy(update={"start": 4, "end": 12, "text": TEXT[4:12]})
        ),
        "note that relabels": _rechained(aset, note, after=note.after.model_copy(update={"label": "claim"})),
        "delete with an after": _rechained(aset, delete, after=hedge.state()),
        "before that does not match": _rechained(aset, note, before=note.before.model_copy(update={"note": "other"})),
        "change of a missing span": _rechained(aset, note, span="nobody"),
        "time going backwards": _rechained(aset, note, at="2000-01-01T00:00:00.000Z"),
        "a gap in seq": _rechained(aset, note, seq=note.seq + 1),
        "a broken chain": note.model_copy(update={"hash": "0" * 64}),
    }


@pytest.mark.parametrize(
    "case",
    [
        "create with a before",
        "create of other text",
        "create past the end",
        "create of a duplicate",
        "create of a live id",
        "relabel that moves",
        "note that relabels",
        "delete with an after",
        "before that does not match",
        "change of a missing span",
        "time going backwards",
        "a gap in seq",
        "a broken chain",
    ],
)
def test_apply_event_refuses_what_could_not_have_been_recorded(project: Project, case: str) -> None:
    aset, quote, hedge = _base(project)
    event = _forgeries(project, aset, quote, hedge)[case]
    before = aset.to_file()
    with pytest.raises(EditError):
        aset.apply_event(event)
    assert aset.to_file() == before  # nothing half-applied


def test_events_saved_before_a_crash_are_skipped(project: Project) -> None:
    """A crash between a save and the journal's compaction leaves saved events in it."""
    path = target(project)
    work = open_work(project)
    session = session_of(work, project)
    tag(session, "we will act soon", "quote")
    tag(session, "may", "hedge")
    work.record()
    assert work.flush()
    stale = journal_path(path).read_bytes()  # events 1-2, as before the save
    work.save()
    tag(session, "42", "number")
    work.record()
    assert work.flush()
    fresh = journal_path(path).read_bytes()  # event 3
    expected = span_dicts(work)
    work.close()
    journal_path(path).write_bytes(stale + fresh)
    reopened = open_work(project)
    assert span_dicts(reopened) == expected
    assert reopened.recovered == 1
    assert reopened.flush()
    assert journal_seqs(path) == [3]
    reopened.close()


def test_an_unusable_folder_gives_open_error(project: Project) -> None:
    (project.root / "annotations" / "a").write_text("a file, not a folder")
    with pytest.raises(OpenError, match="cannot lock"):
        open_work(project)


# -- gold files: rejected candidates, and records kept from other tools ---------------


def _rejection(project: Project, needle: str, span: str = "b1"):
    from annotator.model.annotation import Rejection

    start, end = span_of(TEXT, needle)
    return Rejection(
        annotator="bob", span=span, start=start, end=end, label="hedge", text=needle, by="alice", at=project.clock()
    )


def test_rejections_are_journaled_recovered_and_saved(project: Project) -> None:
    work = open_work(project)
    session = session_of(work, project)
    tag(session, "42", "number")
    rejection = _rejection(project, "may")
    work.annotations.set_rejected([rejection])
    assert work.dirty
    work.record()
    assert work.flush()
    assert journal_records(target(project))[-1] == {"rejected": [rejection.model_dump(mode="json")]}
    work.close()  # unsaved: only the journal has them

    again = open_work(project)
    assert [r.text for r in again.annotations.rejected] == ["may"]
    assert again.save()
    assert again.flush()
    saved = orjson.loads(target(project).read_bytes())
    assert [(r["annotator"], r["span"], r["text"]) for r in saved["rejected"]] == [("bob", "b1", "may")]
    assert_validates(project, target(project))

    # Withdrawn again (an undo): dirty, and an empty list is saved as no list.
    again.annotations.set_rejected([])
    assert again.dirty
    again.record()
    assert again.save()
    assert "rejected" not in orjson.loads(target(project).read_bytes())
    again.close()
    assert not journal_path(target(project)).exists()  # the saved file has everything


def test_records_of_other_tools_survive_editing(project: Project) -> None:
    from annotator.model.annotation import ForeignRecord

    aset = project.new_set()
    span = aset.create(*span_of(TEXT, "42"), "number")
    note = ForeignRecord(format="brat", kind="note", id="#1", record="#1\tAnnotatorNotes T1\tx", spans=[span.id])
    target(project).parent.mkdir(parents=True, exist_ok=True)
    target(project).write_bytes(dumps(aset.to_file().model_copy(update={"foreign": [note]})))
    work = open_work(project)
    tag(session_of(work, project), "may", "hedge")
    assert work.save()
    work.close()
    assert orjson.loads(target(project).read_bytes())["foreign"] == [note.model_dump(mode="json", exclude_none=True)]


def test_a_saved_file_replaced_before_quitting_is_a_conflict_not_a_loss(project: Project) -> None:
    """Everything saved, then the file is replaced by an older copy: with nothing
    new to save, closing would have deleted the journal and lost the newer spans."""
    path, work, _ = older_copy_put_back(project)
    with pytest.raises(ConflictError, match="changed on disk"):
        work.save()  # nothing new to save, and yet
    assert work.conflict
    work.close()
    assert journal_path(path).exists()
    reopened = open_work(project)
    assert sorted(s.text for s in reopened.annotations.spans.values()) == ["may", "we will act soon"]
    reopened.save()
    reopened.close()
