"""Deterministic bytes, no-op saves, conflict refusal and atomic writes."""

from __future__ import annotations

import contextlib
import itertools
import os
import stat
from pathlib import Path

import orjson
import pytest
from conftest import TEXT, Project, span_of
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator import storage
from annotator.model.annotation import AnnotationFile
from annotator.model.editing import AnnotationSet
from annotator.storage import MISSING, ConflictError, Fingerprint, StorageError, atomic_write, dumps, save
from annotator.storage import files as storage_files
from annotator.storage.loading import load_annotation_file


def _sorted_spans_set(project: Project) -> AnnotationSet:
    aset = project.new_set()
    # ties on start, on (start, end) and on (start, end, label) so every sort key matters
    aset.create(*span_of(TEXT, "42"), "number", span_id="z9", attributes={"value": 42, "unit": "people"})
    aset.create(*span_of(TEXT, "42"), "claim", span_id="b2")
    aset.create(*span_of(TEXT, "About"), "hedge", span_id="a1")
    aset.create(span_of(TEXT, "About")[0], span_of(TEXT, "About")[1] + 3, "hedge", span_id="c3")
    aset.create(0, 3, "quote", span_id="y8", attributes={"speaker": "s"})
    return aset


def test_dumps_sorts_spans_by_start_end_label_id(project: Project) -> None:
    data = orjson.loads(dumps(_sorted_spans_set(project).to_file()))
    keys = [(s["start"], s["end"], s["label"], s["id"]) for s in data["spans"]]
    assert keys == sorted(keys)
    assert [s["id"] for s in data["spans"]] == ["y8", "a1", "c3", "b2", "z9"]


def test_dumps_sorts_spans_even_when_the_file_model_is_unsorted(project: Project) -> None:
    file = _sorted_spans_set(project).to_file()
    shuffled = file.model_copy(update={"spans": list(reversed(file.spans))})
    assert dumps(shuffled) == dumps(file)


def test_dumps_sorts_attribute_keys_in_spans_and_history(project: Project) -> None:
    aset = project.new_set()
    span = aset.create(*span_of(TEXT, "42"), "number", attributes={"value": 42, "unit": "people"})
    aset.set_attributes(span.id, {"value": 43, "unit": "persons"})
    raw = dumps(aset.to_file()).decode()
    data = orjson.loads(raw)
    assert list(data["spans"][0]["attributes"]) == ["unit", "value"]
    for event in data["history"]:
        for side in ("before", "after"):
            if side in event:
                assert list(event[side]["attributes"]) == ["unit", "value"]
    # insertion order does not leak into the bytes
    other = Project(project.root).new_set()  # a fresh clock and id factory
    span = other.create(*span_of(TEXT, "42"), "number", attributes={"unit": "people", "value": 42})
    other.set_attributes(span.id, {"unit": "persons", "value": 43})
    assert dumps(other.to_file()) == raw.encode()


def test_dumps_layout(project: Project, sample: AnnotationSet) -> None:
    raw = dumps(sample.to_file())
    text = raw.decode("utf-8")
    assert text.endswith("}\n") and not text.endswith("\n\n")
    lines = text.splitlines()
    assert lines[0] == "{"
    assert lines[1] == '  "schema_version": 2,'
    assert lines[2] == '  "document": {'
    assert lines[3].startswith('    "id": ')
    for line in lines:
        indent = len(line) - len(line.lstrip(" "))
        assert indent % 2 == 0, line
        assert "\t" not in line
    assert "null" not in text  # None fields are left out
    assert '"text": "Café"' in text  # the deleted span in the history: UTF-8, not \\u escapes
    assert "\\u" not in text


def test_dumps_writes_non_ascii_as_utf8(project: Project) -> None:
    aset = project.new_set()
    aset.create(*span_of(TEXT, "Café 👍"), "hedge")
    raw = dumps(aset.to_file())
    assert "Café 👍".encode() in raw


def test_dumps_is_deterministic_across_runs(project: Project) -> None:
    assert dumps(_sorted_spans_set(project).to_file()) == dumps(_sorted_spans_set(Project(project.root)).to_file())


def test_load_save_round_trip_is_byte_identical(project: Project, sample: AnnotationSet) -> None:
    path = project.write("a.json", sample)
    original = path.read_bytes()
    model, raw = load_annotation_file(path)
    assert raw == original
    assert dumps(model) == original
    save(path, model, Fingerprint.of_bytes(raw))
    assert path.read_bytes() == original


def test_reformatted_file_is_canonicalised_on_save(project: Project, sample: AnnotationSet) -> None:
    path = project.write("a.json", orjson.dumps(orjson.loads(dumps(sample.to_file()))))  # compact, one line
    model, raw = load_annotation_file(path)
    fingerprint = save(path, model, Fingerprint.of_bytes(raw))
    assert path.read_bytes() == dumps(sample.to_file())
    assert fingerprint == Fingerprint.of_path(path)


# -- saving -----------------------------------------------------------------------------


def test_save_new_file(project: Project, sample: AnnotationSet, tmp_path: Path) -> None:
    path = tmp_path / "new" / "nested" / "a.json"
    fingerprint = save(path, sample.to_file(), MISSING)
    assert path.read_bytes() == dumps(sample.to_file())
    assert fingerprint == Fingerprint.of_bytes(path.read_bytes())
    assert sorted(p.name for p in path.parent.iterdir()) == ["a.json"]


def test_save_unchanged_file_does_not_rewrite_it(project: Project, sample: AnnotationSet) -> None:
    path = project.write("a.json", sample)
    old = 1_000_000_000_000_000_000
    os.utime(path, ns=(old, old))
    before = path.stat()
    fingerprint = Fingerprint.of_path(path)
    assert save(path, sample.to_file(), fingerprint) == fingerprint
    after = path.stat()
    assert after.st_mtime_ns == old
    assert after.st_ino == before.st_ino
    assert sorted(p.name for p in path.parent.iterdir()) == ["a.json"]


def test_save_changed_file_writes_and_returns_new_fingerprint(project: Project, sample: AnnotationSet) -> None:
    path = project.write("a.json", sample)
    fingerprint = Fingerprint.of_path(path)
    span = next(iter(sample.spans))
    sample.set_note(span, "new note")
    new = save(path, sample.to_file(), fingerprint)
    assert new != fingerprint
    assert new == Fingerprint.of_path(path)
    assert b'"note": "new note"' in path.read_bytes()
    # and a second save with the new fingerprint is a no-op
    assert save(path, sample.to_file(), new) == new


def test_save_refuses_when_file_changed_on_disk(project: Project, sample: AnnotationSet) -> None:
    path = project.write("a.json", sample)
    fingerprint = Fingerprint.of_path(path)
    path.write_bytes(b"someone else's edit\n")
    sample.set_note(next(iter(sample.spans)), "mine")
    with pytest.raises(ConflictError, match="changed on disk since it was loaded") as caught:
        save(path, sample.to_file(), fingerprint)
    assert str(path) in str(caught.value)
    assert path.read_bytes() == b"someone else's edit\n"


def test_save_refuses_even_an_unchanged_model_when_disk_changed(project: Project, sample: AnnotationSet) -> None:
    path = project.write("a.json", sample)
    fingerprint = Fingerprint.of_path(path)
    path.write_bytes(b"{}\n")
    with pytest.raises(ConflictError):
        save(path, sample.to_file(), fingerprint)
    assert path.read_bytes() == b"{}\n"


def test_save_refuses_when_file_was_deleted(project: Project, sample: AnnotationSet) -> None:
    path = project.write("a.json", sample)
    fingerprint = Fingerprint.of_path(path)
    path.unlink()
    with pytest.raises(ConflictError, match="deleted or moved"):
        save(path, sample.to_file(), fingerprint)
    assert not path.exists()
    assert list(path.parent.iterdir()) == []


def test_save_refuses_when_file_was_created_by_someone_else(project: Project, sample: AnnotationSet) -> None:
    path = project.root / "annotations" / "a.json"
    path.write_bytes(b"theirs\n")
    with pytest.raises(ConflictError, match="created by someone else"):
        save(path, sample.to_file(), MISSING)
    assert path.read_bytes() == b"theirs\n"


def test_conflict_error_is_a_storage_error() -> None:
    assert issubclass(ConflictError, StorageError)


def test_save_to_a_folder_is_a_storage_error(project: Project, sample: AnnotationSet) -> None:
    path = project.root / "annotations" / "a.json"
    path.mkdir()
    with pytest.raises(StorageError) as caught:
        save(path, sample.to_file(), MISSING)
    assert str(path) in str(caught.value)


# -- atomic writes -------------------------------------------------------------------------


@pytest.mark.parametrize("failing", ["replace", "fsync", "write"])
def test_failed_write_leaves_original_and_no_temp_files(
    project: Project, sample: AnnotationSet, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    path = project.write("a.json", sample)
    original = path.read_bytes()
    fingerprint = Fingerprint.of_bytes(original)
    sample.set_note(next(iter(sample.spans)), "changed")

    def boom(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    if failing == "write":
        real_fdopen = os.fdopen

        class FailingFile:
            def __init__(self, fd: int, mode: str) -> None:
                self.real = real_fdopen(fd, mode)

            def __enter__(self) -> FailingFile:
                return self

            def __exit__(self, *exc: object) -> None:
                self.real.close()

            def fileno(self) -> int:
                return self.real.fileno()

            write = boom

        monkeypatch.setattr(storage_files.os, "fdopen", FailingFile)
    else:
        monkeypatch.setattr(storage_files.os, failing, boom)
    with pytest.raises(StorageError, match="cannot save: No space left on device"):
        save(path, sample.to_file(), fingerprint)
    monkeypatch.undo()
    assert path.read_bytes() == original
    assert sorted(p.name for p in path.parent.iterdir()) == ["a.json"]


def test_interrupted_write_removes_temp_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "a.json"
    path.write_bytes(b"old")

    def interrupt(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(storage_files.os, "replace", interrupt)
    with pytest.raises(KeyboardInterrupt):
        atomic_write(path, b"new")
    monkeypatch.undo()
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]


def test_atomic_write_keeps_the_file_mode(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_bytes(b"old")
    path.chmod(0o640)
    atomic_write(path, b"new")
    assert path.read_bytes() == b"new"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_atomic_write_new_file_gets_the_umask_mode(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        atomic_write(tmp_path / "a.json", b"x")
        (tmp_path / "plain.json").write_bytes(b"x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "a.json").stat().st_mode) == 0o640
    assert stat.S_IMODE((tmp_path / "a.json").stat().st_mode) == stat.S_IMODE((tmp_path / "plain.json").stat().st_mode)


# -- fingerprints --------------------------------------------------------------------------------


def test_fingerprints(tmp_path: Path) -> None:
    path = tmp_path / "f"
    assert Fingerprint.of_path(path) == MISSING
    path.write_bytes(b"abc")
    assert Fingerprint.of_path(path) == Fingerprint.of_bytes(b"abc")
    assert Fingerprint.of_bytes(b"abc").sha256 == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert Fingerprint.of_bytes(b"abc") != Fingerprint.of_bytes(b"abd")


def test_dumps_order_independent_of_creation_order(project: Project) -> None:
    # Every creation order of the same spans gives the same bytes (history aside).
    ranges = [(*span_of(TEXT, "42"), "number"), (*span_of(TEXT, "42"), "claim"), (0, 3, "hedge")]
    outputs = set()
    for order in itertools.permutations(range(3)):
        aset = Project(project.root, clock=lambda: "2026-01-01T00:00:00.000Z").new_set()
        for index in order:
            aset.create(*ranges[index], span_id=f"id{index}")
        file = aset.to_file()
        outputs.add(dumps(AnnotationFile(**{**file.__dict__, "history": []})))
    assert len(outputs) == 1


# -- CanonicalEncoder: the autosave's dumps ---------------------------------------


def test_encoder_matches_dumps_on_the_sample(project: Project, sample: AnnotationSet) -> None:
    file = sample.to_file()
    assert storage.CanonicalEncoder().dumps(file) == dumps(file)
    empty = project.new_set().to_file()
    assert storage.CanonicalEncoder().dumps(empty) == dumps(empty)
    assert dumps(empty).count(b"[]") == 2  # spans and history, empty


def test_encoder_matches_dumps_with_foreign_records_and_a_status(project: Project, sample: AnnotationSet) -> None:
    from annotator.model.annotation import ForeignRecord

    span_ids = sorted(sample.spans)
    sample.set_status("done")
    foreign = [
        ForeignRecord(format="brat", kind="relation", id="R1", record="R1\tSaid Arg1:T1 Arg2:T2", spans=span_ids[:2]),
        ForeignRecord(format="brat", kind="note", id="#1", record="#1\tAnnotatorNotes T1\t“x”\n", source="a.ann#3"),
    ]
    file = sample.to_file().model_copy(update={"foreign": foreign})
    assert storage.CanonicalEncoder().dumps(file) == dumps(file)


EDITS = st.lists(
    st.tuples(
        st.sampled_from(["create", "relabel", "resize", "attributes", "note", "delete", "status"]),
        st.integers(0, 10_000),
        st.integers(0, 10_000),
        st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=6),
    ),
    min_size=1,
    max_size=25,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=EDITS)
def test_one_encoder_reused_across_edits_matches_dumps(project: Project, edits: list) -> None:
    """The autosave keeps one encoder for the whole session: after every edit
    (new, replaced and deleted spans, new events) it writes what dumps writes."""
    aset = project.new_set()
    encoder = storage.CanonicalEncoder()
    length = len(TEXT)
    for op, a, b, word in edits:
        ids = sorted(aset.spans)
        target = ids[a % len(ids)] if ids else None
        start = a % length
        end = min(length, start + 1 + b % 12)
        if op == "create" or target is None:
            label = ("quote", "claim", "hedge", "number")[b % 4]
            attributes = {"speaker": word} if label == "quote" and word else {}
            if label == "number":
                attributes = {"value": (b % 7) / 4 if b % 2 else b, "unit": word} if word else {}
            with contextlib.suppress(ValueError):
                aset.create(start, end, label, attributes=attributes)
        elif op == "relabel":
            with contextlib.suppress(ValueError):
                aset.relabel(target, ("quote", "claim", "hedge", "number")[b % 4])
        elif op == "resize":
            with contextlib.suppress(ValueError):
                aset.resize(target, start, end)
        elif op == "attributes" and aset.spans[target].label == "quote":
            with contextlib.suppress(ValueError):
                aset.set_attributes(target, {"speaker": word or "x"})
        elif op == "note":
            with contextlib.suppress(ValueError):
                aset.set_note(target, word or None)
        elif op == "delete":
            aset.delete(target)
        elif op == "status":
            aset.set_status(("in_progress", "done")[b % 2])
        file = aset.to_file()
        assert encoder.dumps(file) == dumps(file)
