"""AnnotationSet edits: one hash-chained audit event per change, and the guards."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from conftest import TEXT, Clock, Project, span_of

from annotator.model.annotation import AuditEvent, SpanState
from annotator.model.audit import GENESIS_HASH, chain_hash, event_body, verify_chain
from annotator.model.document import Document, DocumentMeta, text_sha256
from annotator.model.editing import AnnotationSet, EditError, Provenance, utc_now
from annotator.model.tagset import AttributeSpec, LabelSpec, TagSet, default_tagset


def _chain_ok(aset: AnnotationSet) -> None:
    previous = GENESIS_HASH
    for number, event in enumerate(aset.history, start=1):
        assert event.seq == number
        assert event.hash == chain_hash(previous, event_body(event))
        previous = event.hash
    assert list(verify_chain(aset.history)) == []


def _edit_cases() -> list[tuple[str, Callable[[AnnotationSet, str], object], str, dict]]:
    # (op, edit, expected op, fields that differ between before and after)
    return [
        ("relabel", lambda a, i: a.relabel(i, "claim"), "relabel", {"label": "claim", "attributes": {}}),
        (
            "resize",
            lambda a, i: a.resize(i, *span_of(TEXT, "we will act")),
            "resize",
            {"end": 30, "text": "we will act"},
        ),
        (
            "attributes",
            lambda a, i: a.set_attributes(i, {"speaker": "PM"}),
            "attributes",
            {"attributes": {"speaker": "PM"}},
        ),
        ("note", lambda a, i: a.set_note(i, "check"), "note", {"note": "check"}),
    ]


# -- one event per edit --------------------------------------------------------


def test_create_appends_one_event(project: Project) -> None:
    aset = project.new_set()
    start, end = span_of(TEXT, "we will act soon")
    span = aset.create(start, end, "quote", attributes={"speaker": "minister"}, note="n")
    assert len(aset.history) == 1
    event = aset.history[0]
    assert (event.seq, event.op, event.span, event.by, event.origin) == (1, "create", span.id, "alice", "manual")
    assert event.before is None
    assert event.after == SpanState(
        start=start, end=end, label="quote", text="we will act soon", attributes={"speaker": "minister"}, note="n"
    )
    assert span.text == TEXT[start:end]
    assert (span.created_by, span.created_at) == (event.by, event.at) == (span.modified_by, span.modified_at)
    assert aset.version == 1
    _chain_ok(aset)


def test_bring_makes_a_span_equal_a_state_by_ordinary_audited_edits(project: Project) -> None:
    aset = project.new_set()
    start, end = span_of(TEXT, "we will act")
    target = SpanState(start=start, end=end, label="quote", text="we will act", attributes={"speaker": "PM"})
    made = aset.bring("s-1", target, Provenance(origin="suggested", source="model-a"))
    assert made is not None and (made.origin, made.source) == ("suggested", "model-a")
    assert made.state() == target
    start, end = span_of(TEXT, "we will act soon")
    moved = target.model_copy(update={"label": "claim", "attributes": {}, "start": start, "end": end})
    moved = moved.model_copy(update={"text": TEXT[start:end], "note": "n"})
    assert aset.bring("s-1", moved).state() == moved
    # The relabel drops the attributes the new label does not have: no attributes event is needed.
    assert [event.op for event in aset.history] == ["create", "relabel", "resize", "note"]
    assert aset.bring("s-1", None) is None and "s-1" not in aset.spans
    assert aset.history[-1].op == "delete"
    _chain_ok(aset)


@pytest.mark.parametrize(("name", "edit", "op", "changes"), _edit_cases(), ids=[c[0] for c in _edit_cases()])
def test_update_appends_one_event_with_before_and_after(
    project: Project, name: str, edit: Callable[[AnnotationSet, str], object], op: str, changes: dict
) -> None:
    aset = project.new_set()
    span = aset.create(*span_of(TEXT, "we will act soon"), "quote", attributes={"speaker": "minister"})
    created = aset.history[0]
    updated = edit(aset, span.id)
    assert len(aset.history) == 2
    event = aset.history[1]
    assert (event.seq, event.op, event.span) == (2, op, span.id)
    assert event.before == span.state()
    assert event.after == span.state().model_copy(update=changes)
    assert updated == aset.spans[span.id]
    assert updated.state() == event.after
    # created stays with the create event; modified follows the trail
    assert (updated.created_by, updated.created_at) == (created.by, created.at)
    assert (updated.modified_by, updated.modified_at) == (event.by, event.at)
    assert event.at > created.at
    _chain_ok(aset)


def test_delete_appends_one_event(project: Project) -> None:
    aset = project.new_set()
    span = aset.create(*span_of(TEXT, "42"), "number", attributes={"value": 42})
    removed = aset.delete(span.id)
    assert removed == span
    assert span.id not in aset.spans
    event = aset.history[-1]
    assert (event.seq, event.op, event.span, event.after) == (2, "delete", span.id, None)
    assert event.before == span.state()
    _chain_ok(aset)


def test_edit_by_another_annotator_is_recorded(project: Project) -> None:
    aset = project.new_set()
    span = aset.create(*span_of(TEXT, "42"), "number", by="bob")
    aset.set_note(span.id, "x", by="carol")
    assert [e.by for e in aset.history] == ["bob", "carol"]
    assert (aset.spans[span.id].created_by, aset.spans[span.id].modified_by) == ("bob", "carol")


def test_imported_origin_and_source_are_kept(project: Project) -> None:
    aset = project.new_set()
    span = aset.create(*span_of(TEXT, "42"), "number", origin="imported", source="model-v1")
    assert (span.origin, span.source) == ("imported", "model-v1")
    assert (aset.history[0].origin, aset.history[0].source) == ("imported", "model-v1")
    aset.delete(span.id)
    assert aset.history[-1].origin == "imported"


@pytest.mark.parametrize(
    "noop",
    [
        lambda a, s: a.relabel(s.id, s.label),
        lambda a, s: a.resize(s.id, s.start, s.end),
        lambda a, s: a.set_attributes(s.id, dict(s.attributes)),
        lambda a, s: a.set_note(s.id, None),
        lambda a, s: a.set_note(s.id, ""),
    ],
)
def test_edits_that_change_nothing_append_nothing(project: Project, noop: Callable) -> None:
    aset = project.new_set()
    span = aset.create(*span_of(TEXT, "42"), "number", attributes={"value": 42})
    version = aset.version
    assert noop(aset, span) == span
    assert len(aset.history) == 1
    assert aset.version == version


def test_empty_note_on_create_is_no_note(project: Project) -> None:
    aset = project.new_set()
    span = aset.create(*span_of(TEXT, "42"), "number", note="")
    assert span.note is None
    assert aset.history[0].after is not None and aset.history[0].after.note is None


def test_full_session_validates_clean_and_metadata_follows_trail(project: Project, sample: AnnotationSet) -> None:
    _chain_ok(sample)
    assert [e.op for e in sample.history] == [
        "create", "create", "create", "resize", "note", "create", "relabel", "attributes", "create", "delete", "attributes",
    ]  # fmt: skip
    for span in sample.spans.values():
        events = [e for e in sample.history if e.span == span.id]
        assert (span.created_by, span.created_at) == (events[0].by, events[0].at)
        assert (span.modified_by, span.modified_at) == (events[-1].by, events[-1].at)
        assert span.state() == events[-1].after
    path = project.write("sample.json", sample)
    assert project.validate(path) == []


def test_to_file_sorts_spans(project: Project) -> None:
    aset = project.new_set()
    aset.create(*span_of(TEXT, "reportedly"), "hedge")
    aset.create(*span_of(TEXT, "42"), "number")
    aset.create(*span_of(TEXT, "42"), "claim")
    spans = aset.to_file().spans
    assert [(s.start, s.label) for s in spans] == sorted((s.start, s.label) for s in spans)
    assert aset.sorted_spans() == spans


def test_set_status_is_not_an_audit_event(project: Project) -> None:
    aset = project.new_set()
    aset.set_status("done")
    assert aset.to_file().status == "done"
    assert aset.history == []
    assert aset.version == 1
    aset.set_status("done")
    assert aset.version == 1


# -- relabel and attributes ----------------------------------------------------------


def test_relabel_drops_attributes_the_new_label_does_not_allow(project: Project) -> None:
    aset = project.new_set()
    span = aset.create(*span_of(TEXT, "42"), "number", attributes={"value": 42, "unit": "people"})
    relabelled = aset.relabel(span.id, "claim")
    assert relabelled.attributes == {}
    assert aset.history[-1].before is not None and aset.history[-1].before.attributes == {"value": 42, "unit": "people"}
    assert aset.history[-1].after is not None and aset.history[-1].after.attributes == {}


def test_relabel_keeps_shared_attributes_and_drops_same_name_of_another_type(project: Project) -> None:
    tagset = TagSet(
        [
            LabelSpec("a", "", "a", "red", {"who": AttributeSpec("who", "string"), "n": AttributeSpec("n", "string")}),
            LabelSpec("b", "", "b", "red", {"who": AttributeSpec("who", "string"), "n": AttributeSpec("n", "integer")}),
        ]
    )
    document = Document("d.txt", "hello world", DocumentMeta("d"), text_sha256("hello world"))
    aset = AnnotationSet.new(document, "alice", tagset=tagset, clock=Clock())
    span = aset.create(0, 5, "a", attributes={"who": "x", "n": "three"})
    assert aset.relabel(span.id, "b").attributes == {"who": "x"}


def test_relabel_to_unknown_label(project: Project) -> None:
    aset = project.new_set()
    span = aset.create(*span_of(TEXT, "42"), "number")
    with pytest.raises(EditError, match="unknown label 'opinion'"):
        aset.relabel(span.id, "opinion")
    assert len(aset.history) == 1


# -- guards ------------------------------------------------------------------------------


@pytest.mark.parametrize(("start", "end"), [(5, 5), (6, 5), (-1, 3), (0, len(TEXT) + 1), (len(TEXT), len(TEXT) + 1)])
def test_bad_ranges(project: Project, start: int, end: int) -> None:
    aset = project.new_set()
    with pytest.raises(EditError, match="empty or outside the document"):
        aset.create(start, end, "hedge")
    span = aset.create(0, 3, "hedge")
    with pytest.raises(EditError, match="empty or outside the document"):
        aset.resize(span.id, start, end)
    assert len(aset.history) == 1


def test_whole_document_is_a_valid_range(project: Project) -> None:
    aset = project.new_set()
    assert aset.create(0, len(TEXT), "claim").text == TEXT


@pytest.mark.parametrize(
    ("label", "attributes", "message"),
    [
        ("opinion", {}, "unknown label 'opinion'"),
        ("hedge", {"speaker": "x"}, "attribute 'speaker' is not allowed on label 'hedge' (allowed: none)"),
        ("quote", {"value": 1}, "attribute 'value' is not allowed on label 'quote' (allowed: speaker)"),
        ("number", {"value": "42"}, "attribute 'value' must be a number, not str '42'"),
        ("number", {"value": True}, "attribute 'value' must be a number, not bool True"),
        ("number", {"value": float("nan")}, "must be a finite number"),
        ("claim", {"check_worthiness": "urgent"}, "must be one of 'high', 'medium', 'low', not 'urgent'"),
        ("quote", {"speaker": 3}, "attribute 'speaker' must be a string, not int 3"),
    ],
)
def test_label_and_attribute_guards(project: Project, label: str, attributes: dict, message: str) -> None:
    aset = project.new_set()
    with pytest.raises(EditError) as caught:
        aset.create(0, 3, label, attributes=attributes)
    assert message in str(caught.value)
    assert aset.history == [] and aset.spans == {}


def test_set_attributes_guard(project: Project) -> None:
    aset = project.new_set()
    span = aset.create(0, 3, "claim")
    with pytest.raises(EditError, match="not allowed on label 'claim'"):
        aset.set_attributes(span.id, {"speaker": "x"})
    assert len(aset.history) == 1 and aset.spans[span.id] == span


def test_exact_duplicates_are_refused(project: Project) -> None:
    aset = project.new_set()
    first = aset.create(0, 3, "claim")
    with pytest.raises(EditError, match=r"a claim span already covers \[0, 3\)"):
        aset.create(0, 3, "claim")
    other = aset.create(0, 3, "hedge")  # same range, other label: allowed
    with pytest.raises(EditError, match="already covers"):
        aset.relabel(other.id, "claim")
    moved = aset.create(0, 4, "claim")
    with pytest.raises(EditError, match="already covers"):
        aset.resize(moved.id, 0, 3)
    assert len(aset.history) == 3
    assert aset.spans[first.id] == first


def test_explicit_span_id_in_use(project: Project) -> None:
    aset = project.new_set()
    aset.create(0, 3, "claim", span_id="mine")
    with pytest.raises(EditError, match="'mine' is already in use"):
        aset.create(4, 6, "claim", span_id="mine")


@pytest.mark.parametrize(
    "edit",
    [
        lambda a: a.relabel("ghost", "claim"),
        lambda a: a.resize("ghost", 0, 2),
        lambda a: a.set_attributes("ghost", {}),
        lambda a: a.set_note("ghost", "x"),
        lambda a: a.delete("ghost"),
    ],
)
def test_unknown_span_id(project: Project, edit: Callable) -> None:
    aset = project.new_set()
    with pytest.raises(EditError, match="no span with id 'ghost'"):
        edit(aset)


def test_malformed_values_are_edit_errors_not_pydantic_errors() -> None:
    document = Document("d.txt", "hello world", DocumentMeta("d"), text_sha256("hello world"))
    aset = AnnotationSet.new(document, "alice", clock=Clock())  # no tag set: only the schema guards
    with pytest.raises(EditError, match="label"):
        aset.create(0, 5, "Not A Label")
    span = aset.create(0, 5, "fine")
    with pytest.raises(EditError, match="label"):
        aset.relabel(span.id, "Bad Label")
    with pytest.raises(EditError, match="by"):
        aset.set_note(span.id, "x", by="not a name")
    with pytest.raises(EditError, match="span"):
        aset.create(6, 11, "fine", span_id="no spaces allowed")
    assert len(aset.history) == 1
    assert aset.spans[span.id].label == "fine"


# -- ids and time -----------------------------------------------------------------------------


def test_fresh_ids_skip_ids_already_used(project: Project) -> None:
    ids = iter(["a", "a", "b", "a", "b", "c"])
    document = Document("d.txt", "hello world", DocumentMeta("d"), text_sha256("hello world"))
    aset = AnnotationSet.new(document, "alice", tagset=default_tagset(), clock=Clock(), make_id=lambda: next(ids))
    first = aset.create(0, 1, "hedge")
    second = aset.create(1, 2, "hedge")
    aset.delete(second.id)
    third = aset.create(2, 3, "hedge")  # "b" was deleted but stays in the trail, so it is not reused
    assert (first.id, second.id, third.id) == ("a", "b", "c")


def test_clock_stepping_back_does_not_reorder_the_trail() -> None:
    times = iter(["2026-01-01T00:00:05.000Z", "2026-01-01T00:00:01.000Z", "2026-01-01T00:00:09.000Z"])
    document = Document("d.txt", "hello world", DocumentMeta("d"), text_sha256("hello world"))
    aset = AnnotationSet.new(document, "alice", clock=lambda: next(times))
    span = aset.create(0, 5, "hedge")
    aset.set_note(span.id, "a")
    aset.set_note(span.id, "b")
    assert [e.at for e in aset.history] == [
        "2026-01-01T00:00:05.000Z",
        "2026-01-01T00:00:05.000Z",
        "2026-01-01T00:00:09.000Z",
    ]


def test_clock_comparison_is_by_instant_not_by_string() -> None:
    # As text "…:00Z" sorts after "…:00.500Z"; as instants it is earlier.
    times = iter(["2026-01-01T00:00:00.500Z", "2026-01-01T00:00:00Z", "2026-01-01T00:00:01Z"])
    document = Document("d.txt", "hello world", DocumentMeta("d"), text_sha256("hello world"))
    aset = AnnotationSet.new(document, "alice", clock=lambda: next(times))
    span = aset.create(0, 5, "hedge")
    aset.set_note(span.id, "a")
    aset.set_note(span.id, "b")
    assert [e.at for e in aset.history] == [
        "2026-01-01T00:00:00.500Z",
        "2026-01-01T00:00:00.500Z",
        "2026-01-01T00:00:01Z",
    ]


def test_malformed_clock_value_is_an_edit_error() -> None:
    times = iter(["2026-01-01T00:00:00Z", "yesterday"])
    document = Document("d.txt", "hello world", DocumentMeta("d"), text_sha256("hello world"))
    aset = AnnotationSet.new(document, "alice", clock=lambda: next(times))
    span = aset.create(0, 5, "hedge")
    with pytest.raises(EditError, match="at"):
        aset.set_note(span.id, "x")
    assert len(aset.history) == 1 and aset.spans[span.id].note is None


def test_utc_now_has_the_file_format() -> None:
    import re

    from annotator.model.annotation import TIMESTAMP_PATTERN

    now = utc_now()
    assert re.fullmatch(TIMESTAMP_PATTERN, now)
    assert len(now.split(".")[1]) == 4  # milliseconds and Z


# -- the hash chain ---------------------------------------------------------------------------


def test_chain_hash_ignores_key_order_and_nulls() -> None:
    body = {"seq": 1, "op": "create", "before": None, "after": {"note": None, "start": 0}}
    same = {"after": {"start": 0}, "op": "create", "seq": 1}
    assert chain_hash(GENESIS_HASH, event_body(body)) == chain_hash(GENESIS_HASH, event_body(same))
    assert chain_hash(GENESIS_HASH, event_body(body)) != chain_hash("1" * 64, event_body(body))


def test_verify_chain_reports_exactly_the_edited_event(sample: AnnotationSet) -> None:
    events = list(sample.history)
    assert list(verify_chain(events)) == []
    edited = events[3].model_copy(update={"by": "mallory"})
    events[3] = edited
    bad = list(verify_chain(events))
    assert [index for index, _, _ in bad] == [3]
    assert bad[0][2] == edited.hash != bad[0][1]


def test_verify_chain_detects_a_dropped_and_a_swapped_event(sample: AnnotationSet) -> None:
    events = list(sample.history)
    assert [i for i, _, _ in verify_chain(events[:2] + events[3:])] == [2]
    swapped = [*events[:4], events[5], events[4], *events[6:]]
    assert [i for i, _, _ in verify_chain(swapped)] == [4, 5, 6]


def test_event_body_of_model_and_of_dict_agree(sample: AnnotationSet) -> None:
    for event in sample.history:
        as_dict = event.model_dump(mode="json")
        assert chain_hash(GENESIS_HASH, event_body(as_dict)) == chain_hash(GENESIS_HASH, event_body(event))
        assert isinstance(AuditEvent.model_validate(as_dict), AuditEvent)
