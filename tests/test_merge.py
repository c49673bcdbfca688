"""Merging the session's version of an annotation file with the one on disk
(annotator.model.merge): fast-forwards, span-by-span merges, conflicts."""

from __future__ import annotations

import pytest
from conftest import TEXT, Project, span_of

from annotator.model.annotation import Rejection
from annotator.model.editing import AnnotationSet
from annotator.model.merge import Side, common_prefix, merge
from annotator.storage.documents import load_document


def fork(project: Project) -> tuple[AnnotationSet, AnnotationSet]:
    """Two versions sharing two spans (a quote and a number) and their events."""
    base = project.new_set()
    base.create(*span_of(TEXT, "we will act soon"), "quote", attributes={"speaker": "minister"})
    base.create(*span_of(TEXT, "42"), "number")
    mine = AnnotationSet(
        base.to_file(), TEXT, tagset=project.config.tagset, clock=project.clock, make_id=project.make_id
    )
    theirs = AnnotationSet(
        base.to_file(), TEXT, tagset=project.config.tagset, clock=project.clock, make_id=project.make_id
    )
    return mine, theirs


def merged(project: Project, mine: AnnotationSet, theirs: AnnotationSet, prefer: Side = Side.MINE):
    document = load_document(project.root, "docs/a.txt")
    return merge(mine, theirs.to_file(), document, project.config.tagset, prefer=prefer, clock=project.clock)


def texts(aset: AnnotationSet) -> dict[str, str]:
    return {span.text: span.label for span in aset.spans.values()}


def test_a_trail_that_continues_the_other_is_a_fast_forward(project: Project) -> None:
    mine, theirs = fork(project)
    mine.create(*span_of(TEXT, "may"), "hedge")
    result = merged(project, mine, theirs)
    assert result.fast_forward and result.mine_only == 1 and result.theirs_only == 0
    assert result.annotations.history == mine.history
    # and the other way round: theirs went on, mine did not
    mine, theirs = fork(project)
    theirs.create(*span_of(TEXT, "may"), "hedge")
    result = merged(project, mine, theirs)
    assert result.fast_forward and [e.hash for e in result.annotations.history] == [e.hash for e in theirs.history]


def test_changes_to_different_spans_are_all_kept(project: Project) -> None:
    mine, theirs = fork(project)
    quote = next(s for s in mine.spans.values() if s.label == "quote")
    mine.create(*span_of(TEXT, "may"), "hedge")
    mine.set_attributes(quote.id, {"speaker": "the minister"})
    theirs.create(*span_of(TEXT, "reportedly"), "hedge")
    number = next(s for s in theirs.spans.values() if s.label == "number")
    theirs.delete(number.id)
    result = merged(project, mine, theirs)
    assert not result.fast_forward and not result.conflicts
    assert texts(result.annotations) == {"we will act soon": "quote", "may": "hedge", "reportedly": "hedge"}
    assert result.annotations.spans[quote.id].attributes == {"speaker": "the minister"}
    # Their events first and untouched, then mine as new audited edits.
    assert result.annotations.history[: len(theirs.history)] == theirs.history
    assert common_prefix(mine.history, theirs.history) == result.common == 2


@pytest.mark.parametrize(("prefer", "speaker"), [(Side.MINE, "mine"), (Side.THEIRS, "theirs")])
def test_a_span_changed_on_both_sides_is_a_conflict_the_preference_settles(
    project: Project, prefer: Side, speaker: str
) -> None:
    mine, theirs = fork(project)
    quote = next(s for s in mine.spans.values() if s.label == "quote")
    mine.set_attributes(quote.id, {"speaker": "mine"})
    theirs.set_attributes(quote.id, {"speaker": "theirs"})
    result = merged(project, mine, theirs, prefer)
    assert [conflict.span for conflict in result.conflicts] == [quote.id]
    assert result.conflicts[0].winner is prefer
    assert result.annotations.spans[quote.id].attributes == {"speaker": speaker}
    assert "changed on both sides" in result.summary()


def test_a_span_deleted_there_and_edited_here_comes_back_when_mine_wins(project: Project) -> None:
    mine, theirs = fork(project)
    number = next(s for s in mine.spans.values() if s.label == "number")
    mine.set_attributes(number.id, {"value": 42})
    theirs.delete(number.id)
    result = merged(project, mine, theirs)
    assert result.annotations.spans[number.id].attributes == {"value": 42}


def test_the_same_span_added_on_both_sides_is_kept_once(project: Project) -> None:
    mine, theirs = fork(project)
    mine.create(*span_of(TEXT, "may"), "hedge")
    theirs.create(*span_of(TEXT, "may"), "hedge")
    result = merged(project, mine, theirs)
    assert list(texts(result.annotations).values()).count("hedge") == 1
    assert len(result.skipped) == 1 and "already covers" in result.skipped[0]


def test_status_and_rejections(project: Project) -> None:
    mine, theirs = fork(project)
    mine.create(*span_of(TEXT, "may"), "hedge")
    theirs.create(*span_of(TEXT, "reportedly"), "hedge")
    mine.set_status("done")
    start, end = span_of(TEXT, "Café")
    rejection = Rejection(
        annotator="bob", span="b1", start=start, end=end, label="quote", text="Café", by="carol", at=project.clock()
    )
    mine.set_rejected([rejection])
    result = merged(project, mine, theirs)
    assert result.annotations.status == "done"
    assert result.annotations.rejected == [rejection]
    assert merged(project, mine, theirs, Side.THEIRS).annotations.status == "in_progress"
