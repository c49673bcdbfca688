"""Soft-wrapped rows over a document, measured in terminal cells.

The view draws one row per `render_line(y)` and moves the cursor on every key,
so everything here is per row: wrapping runs once per width (resize), and each
query afterwards is a bisect over the row starts plus work on one row.

Rows partition the offsets `0..len(text)` inclusive. Row `r` owns
`[row_starts[r], row_starts[r + 1])`; a paragraph's "\\n" is owned by the
paragraph's last row (the cursor on it is drawn just after the row's text) and
the offset after it starts the next row. The visible content of a row,
`row_range(r)`, excludes that "\\n".

Two wrapping paths give the same rows on plain text:

* fast: a paragraph made only of characters that are one cell wide and one
  grapheme each (ASCII, Latin-1, Latin Extended, Greek/Cyrillic letters, general
  punctuation like ’ “ ” —) has offsets equal to cells, so it wraps with
  `str.rfind` and no per-character Python loop;
* general: other paragraphs are split into grapheme clusters with
  `rich.cells.split_graphemes` (the same measure Textual uses for segments), and
  regional-indicator pairs (flags) are joined into one cluster.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from itertools import accumulate
from operator import itemgetter

from rich.cells import split_graphemes

from annotator.text import display_text

Cluster = tuple[int, int, int]
"""(start, end, cell_width) of one grapheme cluster, offsets into the text."""

# One cell and one code point per grapheme, and never followed by a combining
# mark, ZWJ or variation selector (those are not in the class). Control
# placeholders ␀…␡ and � are here too: display text never has raw controls.
SIMPLE_CHARS = (
    "\x20-\x7e"  # ASCII printable
    "\xa0-\u02ff"  # Latin-1 supplement, Latin Extended-A/B, IPA, spacing modifiers
    "\u0370-\u0482"  # Greek, Cyrillic letters (combining marks start at U+0483)
    "\u1e00-\u1eff"  # Latin Extended Additional (precomposed Vietnamese etc.)
    "\u2010-\u2027"  # dashes, quotes, bullets, ellipsis
    "\u2030-\u205e"  # per mille, primes, guillemets, … (not the bidi marks)
    "\u2400-\u2426"  # control pictures: the placeholders from display_text
    "\ufffd"
)
_SIMPLE = re.compile(f"[{SIMPLE_CHARS}]*")
_SPACES = re.compile(" +")
_REGIONAL = re.compile("[\U0001f1e6-\U0001f1ff]")

_CACHE_ROWS = 512
_start_of = itemgetter(0)
_width_of = itemgetter(2)


def is_simple(text: str) -> bool:
    """True when `text` can take the fast path: offsets equal cell columns."""
    return _SIMPLE.fullmatch(text) is not None


def grapheme_clusters(text: str, base: int = 0) -> list[Cluster]:
    """Clusters of `text` with cell widths, offsets shifted by `base`.

    `split_graphemes` keeps a ZWJ sequence, a keycap or a base with its
    combining marks together but leaves each regional indicator alone, so a
    flag would be split in two; pairs are joined here (two cells, as rich
    measures them).
    """
    spans, _ = split_graphemes(text)
    if _REGIONAL.search(text) is not None:
        spans = _join_flags(spans, text)
    if base:
        return [(start + base, end + base, width) for start, end, width in spans]
    return spans


def _join_flags(spans: list[Cluster], text: str) -> list[Cluster]:
    joined: list[Cluster] = []
    pending = False  # the previous cluster is a lone regional indicator
    for span in spans:
        start, end, width = span
        if end - start == 1 and _REGIONAL.match(text, start):
            if pending:
                first_start, _, first_width = joined[-1]
                joined[-1] = (first_start, end, first_width + width)
                pending = False
                continue
            pending = True
        else:
            pending = False
        joined.append(span)
    return joined


def _wrap_simple(display: str, start: int, end: int, width: int, out: list[int]) -> None:
    """Greedy word wrap of a paragraph whose offsets are cells; appends row starts."""
    out.append(start)
    pos = start
    while end - pos > width:
        limit = pos + width  # first offset that does not fit
        if display[limit] == " ":
            # The word before fits exactly; the spaces overhang this row.
            run = _SPACES.match(display, limit, end)
            nxt = run.end() if run else limit + 1
            if nxt >= end:
                return
        else:
            space = display.rfind(" ", pos, limit)
            nxt = limit if space < 0 else space + 1
        out.append(nxt)
        pos = nxt


def _wrap_clusters(display: str, start: int, end: int, width: int, out: list[int]) -> None:
    """Greedy word wrap over grapheme clusters; same rules as `_wrap_simple`."""
    out.append(start)
    text = display[start:end]
    spans = grapheme_clusters(text)
    count = len(spans)
    if not count:
        return
    starts = list(map(_start_of, spans))
    ends_x = list(accumulate(map(_width_of, spans)))  # cell column after each cluster

    def is_space(index: int) -> bool:
        first, last, _ = spans[index]
        return last == first + 1 and text[first] == " "

    i = 0
    while True:
        x0 = ends_x[i - 1] if i else 0
        k = bisect_right(ends_x, x0 + width, i)  # first cluster that does not fit
        if k >= count:
            return
        if k == i:
            k = i + 1  # one cluster wider than the row: it gets the row alone
        if k < count and is_space(k):
            while k < count and is_space(k):
                k += 1
        elif k < count:
            low, high = starts[i], starts[k]
            while (space := text.rfind(" ", low, high)) >= 0:
                j = bisect_left(starts, space + 1, i)
                if j < count and starts[j] == space + 1:
                    k = j  # break after the last space that fits
                    break
                high = space  # that space is inside a cluster: not a break
        if k >= count:
            return
        out.append(start + starts[k])
        i = k


class Layout:
    """Rows of a document wrapped at `width` cells, with cursor geometry."""

    def __init__(self, text: str, width: int) -> None:
        self.text = text
        self.display = display_text(text)
        para_starts: list[int] = []
        para_ends: list[int] = []
        simple = bytearray()
        display = self.display
        pos = 0
        while True:
            nl = display.find("\n", pos)
            end = len(display) if nl < 0 else nl
            para_starts.append(pos)
            para_ends.append(end)
            simple.append(_SIMPLE.fullmatch(display, pos, end) is not None)
            if nl < 0:
                break
            pos = nl + 1
        self._para_starts = para_starts
        self._para_ends = para_ends
        self._para_simple = simple
        self.width = 0
        self.row_count = 0
        self._row_starts: list[int] = []
        self._row_simple = bytearray()
        self._cache: OrderedDict[int, tuple[list[Cluster], list[int], list[int], int]] = OrderedDict()
        self.rewrap(width)

    # -- wrapping ---------------------------------------------------------

    def rewrap(self, width: int) -> None:
        """Lay the text out again for a new width (on resize); O(document)."""
        width = max(1, int(width))
        display = self.display
        row_starts: list[int] = []
        row_simple = bytearray()
        for start, end, simple in zip(self._para_starts, self._para_ends, self._para_simple, strict=True):
            before = len(row_starts)
            (_wrap_simple if simple else _wrap_clusters)(display, start, end, width, row_starts)
            row_simple.extend((b"\x01" if simple else b"\x00") * (len(row_starts) - before))
        self.width = width
        self._row_starts = row_starts
        self._row_simple = row_simple
        self.row_count = len(row_starts)
        self._cache.clear()

    # -- rows -------------------------------------------------------------

    @property
    def row_starts(self) -> list[int]:
        """First offset of each row (read-only by convention)."""
        return self._row_starts

    def row_of(self, offset: int) -> int:
        """The row that owns `offset` (clamped to the text)."""
        offset = min(max(offset, 0), len(self.text))
        return bisect_right(self._row_starts, offset) - 1

    def row_range(self, row: int) -> tuple[int, int]:
        """[start, end) of the visible content of `row`; end excludes the "\\n"."""
        start = self._row_starts[row]
        if row + 1 < self.row_count:
            nxt = self._row_starts[row + 1]
            return start, nxt - 1 if self.text[nxt - 1] == "\n" else nxt
        return start, len(self.text)

    def row_text(self, row: int) -> str:
        """Display text of the row's visible content (safe for the terminal)."""
        start, end = self.row_range(row)
        return self.display[start:end]

    def row_is_simple(self, row: int) -> bool:
        """True when offsets in `row` map 1:1 to cells (no cluster lookups needed)."""
        return bool(self._row_simple[row])

    def row_last(self, row: int) -> int:
        """The last offset the row owns: its "\\n" (or the text end) for a
        paragraph's last row, else the start of its last cluster."""
        start, end = self.row_range(row)
        if row + 1 == self.row_count or self.text[end : end + 1] == "\n":
            return end
        if self._row_simple[row]:
            return end - 1
        clusters = self._info(row)[0]
        return clusters[-1][0] if clusters else start

    def rows_between(self, start: int, end: int) -> range:
        """Rows showing any of the offsets [start, end] (for refreshing a span)."""
        return range(self.row_of(start), self.row_of(max(start, end)) + 1)

    def row_width(self, row: int) -> int:
        """Cells taken by the row's content (trailing spaces may overhang)."""
        if self._row_simple[row]:
            start, end = self.row_range(row)
            return end - start
        return self._info(row)[3]

    # -- clusters -----------------------------------------------------------

    def _info(self, row: int) -> tuple[list[Cluster], list[int], list[int], int]:
        """Clusters of a row with their start offsets and x columns (LRU cached)."""
        cache = self._cache
        info = cache.get(row)
        if info is not None:
            cache.move_to_end(row)
            return info
        start, end = self.row_range(row)
        if self._row_simple[row]:
            clusters = [(i, i + 1, 1) for i in range(start, end)]
            starts = list(range(start, end))
            xs = list(range(end - start))
            total = end - start
        else:
            clusters = grapheme_clusters(self.display[start:end], start)
            starts = list(map(_start_of, clusters))
            xs = [0, *accumulate(map(_width_of, clusters))]
            total = xs.pop()
        info = (clusters, starts, xs, total)
        cache[row] = info
        if len(cache) > _CACHE_ROWS:
            cache.popitem(last=False)
        return info

    def clusters(self, row: int) -> list[Cluster]:
        """(start, end, cell_width) of each grapheme in the row's content."""
        return self._info(row)[0]

    def x_of(self, offset: int) -> int:
        """Cell column of `offset` in its row; the content width after the last char."""
        offset = min(max(offset, 0), len(self.text))
        row = bisect_right(self._row_starts, offset) - 1
        start = self._row_starts[row]
        if self._row_simple[row]:
            return offset - start
        _, starts, xs, total = self._info(row)
        if not starts or offset >= self.row_range(row)[1]:
            return total
        return xs[bisect_right(starts, offset) - 1]

    def offset_at(self, row: int, x: int) -> int:
        """Offset of the cluster under cell column `x` in `row`, clamped to the row.

        A column inside a wide character gives that character; a column past
        the content gives the row's last offset (its "\\n" on a paragraph's
        last row), so up/down and clicks never leave the row.
        """
        row = min(max(row, 0), self.row_count - 1)
        x = max(x, 0)
        if self._row_simple[row]:
            start = self._row_starts[row]
            return min(start + x, self.row_last(row))
        clusters, _, xs, total = self._info(row)
        if x >= total or not clusters:
            return self.row_last(row)
        return clusters[bisect_right(xs, x) - 1][0]

    def next_boundary(self, offset: int) -> int:
        """The grapheme boundary after `offset` (a "\\n" counts as one)."""
        size = len(self.text)
        if offset >= size:
            return size
        offset = max(offset, 0)
        row = bisect_right(self._row_starts, offset) - 1
        if self._row_simple[row] or self.text[offset] == "\n":
            return offset + 1
        clusters, starts, _, _ = self._info(row)
        return clusters[bisect_right(starts, offset) - 1][1]

    def prev_boundary(self, offset: int) -> int:
        """The grapheme boundary before `offset` (start of the cluster before it)."""
        if offset <= 0:
            return 0
        offset = min(offset, len(self.text))
        before = offset - 1
        row = bisect_right(self._row_starts, before) - 1
        if self._row_simple[row] or self.text[before] == "\n":
            return before
        clusters, starts, _, _ = self._info(row)
        return clusters[bisect_right(starts, before) - 1][0]

    def snap(self, offset: int) -> int:
        """The cluster boundary at or before `offset` (for offsets from outside)."""
        offset = min(max(offset, 0), len(self.text))
        if offset == len(self.text):
            return offset
        row = bisect_right(self._row_starts, offset) - 1
        if self._row_simple[row] or self.text[offset] == "\n":
            return offset
        clusters, starts, _, _ = self._info(row)
        return clusters[bisect_right(starts, offset) - 1][0]
