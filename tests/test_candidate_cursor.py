"""CandidateCursor: the view-model of the keys that settle candidates (review and suggestions)."""

from __future__ import annotations

from annotator.model.annotation import SourceSpan
from annotator.review.adjudication import Candidate, Group
from annotator.review.navigation import CandidateCursor


def candidate(start: int, end: int, label: str = "quote") -> Candidate:
    return Candidate(start, end, label, "x" * (end - start), (SourceSpan(annotator="a", span="s1"),), {"a": {}})


def group(*candidates: Candidate) -> Group:
    return Group(min(c.start for c in candidates), max(c.end for c in candidates), candidates, False)


GROUPS = [group(candidate(0, 5)), group(candidate(10, 15), candidate(12, 20, "claim")), group(candidate(30, 35))]


def test_steps_wrap_round_over_every_group_or_only_the_open_ones() -> None:
    cursor = CandidateCursor(GROUPS)
    assert cursor.current == 0
    assert cursor.step(1) and cursor.current == 1
    assert cursor.step(1) and cursor.current == 2
    assert cursor.step(1) and cursor.current == 0  # wraps
    assert cursor.step(-1) and cursor.current == 2
    only_middle = lambda g: g is GROUPS[1]  # noqa: E731
    assert cursor.step(1, only_middle) and cursor.current == 1
    assert cursor.step(1, only_middle) and cursor.current == 1  # the one open group, again
    assert not cursor.step(1, lambda g: False)
    assert not CandidateCursor([]).step(1)


def test_versions_cycle_and_a_step_starts_at_the_first() -> None:
    cursor = CandidateCursor(GROUPS, current=1)
    assert cursor.candidate() == GROUPS[1].candidates[0]
    cursor.next_version()
    assert cursor.candidate().label == "claim"
    cursor.next_version()
    assert cursor.highlighted == 0
    cursor.next_version()
    cursor.step(1)
    assert cursor.highlighted == 0


def test_advance_only_when_the_current_group_is_settled() -> None:
    cursor = CandidateCursor(GROUPS)
    assert not cursor.advance_if_settled(lambda g: True)
    assert cursor.advance_if_settled(lambda g: g is not GROUPS[0]) and cursor.current == 1
    assert not cursor.advance_if_settled(lambda g: False)  # nothing open anywhere: stay


def test_groups_by_offset() -> None:
    cursor = CandidateCursor(GROUPS)
    assert [cursor.group_at(offset) for offset in (0, 4, 5, 9, 10, 19, 20, 30, 40)] == [
        0,
        0,
        None,
        None,
        1,
        1,
        None,
        2,
        None,
    ]
    open_all = lambda g: True  # noqa: E731
    assert cursor.open_from(0, open_all) == 1  # the next group starting after the offset
    assert cursor.open_from(12, open_all) == 2
    assert cursor.open_from(31, open_all) == 0  # wraps
    assert cursor.open_from(12, open_all, -1) == 1  # the last group that starts before the offset
    assert cursor.open_from(10, open_all, -1) == 0
    assert cursor.open_from(0, open_all, -1) == 2
    assert cursor.open_from(12, lambda g: g is GROUPS[1]) == 1  # only itself is open: itself, after wrapping
