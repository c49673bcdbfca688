"""EditorSession: tagging, span edits, undo/redo, change notifications and the span index."""

from __future__ import annotations

import itertools
import random
import tempfile
from pathlib import Path

import pytest
from conftest import CONFIG_TOML, Clock, Project, id_factory, span_of
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from annotator.config import load_config
from annotator.editor.session import Change, EditorSession
from annotator.model.annotation import Span, SpanState
from annotator.model.editing import AnnotationSet, EditError
from annotator.storage import dumps
from annotator.storage.documents import load_document
from annotator.validation.audit_rules import check_audit
from annotator.validation.engine import Validator

NEWS = (
    'Officials said  "the fund will grow"  to $100 million by 2027.\n'
    "About 2,000 people came, reportedly; 13% left early.\n"
)
LABELS = ("quote", "claim", "hedge", "number")


# -- helpers -------------------------------------------------------------------------


def make_session(project: Project, text: str = NEWS, relative: str = "docs/news.txt") -> EditorSession:
    project.write_doc(relative, text)
    document = load_document(project.root, relative)
    tagset = project.config.tagset
    aset = AnnotationSet.new(document, "alice", tagset=tagset, clock=project.clock, make_id=project.make_id)
    return EditorSession(aset, tagset)


def states(session: EditorSession) -> dict[str, SpanState]:
    return {span_id: span.state() for span_id, span in session.annotations.spans.items()}


def assert_valid(project: Project, session: EditorSession, name: str = "news/alice.json") -> None:
    """The file the session's annotations make passes `annotator validate`."""
    path = project.write(name, session.annotations)
    assert project.validate(path) == []


def assert_index_consistent(session: EditorSession) -> None:
    spans = session.annotations.spans
    index = session.index
    expected = sorted(spans.values(), key=lambda s: (s.start, s.end, s.label, s.id))
    assert list(index) == expected
    assert len(index) == len(spans)
    for span_id, span in spans.items():
        assert index.get(span_id) == span
    counts: dict[str, int] = {}
    for span in spans.values():
        counts[span.label] = counts.get(span.label, 0) + 1
    assert index.counts() == counts
    for label in counts:
        assert list(index.ordered(label)) == [s for s in expected if s.label == label]
    text_length = len(session.text)
    for offset in range(0, text_length + 1, 7):
        brute = sorted(
            (s for s in spans.values() if s.start <= offset < s.end), key=lambda s: (s.end - s.start, s.start)
        )
        assert {s.id for s in index.at(offset)} == {s.id for s in brute}


class Recorder:
    def __init__(self, session: EditorSession) -> None:
        self.changes: list[Change] = []
        session.subscribe(self.changes.append)

    def last(self) -> Change:
        assert self.changes, "no change was emitted"
        return self.changes[-1]


# -- tagging -------------------------------------------------------------------------


def test_tag_with_selection_trims_whitespace(project: Project) -> None:
    session = make_session(project)
    start, end = span_of(NEWS, '  "the fund will grow"  ')
    session.select(start, end)
    span = session.tag("quote")
    assert span.text == '"the fund will grow"'
    assert (span.start, span.end) == (start + 2, end - 2)
    assert session.selection is None  # the selection is consumed
    assert_valid(project, session)


def test_tag_selection_made_backwards_and_across_a_line_break(project: Project) -> None:
    session = make_session(project)
    start, _ = span_of(NEWS, "2027.")
    _, end = span_of(NEWS, "About")
    session.move_to(end)
    session.move_to(start, extend=True)  # anchor after, cursor before
    assert session.selection == (start, end)
    span = session.tag("claim")
    assert span.text == "2027.\nAbout"


def test_blank_selection_cannot_be_tagged(project: Project) -> None:
    session = make_session(project)
    start = NEWS.index("  ")
    session.select(start, start + 2)
    with pytest.raises(EditError, match="nothing to tag"):
        session.tag("quote")
    assert session.annotations.spans == {}
    assert session.annotations.history == []


@pytest.mark.parametrize(
    ("needle", "offset_in_token", "expected"),
    [
        ("2,000", 2, "2,000"),
        ("$100 million", 0, "$100 million"),
        ("$100 million", 8, "$100 million"),
        ("13%", 1, "13%"),
        ("Officials", 3, "Officials"),
        ("2027", 4, "2027"),  # cursor just after the token
    ],
)
def test_tag_without_selection_takes_the_token_under_the_cursor(
    project: Project, needle: str, offset_in_token: int, expected: str
) -> None:
    session = make_session(project)
    session.move_to(NEWS.index(needle) + offset_in_token)
    span = session.tag("number")
    assert span.text == expected
    assert (span.start, span.end) == span_of(NEWS, expected)


def test_tag_on_whitespace_away_from_tokens_is_refused(project: Project) -> None:
    session = make_session(project)
    session.move_to(NEWS.index("  ") + 1)
    with pytest.raises(EditError):
        session.tag("quote")
    assert not session.can_undo


def test_tag_over_a_span_of_another_label_overlaps(project: Project) -> None:
    session = make_session(project)
    session.select(*span_of(NEWS, "About 2,000 people came"))
    claim = session.tag("claim")
    session.move_to(NEWS.index("2,000"))
    number = session.tag("number")
    session.select(*span_of(NEWS, "About 2,000 people came"))
    hedge = session.tag("hedge")  # same range, another label
    assert set(session.annotations.spans) == {claim.id, number.id, hedge.id}
    inside = {s.id for s in session.index.at(NEWS.index("2,000"))}
    assert inside == {claim.id, number.id, hedge.id}
    assert session.index.at(NEWS.index("2,000"))[0].id == number.id  # innermost first
    assert_valid(project, session)


def test_exact_duplicate_is_refused(project: Project) -> None:
    session = make_session(project)
    session.move_to(NEWS.index("2,000"))
    session.tag("number")
    before = states(session), len(session.annotations.history), len(session.index)
    session.select(*span_of(NEWS, " 2,000 "))  # trims to the same range
    with pytest.raises(EditError, match="already covers"):
        session.tag("number")
    assert (states(session), len(session.annotations.history), len(session.index)) == before
    assert session.undo() == "tag number"
    assert session.annotations.spans == {}


# -- span edits ----------------------------------------------------------------------


def test_relabel_drops_attributes_the_new_label_does_not_allow(project: Project) -> None:
    session = make_session(project)
    session.select(*span_of(NEWS, '"the fund will grow"'))
    quote = session.tag("quote")
    session.set_details(quote.id, "n", {"speaker": "officials"})
    claim = session.relabel(quote.id, "claim")
    assert claim.label == "claim"
    assert claim.attributes == {}
    assert claim.note == "n"
    assert session.annotations.history[-1].op == "relabel"
    back = session.relabel(claim.id, "quote")
    assert back.attributes == {}  # gone, not remembered
    assert_valid(project, session)


def test_relabel_drops_an_attribute_of_the_same_name_but_another_type(project: Project) -> None:
    # hedge gets an integer "speaker"; quote's "speaker" is a string.
    (project.root / "annotator.toml").write_text(
        CONFIG_TOML + '[labels.hedge.attributes.speaker]\ntype = "integer"\n', encoding="utf-8"
    )
    session = make_session(project)
    session.select(*span_of(NEWS, '"the fund will grow"'))
    quote = session.tag("quote")
    session.set_details(quote.id, None, {"speaker": "officials"})
    events = len(session.annotations.history)
    hedge = session.relabel(quote.id, "hedge")
    assert (hedge.label, hedge.attributes) == ("hedge", {})
    assert len(session.annotations.history) == events + 1  # one relabel, nothing half-done
    assert_valid(project, session)
    session.undo()
    assert session.annotations.spans[quote.id].attributes == {"speaker": "officials"}
    assert_valid(project, session)


def test_relabel_to_an_unknown_label_or_onto_a_duplicate_changes_nothing(project: Project) -> None:
    session = make_session(project)
    session.move_to(NEWS.index("2,000"))
    number = session.tag("number")
    session.move_to(NEWS.index("2,000"))
    claim = session.tag("claim")
    before = states(session), len(session.annotations.history)
    with pytest.raises(EditError, match="unknown label"):
        session.relabel(number.id, "opinion")
    with pytest.raises(EditError, match="already covers"):
        session.relabel(claim.id, "number")
    assert (states(session), len(session.annotations.history)) == before
    assert_index_consistent(session)


def test_resize_trims_and_updates_text(project: Project) -> None:
    session = make_session(project)
    session.move_to(NEWS.index("2,000"))
    span = session.tag("claim")
    start, end = span_of(NEWS, "\nAbout 2,000 people came")
    resized = session.resize(span.id, start, end + 1)  # "\nAbout 2,000 people came,"
    assert resized.text == "About 2,000 people came,"
    assert session.annotations.history[-1].op == "resize"
    assert session.resize(span.id, resized.start, resized.end) == resized  # no-op: no event
    assert session.annotations.history[-1].op == "resize"
    with pytest.raises(EditError, match="shrink to nothing"):
        session.resize(span.id, start, start + 1)  # only the line break before "About"
    assert session.annotations.spans[span.id] == resized
    assert_index_consistent(session)
    assert_valid(project, session)


def test_set_details_is_one_undo_step(project: Project) -> None:
    session = make_session(project)
    session.move_to(NEWS.index("$100"))
    span = session.tag("number")
    history_before = len(session.annotations.history)
    updated = session.set_details(span.id, "USD, nominal", {"value": 100_000_000, "unit": "USD"})
    assert (updated.note, updated.attributes) == ("USD, nominal", {"value": 100_000_000, "unit": "USD"})
    assert [e.op for e in session.annotations.history[history_before:]] == ["attributes", "note"]
    assert session.undo() == f"edit {span.label} details"
    restored = session.annotations.spans[span.id]
    assert (restored.note, restored.attributes) == (None, {})
    assert session.redo() is not None
    assert session.annotations.spans[span.id].state() == updated.state()
    with pytest.raises(EditError, match="not allowed"):
        session.set_details(span.id, "x", {"speaker": "nobody"})
    assert session.annotations.spans[span.id].state() == updated.state()  # not even the note
    assert session.set_details(span.id, "", {}).note is None  # an empty note is no note
    assert_valid(project, session)


def test_delete(project: Project) -> None:
    session = make_session(project)
    session.move_to(NEWS.index("13%"))
    span = session.tag("number")
    session.delete(span.id)
    assert span.id not in session.annotations.spans
    assert span.id not in session.index
    assert session.annotations.history[-1].op == "delete"
    with pytest.raises(EditError, match="no span"):
        session.delete(span.id)
    assert_valid(project, session)


def test_undo_of_delete_keeps_an_imported_span_imported(project: Project) -> None:
    session = make_session(project)
    start, end = span_of(NEWS, "2027")
    imported = session.annotations.create(start, end, "number", origin="imported", source="model-x")
    session.index.add(imported)
    session.delete(imported.id)
    session.undo()
    back = session.annotations.spans[imported.id]
    assert (back.origin, back.source) == ("imported", "model-x")
    assert back.state() == imported.state()
    assert_valid(project, session)


# -- undo / redo ---------------------------------------------------------------------


def _every_kind_of_change(session: EditorSession) -> list[dict[str, SpanState]]:
    """Tag, details, relabel, resize and delete; the states before and after each."""
    seen = [states(session)]
    session.select(*span_of(NEWS, '"the fund will grow"'))
    quote = session.tag("quote")
    seen.append(states(session))
    session.move_to(NEWS.index("2,000"))
    number = session.tag("number")
    seen.append(states(session))
    for edit in (
        lambda: session.set_details(quote.id, "paraphrase?", {"speaker": "officials"}),
        lambda: session.relabel(quote.id, "claim"),
        lambda: session.resize(number.id, *span_of(NEWS, "2,000 people")),
        lambda: session.set_details(number.id, None, {"value": 2000, "unit": "people"}),
        lambda: session.delete(number.id),
    ):
        edit()
        seen.append(states(session))
    return seen


def test_undo_and_redo_restore_exact_states(project: Project) -> None:
    session = make_session(project)
    seen = _every_kind_of_change(session)
    assert len(seen) == 8
    assert all(before != after for before, after in itertools.pairwise(seen))  # each one changed something
    for expected in reversed(seen[:-1]):
        assert session.undo() is not None
        assert states(session) == expected
        assert_index_consistent(session)
    assert session.undo() is None
    assert not session.can_undo
    for expected in seen[1:]:
        assert session.redo() is not None
        assert states(session) == expected
        assert_index_consistent(session)
    assert session.redo() is None
    # every step above, undo and redo included, is audited and the file validates
    assert len(session.annotations.history) >= 3 * 7
    assert check_audit(list(session.annotations.spans.values()), session.annotations.history) == []
    assert_valid(project, session)


def test_undo_appends_events_and_never_rewrites_history(project: Project) -> None:
    session = make_session(project)
    session.move_to(NEWS.index("2,000"))
    span = session.tag("number")
    first = list(session.annotations.history)
    session.undo()
    assert session.annotations.history[: len(first)] == first
    assert [e.op for e in session.annotations.history] == ["create", "delete"]
    session.redo()
    assert [e.op for e in session.annotations.history] == ["create", "delete", "create"]
    assert session.annotations.history[-1].span == span.id  # the same id comes back
    assert_valid(project, session)


def test_new_edit_clears_the_redo_stack(project: Project) -> None:
    session = make_session(project)
    session.move_to(NEWS.index("2,000"))
    span = session.tag("number")
    session.relabel(span.id, "claim")
    session.undo()
    assert session.can_redo
    session.set_details(span.id, "x", {})
    assert not session.can_redo
    assert session.redo() is None
    # a refused or no-op edit does not clear it
    session.undo()
    assert session.can_redo
    with pytest.raises(EditError):
        session.relabel(span.id, "nope")
    session.relabel(span.id, "number")  # already a number: nothing happens
    assert session.can_redo


def test_undo_that_cannot_apply_keeps_the_command(project: Project) -> None:
    session = make_session(project)
    session.move_to(NEWS.index("2,000"))
    span = session.tag("number")
    session.relabel(span.id, "claim")
    # Someone else (outside the session) puts a number span on the same range.
    other = session.annotations.create(span.start, span.end, "number")
    session.index.add(other)
    with pytest.raises(EditError, match="already covers"):
        session.undo()
    assert session.annotations.spans[span.id].label == "claim"
    assert session.can_undo
    session.annotations.delete(other.id)
    session.index.remove(other.id)
    assert session.undo() == "relabel number → claim"
    assert session.annotations.spans[span.id].label == "number"
    assert_index_consistent(session)


# -- change notifications ------------------------------------------------------------


def test_changes_carry_ranges_and_ids(project: Project) -> None:
    session = make_session(project)
    recorder = Recorder(session)
    session.move_to(NEWS.index("2,000"))
    span = session.tag("number")
    assert recorder.last() == Change(((span.start, span.end),), added=(span.id,), description="tag number")

    old = (span.start, span.end)
    new = span_of(NEWS, "About 2,000 people")
    session.resize(span.id, *new)
    change = recorder.last()
    assert (change.ranges, change.updated, change.added, change.removed) == ((old, new), (span.id,), (), ())

    session.relabel(span.id, "claim")
    change = recorder.last()
    assert (change.ranges, change.updated) == ((new, new), (span.id,))
    assert change.description == "relabel number → claim"

    session.set_details(span.id, "n", {"check_worthiness": "high"})
    assert recorder.last().updated == (span.id,)

    session.delete(span.id)
    assert recorder.last() == Change((new,), removed=(span.id,), description="delete claim")

    session.undo()
    change = recorder.last()
    assert (change.added, change.removed, change.updated) == ((span.id,), (), ())
    assert change.ranges == (new,)
    assert change.description == "undo delete claim"

    session.undo()  # the details
    assert recorder.last().updated == (span.id,)
    session.undo()  # the relabel
    session.undo()  # the resize: both ranges repaint
    change = recorder.last()
    assert (change.ranges, change.updated) == ((new, old), (span.id,))
    session.undo()  # the tag
    assert (recorder.last().removed, recorder.last().ranges) == ((span.id,), (old,))

    session.redo()
    assert (recorder.last().added, recorder.last().description) == ((span.id,), "redo tag number")

    count = len(recorder.changes)
    with pytest.raises(EditError):
        session.tag("number")  # the cursor is on the (restored) span: duplicate
    session.relabel(span.id, "number")  # no-op
    assert len(recorder.changes) == count  # refused and no-op edits notify nobody


# -- random sequences ----------------------------------------------------------------


def _apply_random_op(session: EditorSession, rng: random.Random) -> bool:
    """One random session call; False if it was refused."""
    spans = list(session.annotations.spans.values())
    text = session.text
    op = rng.choice(["tag", "tag", "token", "relabel", "resize", "details", "delete", "undo", "redo"])
    try:
        if op == "tag" or (op != "token" and not spans and op not in ("undo", "redo")):
            start = rng.randrange(len(text))
            session.select(start, min(len(text), start + rng.randrange(1, 25)))
            session.tag(rng.choice(LABELS))
        elif op == "token":
            session.move_to(rng.randrange(len(text) + 1))
            session.tag(rng.choice(LABELS))
        elif op == "relabel":
            session.relabel(rng.choice(spans).id, rng.choice(LABELS))
        elif op == "resize":
            start = rng.randrange(len(text))
            session.resize(rng.choice(spans).id, start, min(len(text), start + rng.randrange(1, 30)))
        elif op == "details":
            span = rng.choice(spans)
            attributes = {
                "quote": {"speaker": "x"},
                "claim": {"check_worthiness": "low"},
                "number": {"value": rng.randrange(100), "unit": "u"},
            }.get(span.label, {})
            session.set_details(span.id, rng.choice([None, "", "note", "other note"]), rng.choice([{}, attributes]))
        elif op == "delete":
            session.delete(rng.choice(spans).id)
        elif op == "undo":
            session.undo()
        else:
            session.redo()
    except EditError:
        return False
    return True


@pytest.mark.parametrize("seed", range(6))
def test_random_sequences_keep_index_undo_and_file_consistent(project: Project, seed: int) -> None:
    rng = random.Random(seed)
    session = make_session(project)
    Recorder(session)
    for _ in range(150):
        _apply_random_op(session, rng)
        assert_index_consistent(session)
    assert check_audit(list(session.annotations.spans.values()), session.annotations.history) == []
    assert_valid(project, session)
    # undo everything: back to no spans, and the file still validates
    while session.undo() is not None:
        assert_index_consistent(session)
    assert session.annotations.spans == {}
    assert_valid(project, session)


_MACHINE_TEXT = NEWS * 3


class SessionMachine(RuleBasedStateMachine):
    """Random edits, undo and redo against a model of the spans' states.

    The model is a stack of states: an accepted edit pushes, undo pops and
    redo re-pushes; the session must always hold exactly the model's state.
    """

    validator: Validator
    document = None

    def __init__(self) -> None:
        super().__init__()
        tagset = self.validator.config.tagset
        aset = AnnotationSet.new(self.document, "bob", tagset=tagset, clock=Clock(), make_id=id_factory())
        self.session = EditorSession(aset, tagset)
        self.session.subscribe(self.on_change)
        self.past: list[dict[str, SpanState]] = []
        self.future: list[dict[str, SpanState]] = []
        self.current: dict[str, SpanState] = {}
        self.pending: list[Change] = []

    def on_change(self, change: Change) -> None:
        self.pending.append(change)

    def _edited(self, before: dict[str, SpanState]) -> None:
        after = states(self.session)
        if self.pending:
            assert after != before
            self.past.append(before)
            self.future.clear()
            self._check_change(before, after)
        else:
            assert after == before
        self.current = after

    def _check_change(self, before: dict[str, SpanState], after: dict[str, SpanState]) -> None:
        assert len(self.pending) == 1
        change = self.pending.pop()
        changed = {i for i in before.keys() | after.keys() if before.get(i) != after.get(i)}
        assert set(change.added) == after.keys() - before.keys()
        assert set(change.removed) == before.keys() - after.keys()
        assert set(change.added) | set(change.removed) | set(change.updated) == changed
        for span_id in changed:
            for state in (before.get(span_id), after.get(span_id)):
                if state is not None:
                    assert (state.start, state.end) in change.ranges

    def _try(self, function, *args) -> None:
        before = states(self.session)
        try:
            function(*args)
        except EditError:
            assert states(self.session) == before
            assert not self.pending
            return
        self._edited(before)

    def _pick(self, data) -> Span:
        spans = sorted(self.session.annotations.spans.values(), key=lambda s: s.id)
        return data.draw(st.sampled_from(spans))

    @rule(start=st.integers(0, len(_MACHINE_TEXT) - 1), length=st.integers(0, 30), label=st.sampled_from(LABELS))
    def tag(self, start: int, length: int, label: str) -> None:
        if length:
            self.session.select(start, min(start + length, len(_MACHINE_TEXT)))
        else:
            self.session.move_to(start)
        self._try(self.session.tag, label)

    @precondition(lambda self: self.session.annotations.spans)
    @rule(data=st.data(), label=st.sampled_from(LABELS))
    def relabel(self, data, label: str) -> None:
        self._try(self.session.relabel, self._pick(data).id, label)

    @precondition(lambda self: self.session.annotations.spans)
    @rule(data=st.data(), start=st.integers(0, len(_MACHINE_TEXT) - 1), length=st.integers(1, 40))
    def resize(self, data, start: int, length: int) -> None:
        self._try(self.session.resize, self._pick(data).id, start, min(start + length, len(_MACHINE_TEXT)))

    @precondition(lambda self: self.session.annotations.spans)
    @rule(data=st.data(), note=st.sampled_from([None, "", "a", "b"]), with_attributes=st.booleans())
    def details(self, data, note: str | None, with_attributes: bool) -> None:
        span = self._pick(data)
        attributes = {"quote": {"speaker": "s"}, "claim": {"check_worthiness": "high"}, "number": {"value": 1.5}}
        chosen = attributes.get(span.label, {}) if with_attributes else {}
        self._try(self.session.set_details, span.id, note, chosen)

    @precondition(lambda self: self.session.annotations.spans)
    @rule(data=st.data())
    def delete(self, data) -> None:
        self._try(self.session.delete, self._pick(data).id)

    @rule()
    def undo(self) -> None:
        before = states(self.session)
        description = self.session.undo()
        if not self.past:
            assert description is None
            assert not self.pending
            return
        assert description is not None
        expected = self.past.pop()
        self.future.append(before)
        self._check_change(before, expected)
        self.current = expected

    @rule()
    def redo(self) -> None:
        before = states(self.session)
        description = self.session.redo()
        if not self.future:
            assert description is None
            assert not self.pending
            return
        assert description is not None
        expected = self.future.pop()
        self.past.append(before)
        self._check_change(before, expected)
        self.current = expected

    @invariant()
    def matches_model_and_index(self) -> None:
        assert states(self.session) == self.current
        assert self.session.can_undo == bool(self.past)
        assert self.session.can_redo == bool(self.future)
        assert_index_consistent(self.session)

    def teardown(self) -> None:
        file = self.session.annotations.to_file()
        assert self.validator.validate_bytes(dumps(file), "machine.json") == []


def test_session_state_machine() -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "annotator.toml").write_text(CONFIG_TOML, encoding="utf-8")
        (root / "docs").mkdir()
        (root / "docs" / "m.txt").write_text(_MACHINE_TEXT, encoding="utf-8")
        SessionMachine.validator = Validator(load_config(start=root))
        SessionMachine.document = load_document(root, "docs/m.txt")
        run_state_machine_as_test(
            SessionMachine,
            settings=settings(
                max_examples=60, stateful_step_count=40, deadline=None, suppress_health_check=list(HealthCheck)
            ),
        )
