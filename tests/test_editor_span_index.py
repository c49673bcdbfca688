"""SpanIndex against a brute-force reference."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.editor.span_index import SpanIndex, span_key
from annotator.model.annotation import Span

LABELS = ["claim", "hedge", "number", "quote"]


@dataclass(frozen=True)
class FakeSpan:
    id: str
    start: int
    end: int
    label: str


def model_span(span_id: str, start: int, end: int, label: str) -> Span:
    return Span(
        id=span_id,
        start=start,
        end=end,
        label=label,
        text="x" * (end - start),
        created_by="tester",
        created_at="2026-01-01T00:00:00Z",
        modified_by="tester",
        modified_at="2026-01-01T00:00:00Z",
    )


class Reference:
    """The obvious O(n) answers."""

    def __init__(self) -> None:
        self.spans: dict[str, FakeSpan] = {}

    def ordered(self, label: str | None = None) -> list[FakeSpan]:
        return sorted((s for s in self.spans.values() if label is None or s.label == label), key=span_key)

    def overlapping(self, start: int, end: int) -> list[FakeSpan]:
        return [s for s in self.ordered() if s.start < end and s.end > start]

    def at(self, offset: int) -> list[FakeSpan]:
        found = [s for s in self.spans.values() if s.start <= offset < s.end]
        return sorted(found, key=lambda s: (s.end - s.start, span_key(s)))

    def next_after(self, offset: int, label: str | None) -> FakeSpan | None:
        return next((s for s in self.ordered(label) if s.start > offset), None)

    def prev_before(self, offset: int, label: str | None) -> FakeSpan | None:
        found = [s for s in self.ordered(label) if s.start < offset]
        return found[-1] if found else None

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for span in self.spans.values():
            counts[span.label] = counts.get(span.label, 0) + 1
        return counts


def compare(index: SpanIndex[FakeSpan], ref: Reference, queries: list[tuple[int, int]]) -> None:
    assert len(index) == len(ref.spans)
    assert list(index) == ref.ordered()
    assert index.counts() == ref.counts()
    for rank, span in enumerate(ref.ordered()):
        assert index.position(span.id) == rank
        assert index.nth(rank) == span
        assert index.get(span.id) == span
        assert span.id in index
    for label in [*LABELS, None]:
        expected = ref.ordered(label)
        view = index.ordered(label)
        assert len(view) == len(expected)
        assert list(view) == expected
        assert [view[i] for i in range(len(view))] == expected
        assert view[:3] == expected[:3]
        for rank, span in enumerate(expected):
            assert index.position(span.id, label) == rank
            assert index.nth(rank, label) == span
            assert view.index(span) == rank
            assert span in view
    for start, end in queries:
        assert index.overlapping(start, end) == ref.overlapping(start, end)
        assert index.at(start) == ref.at(start)
        for label in [*LABELS, None]:
            assert index.next_after(start, label) == ref.next_after(start, label)
            assert index.prev_before(start, label) == ref.prev_before(start, label)
            assert index.rank_of_offset(start, label) == sum(1 for s in ref.ordered(label) if s.start < start)


span_fields = st.tuples(st.integers(0, 120), st.integers(0, 40), st.sampled_from(LABELS))
operations = st.lists(
    st.tuples(st.sampled_from(["add", "add", "add", "remove", "replace"]), st.integers(0, 30), span_fields),
    max_size=80,
)
queries = st.lists(st.tuples(st.integers(-5, 170), st.integers(0, 60)).map(lambda q: (q[0], q[0] + q[1])), max_size=15)


@settings(max_examples=200, deadline=None)
@given(operations, queries, st.sampled_from([0, 3, 10, 512]))
def test_matches_brute_force(ops: list, query_list: list[tuple[int, int]], threshold: int) -> None:
    index: SpanIndex[FakeSpan] = SpanIndex(long_threshold=threshold)
    ref = Reference()
    for op, number, (start, length, label) in ops:
        span_id = f"s{number}"
        span = FakeSpan(span_id, start, start + length, label)
        if op == "add":
            if span_id in ref.spans:
                with pytest.raises(ValueError):
                    index.add(span)
            else:
                index.add(span)
                ref.spans[span_id] = span
        elif op == "remove":
            if span_id in ref.spans:
                assert index.remove(span_id) == ref.spans.pop(span_id)
            else:
                with pytest.raises(KeyError):
                    index.remove(span_id)
        elif span_id in ref.spans:
            assert index.replace(span) == ref.spans[span_id]
            ref.spans[span_id] = span
        else:
            with pytest.raises(KeyError):
                index.replace(span)
    compare(index, ref, query_list)
    # Bulk loading the same spans gives the same index.
    bulk = SpanIndex(ref.spans.values(), long_threshold=threshold)
    compare(bulk, ref, query_list)


def test_overlapping_with_long_and_short_spans() -> None:
    index = SpanIndex(
        [
            FakeSpan("long", 0, 5000, "quote"),
            FakeSpan("a", 100, 110, "number"),
            FakeSpan("b", 105, 200, "claim"),
            FakeSpan("c", 300, 310, "hedge"),
            FakeSpan("empty", 150, 150, "hedge"),
        ],
        long_threshold=50,
    )
    assert [s.id for s in index.overlapping(106, 107)] == ["long", "a", "b"]
    assert [s.id for s in index.at(106)] == ["a", "b", "long"]  # innermost first
    assert [s.id for s in index.overlapping(140, 160)] == ["long", "b", "empty"]
    assert [s.id for s in index.at(150)] == ["b", "long"]
    assert [s.id for s in index.overlapping(5000, 6000)] == []
    assert index.next_after(100).id == "b"  # type: ignore[union-attr]
    assert index.next_after(100, "hedge").id == "empty"  # type: ignore[union-attr]
    assert index.prev_before(100).id == "long"  # type: ignore[union-attr]
    assert index.prev_before(0) is None
    assert index.next_after(300) is None


def test_duplicate_ids_are_rejected() -> None:
    with pytest.raises(ValueError):
        SpanIndex([FakeSpan("x", 0, 1, "claim"), FakeSpan("x", 2, 3, "claim")])


def test_views_are_live() -> None:
    index: SpanIndex[FakeSpan] = SpanIndex()
    quotes = index.ordered("quote")
    everything = index.ordered()
    assert len(quotes) == 0
    index.add(FakeSpan("q2", 20, 30, "quote"))
    index.add(FakeSpan("q1", 10, 15, "quote"))
    index.add(FakeSpan("n1", 12, 14, "number"))
    assert [s.id for s in quotes] == ["q1", "q2"]
    assert [s.id for s in everything] == ["q1", "n1", "q2"]
    index.replace(FakeSpan("q1", 25, 26, "quote"))
    assert [s.id for s in quotes] == ["q2", "q1"]
    index.remove("q1")
    index.remove("q2")
    assert len(quotes) == 0
    assert index.counts() == {"number": 1}
    with pytest.raises(ValueError):
        quotes.index(FakeSpan("n1", 12, 14, "number"))


def test_works_with_model_spans() -> None:
    spans = [model_span(f"s{i}", (i * 37) % 500, (i * 37) % 500 + 5 + i % 7, LABELS[i % 4]) for i in range(200)]
    index = SpanIndex(spans)
    assert len(index) == 200
    assert list(index) == sorted(spans, key=span_key)
    changed = spans[10].model_copy(update={"label": "quote", "end": spans[10].end + 600})
    index.replace(changed)
    assert index.get("s10") is changed
    assert changed in index.at(changed.start)
    assert changed in index.overlapping(changed.end - 1, changed.end)
    assert index.position("s10") == sorted(index, key=span_key).index(changed)


def test_ten_thousand_spans_row_query() -> None:
    """The per-row query touches only nearby spans (no timing, just results)."""
    spans = [FakeSpan(f"s{i}", i * 100, i * 100 + 40 + i % 30, LABELS[i % 4]) for i in range(10_000)]
    index = SpanIndex(spans)
    row = index.overlapping(500_010, 500_127)
    assert [s.id for s in row] == ["s5000", "s5001"]
    assert index.position("s9999") == 9999
    assert index.nth(5000).id == "s5000"
