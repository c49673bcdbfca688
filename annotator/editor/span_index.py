"""An ordered index of spans for the document view and the span list.

The view asks "which spans touch this row?" for every rendered row, and the
span list shows 10,000 spans in order, filtered by label, without building
widgets for all of them. Both need sorted structures that change in place:

* all spans, sorted by (start, end, label, id), as parallel lists of keys and
  span objects: rank, n-th span and next/previous are a bisect away;
* the same per label, so a filtered list view has O(1) length and indexing;
* short spans (at most `long_threshold` code points) also sorted by start with
  a parallel list of starts: a span overlapping [a, b) must start in
  (a - threshold, b), so `overlapping` bisects that window and checks ends;
  the few long spans sit in a separate dict that every query checks.

Changes use `bisect.insort`-style inserts and deletes: O(n) memmove on lists of
10,000 keys, far below a frame, and never a re-sort.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from operator import itemgetter
from typing import Generic, Protocol, TypeVar, overload


class SpanLike(Protocol):
    """What the index needs of a span (`annotator.model.annotation.Span` fits)."""

    @property
    def id(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def label(self) -> str: ...


S = TypeVar("S", bound=SpanLike)
Key = tuple[int, int, str, str]

LONG_SPAN = 512
_first = itemgetter(0)  # a key's start; a (key, span) pair's key


def span_key(span: SpanLike) -> Key:
    """Sort key of a span: (start, end, label, id); unique because ids are."""
    return (span.start, span.end, span.label, span.id)


def _size_key(span: SpanLike) -> tuple[int, int, int, str, str]:
    return (span.end - span.start, span.start, span.end, span.label, span.id)


def _insert(keys: list[Key], items: list[S], key: Key, item: S) -> None:
    index = bisect_left(keys, key)
    keys.insert(index, key)
    items.insert(index, item)


def _delete(keys: list[Key], items: list[S], key: Key) -> None:
    index = bisect_left(keys, key)
    del keys[index]
    del items[index]


class SpanIndex(Generic[S]):
    """Spans kept sorted for per-row overlap queries, navigation and list views."""

    def __init__(self, spans: Iterable[S] = (), long_threshold: int = LONG_SPAN) -> None:
        self.long_threshold = long_threshold
        self._by_id: dict[str, S] = {}
        self._key_of: dict[str, Key] = {}
        self._keys: list[Key] = []
        self._spans: list[S] = []
        self._short_keys: list[Key] = []
        self._short_starts: list[int] = []
        self._short_spans: list[S] = []
        self._long: dict[str, S] = {}
        self._label_keys: dict[str, list[Key]] = {}
        self._label_spans: dict[str, list[S]] = {}
        self._counts: dict[str, int] = {}
        self._bulk_load(spans)

    def _bulk_load(self, spans: Iterable[S]) -> None:
        """Sort once instead of inserting one by one (opening a file)."""
        pairs: list[tuple[Key, S]] = []
        for span in spans:
            if span.id in self._by_id:
                raise ValueError(f"duplicate span id {span.id!r}")
            key = span_key(span)
            self._by_id[span.id] = span
            self._key_of[span.id] = key
            pairs.append((key, span))
        pairs.sort(key=_first)
        for key, span in pairs:
            self._keys.append(key)
            self._spans.append(span)
            self._label_keys.setdefault(span.label, []).append(key)
            self._label_spans.setdefault(span.label, []).append(span)
            self._counts[span.label] = self._counts.get(span.label, 0) + 1
            if span.end - span.start > self.long_threshold:
                self._long[span.id] = span
            else:
                self._short_keys.append(key)
                self._short_starts.append(span.start)
                self._short_spans.append(span)

    # -- changes ------------------------------------------------------------

    def add(self, span: S) -> None:
        """Insert a span; its id must be new."""
        if span.id in self._by_id:
            raise ValueError(f"duplicate span id {span.id!r}")
        key = span_key(span)
        self._by_id[span.id] = span
        self._key_of[span.id] = key
        _insert(self._keys, self._spans, key, span)
        _insert(self._label_keys.setdefault(span.label, []), self._label_spans.setdefault(span.label, []), key, span)
        self._counts[span.label] = self._counts.get(span.label, 0) + 1
        if span.end - span.start > self.long_threshold:
            self._long[span.id] = span
        else:
            index = bisect_left(self._short_keys, key)
            self._short_keys.insert(index, key)
            self._short_starts.insert(index, span.start)
            self._short_spans.insert(index, span)

    def remove(self, span_id: str) -> S:
        """Take a span out by id and return it; KeyError if unknown."""
        span = self._by_id.pop(span_id)
        key = self._key_of.pop(span_id)
        label = key[2]
        _delete(self._keys, self._spans, key)
        _delete(self._label_keys[label], self._label_spans[label], key)
        self._counts[label] -= 1
        if not self._counts[label]:
            del self._counts[label], self._label_keys[label], self._label_spans[label]
        if span_id in self._long:
            del self._long[span_id]
        else:
            index = bisect_left(self._short_keys, key)
            del self._short_keys[index], self._short_starts[index], self._short_spans[index]
        return span

    def replace(self, span: S) -> S:
        """Swap in a new version of a span with the same id; returns the old one."""
        old = self.remove(span.id)
        self.add(span)
        return old

    # -- lookups ------------------------------------------------------------

    def get(self, span_id: str) -> S | None:
        """The span with this id, or None."""
        return self._by_id.get(span_id)

    def __contains__(self, span_id: object) -> bool:
        return span_id in self._by_id

    def __len__(self) -> int:
        return len(self._spans)

    def __iter__(self) -> Iterator[S]:
        """Spans in (start, end, label, id) order (a snapshot, safe to mutate during)."""
        return iter(tuple(self._spans))

    def overlapping(self, start: int, end: int) -> list[S]:
        """Spans with span.start < end and span.end > start, in sorted order.

        O(log n + spans starting within `long_threshold` before `start`), plus
        the long spans: what one rendered row costs.
        """
        keys = self._short_keys
        spans = self._short_spans
        low = bisect_right(self._short_starts, start - self.long_threshold)
        high = bisect_left(self._short_starts, end)
        found = [spans[i] for i in range(low, high) if keys[i][1] > start]
        if self._long:
            extra = [span for span in self._long.values() if span.start < end and span.end > start]
            if extra:
                found.extend(extra)
                found.sort(key=span_key)
        return found

    def at(self, offset: int) -> list[S]:
        """Spans with start <= offset < end, innermost (shortest) first."""
        found = self.overlapping(offset, offset + 1)
        found.sort(key=_size_key)
        return found

    def _lists(self, label: str | None) -> tuple[list[Key], list[S]]:
        if label is None:
            return self._keys, self._spans
        return self._label_keys.get(label, []), self._label_spans.get(label, [])

    def next_after(self, offset: int, label: str | None = None) -> S | None:
        """First span (in sorted order) whose start is > offset, optionally of one label."""
        keys, spans = self._lists(label)
        index = bisect_right(keys, offset, key=_first)
        return spans[index] if index < len(spans) else None

    def prev_before(self, offset: int, label: str | None = None) -> S | None:
        """Last span (in sorted order) whose start is < offset, optionally of one label."""
        keys, spans = self._lists(label)
        index = bisect_left(keys, offset, key=_first)
        return spans[index - 1] if index else None

    def position(self, span_id: str, label: str | None = None) -> int:
        """Rank of a span in sorted order (among `label` only, if given); O(log n)."""
        key = self._key_of[span_id]
        if label is not None and key[2] != label:
            raise KeyError(span_id)
        return bisect_left(self._lists(label)[0], key)

    def nth(self, rank: int, label: str | None = None) -> S:
        """The span at `rank` in sorted order (among `label` only, if given)."""
        return self._lists(label)[1][rank]

    def rank_of_offset(self, offset: int, label: str | None = None) -> int:
        """How many spans (of `label`) start before `offset`: where a list scrolls to."""
        return bisect_left(self._lists(label)[0], offset, key=_first)

    def counts(self) -> dict[str, int]:
        """Number of spans per label (labels with none are absent)."""
        return dict(self._counts)

    def ordered(self, label: str | None = None) -> SpanView[S]:
        """A live, sorted, indexable view of all spans or of one label's."""
        return SpanView(self, label)


class SpanView(Sequence[S]):
    """Live sorted view for a virtual list: len and indexing are O(1)."""

    def __init__(self, index: SpanIndex[S], label: str | None) -> None:
        self._index = index
        self.label = label

    def __len__(self) -> int:
        return len(self._index._lists(self.label)[1])

    @overload
    def __getitem__(self, rank: int) -> S: ...
    @overload
    def __getitem__(self, rank: slice) -> list[S]: ...
    def __getitem__(self, rank: int | slice) -> S | list[S]:
        return self._index._lists(self.label)[1][rank]

    def __iter__(self) -> Iterator[S]:
        return iter(tuple(self._index._lists(self.label)[1]))

    def _id_in_view(self, span: object) -> str | None:
        span_id = getattr(span, "id", None)
        if not isinstance(span_id, str):
            return None
        stored = self._index.get(span_id)
        if stored is None or not (stored is span or stored == span):
            return None
        if self.label is not None and stored.label != self.label:
            return None
        return span_id

    def __contains__(self, span: object) -> bool:
        return self._id_in_view(span) is not None

    def index(self, span: object, start: int = 0, stop: int | None = None) -> int:
        """Rank of `span` in this view, by bisect instead of a linear scan."""
        span_id = self._id_in_view(span)
        if span_id is None:
            raise ValueError("span not in view")
        rank = self._index.position(span_id, self.label)
        if rank < start or (stop is not None and rank >= stop):
            raise ValueError("span not in range")
        return rank
