"""Layout: soft wrap in cells, rows partition offsets, clusters never split."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import split_graphemes

from annotator.editor.layout import Layout, _wrap_clusters, _wrap_simple, grapheme_clusters, is_simple

SEEDS = Path(__file__).parent.parent / "seeds"

FRAGMENTS = [
    "a",
    "word",
    "firetrucks",
    " ",
    "  ",
    "\n",
    "\n\n",
    "中",
    "文字",
    "👨🏻‍🚒",
    "👍🏽",
    "🇺🇸",
    "🇬",
    "1️⃣",
    "❤️",
    "e\u0301",
    "\u0301",
    "\u200d",
    "\ufe0f",
    "\x1b[31m",
    "\t",
    "\x85",
    "\u202e",
    "\u2028",
    "’",
    "—",
    "é",
    "ß",
]

mixed_text = st.lists(st.sampled_from(FRAGMENTS), max_size=60).map("".join)
plain_text = st.lists(st.sampled_from([*"abc xyz’—é\n", "  ", "word", "firetrucks"]), max_size=120).map("".join)


def rows(layout: Layout) -> list[str]:
    return [layout.row_text(row) for row in range(layout.row_count)]


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    start = 0
    for line in text.split("\n"):
        spans.append((start, start + len(line)))
        start += len(line) + 1
    return spans


def boundaries(layout: Layout) -> list[int]:
    """Every offset where the cursor may stop: cluster starts, "\\n" and text end."""
    found = set()
    for start, end in paragraph_spans(layout.text):
        found.update(cluster[0] for cluster in grapheme_clusters(layout.display[start:end], start))
        found.add(end)
    return sorted(found)


def check_layout(layout: Layout) -> None:
    text, width = layout.text, layout.width
    starts = layout.row_starts
    assert starts[0] == 0
    assert all(a < b for a, b in pairwise(starts))
    # Row ranges are contiguous: the next row starts at the end or just after a "\n".
    for row in range(layout.row_count):
        start, end = layout.row_range(row)
        assert start == starts[row] <= end
        assert "\n" not in text[start:end]
        if row + 1 < layout.row_count:
            nxt = starts[row + 1]
            assert nxt == end or (nxt == end + 1 and text[end] == "\n")
        else:
            assert end == len(text)
    # Every offset belongs to exactly one row.
    for offset in range(len(text) + 1):
        row = layout.row_of(offset)
        assert starts[row] <= offset
        assert row + 1 == layout.row_count or offset < starts[row + 1]
    # Rows hold whole clusters, the same clusters as their paragraph.
    legal = set(boundaries(layout))
    assert set(starts) <= legal
    for para_start, para_end in paragraph_spans(text):
        expected = grapheme_clusters(layout.display[para_start:para_end], para_start)
        first, last = layout.row_of(para_start), layout.row_of(para_end)
        got = [cluster for row in range(first, last + 1) for cluster in layout.clusters(row)]
        assert got == expected
    # No row is wider than the width, except for trailing spaces or a lone
    # cluster wider than the whole row.
    for row in range(layout.row_count):
        clusters = layout.clusters(row)
        while clusters and layout.display[clusters[-1][0] : clusters[-1][1]] == " ":
            clusters = clusters[:-1]
        cells = sum(cluster[2] for cluster in clusters)
        assert cells <= width or len(clusters) == 1
        assert layout.row_width(row) == sum(cluster[2] for cluster in layout.clusters(row))


def check_geometry(layout: Layout) -> None:
    legal = boundaries(layout)
    text = layout.text
    # Walking by boundaries visits exactly the legal stops, both ways.
    walk = [0]
    while walk[-1] < len(text):
        walk.append(layout.next_boundary(walk[-1]))
    assert walk == legal
    back = [len(text)]
    while back[-1] > 0:
        back.append(layout.prev_boundary(back[-1]))
    assert back[::-1] == legal
    legal_set = set(legal)
    for offset in range(len(text) + 1):
        assert layout.next_boundary(offset) in legal_set
        assert layout.prev_boundary(offset) in legal_set
        assert layout.next_boundary(offset) > offset or offset == len(text)
        assert layout.prev_boundary(offset) < offset or offset == 0
        assert layout.snap(offset) in legal_set and layout.snap(offset) <= offset
    for row in range(layout.row_count):
        end = layout.row_range(row)[1]
        x = 0
        for cluster_start, _, cells in layout.clusters(row):
            assert layout.x_of(cluster_start) == x
            x += cells
        assert x == layout.row_width(row)
        if end == len(text) or text[end] == "\n":
            assert layout.x_of(end) == x  # the cursor on "\n" sits after the text
        else:
            assert layout.x_of(end) == 0  # a wrapped row's end starts the next row
        last = layout.row_last(row)
        assert layout.row_of(last) == row
        assert layout.offset_at(row, 10_000) == last
        for column in range(-1, layout.width + 4):
            offset = layout.offset_at(row, column)
            assert offset in legal_set
            assert layout.row_of(offset) == row
            if 0 <= column < x:
                # The cluster under the column: it starts at or before it.
                assert layout.x_of(offset) <= column
        for cluster_start, _, cells in layout.clusters(row):
            if cells:
                assert layout.x_of(layout.offset_at(row, layout.x_of(cluster_start))) == layout.x_of(cluster_start)


@settings(max_examples=300, deadline=None)
@given(mixed_text, st.integers(min_value=1, max_value=24))
def test_rows_partition_and_respect_clusters(text: str, width: int) -> None:
    layout = Layout(text, width)
    check_layout(layout)
    check_geometry(layout)


@settings(max_examples=300, deadline=None)
@given(plain_text, st.integers(min_value=1, max_value=40))
def test_fast_and_general_paths_agree(text: str, width: int) -> None:
    display = text
    for start, end in paragraph_spans(display):
        assert is_simple(display[start:end])
        fast: list[int] = []
        general: list[int] = []
        _wrap_simple(display, start, end, width, fast)
        _wrap_clusters(display, start, end, width, general)
        assert fast == general


@pytest.mark.parametrize("width", [10, 40, 80, 117])
def test_seed_articles(width: int) -> None:
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        layout = Layout(text, width)
        check_layout(layout)
        for start, end in paragraph_spans(text):
            fast: list[int] = []
            general: list[int] = []
            _wrap_simple(text, start, end, width, fast)
            _wrap_clusters(text, start, end, width, general)
            assert fast == general


def test_simple_chars_are_one_cell_one_grapheme() -> None:
    chars: list[str] = []
    for low, high in [(0x20, 0x7E), (0xA0, 0x2FF), (0x370, 0x482), (0x1E00, 0x1EFF), (0x2010, 0x2027)]:
        chars.extend(map(chr, range(low, high + 1)))
    chars.extend(map(chr, range(0x2030, 0x205F)))
    chars.extend(map(chr, range(0x2400, 0x2427)))
    chars.append("\ufffd")
    sample = "".join(chars)
    assert is_simple(sample)
    spans, total = split_graphemes(sample)
    assert total == len(sample)
    assert spans == [(i, i + 1, 1) for i in range(len(sample))]
    for outside in ["\u0301", "\u200d", "\ufe0f", "中", "👍", "\u2028", "\u202e", "\u0483", "\t", "\n"]:
        assert not is_simple("a" + outside)


def test_firemen_at_width_10() -> None:
    text = "👨🏻‍🚒 firemen drive firetrucks"
    layout = Layout(text, 10)
    assert rows(layout) == ["👨🏻‍🚒 firemen ", "drive ", "firetrucks"]
    assert layout.clusters(0)[0] == (0, 4, 2)
    assert layout.row_range(2) == (19, 29)
    assert text[19:29] == "firetrucks"
    assert layout.next_boundary(0) == 4
    assert layout.next_boundary(2) == 4
    assert layout.prev_boundary(4) == 0
    assert layout.prev_boundary(3) == 0
    assert layout.x_of(4) == 2
    assert layout.x_of(5) == 3
    assert layout.offset_at(0, 0) == 0
    assert layout.offset_at(0, 1) == 0  # second cell of the emoji
    assert layout.offset_at(0, 2) == 4
    assert layout.offset_at(0, 99) == 12  # the trailing space, still row 0
    assert layout.offset_at(2, 99) == 29


def test_cjk_at_width_5() -> None:
    layout = Layout("中文字中文字中文字\n\nab", 5)
    assert rows(layout) == ["中文", "字中", "文字", "中文", "字", "", "ab"]
    assert [layout.row_width(row) for row in range(layout.row_count)] == [4, 4, 4, 4, 2, 0, 2]
    assert [layout.x_of(offset) for offset in range(9)] == [0, 2, 0, 2, 0, 2, 0, 2, 0]
    assert layout.x_of(9) == 2  # the "\n" after 字 is drawn after it
    assert layout.offset_at(0, 3) == 1
    assert layout.offset_at(4, 5) == 9
    assert layout.offset_at(5, 3) == 10
    assert layout.row_of(10) == 5


def test_greedy_word_wrap() -> None:
    assert rows(Layout("the quick brown fox", 10)) == ["the quick ", "brown fox"]
    assert rows(Layout("abcdefghij", 4)) == ["abcd", "efgh", "ij"]
    assert rows(Layout("aaaa   bbbb", 4)) == ["aaaa   ", "bbbb"]
    assert rows(Layout("aa bb", 5)) == ["aa bb"]
    assert rows(Layout("aa bb ", 5)) == ["aa bb "]
    assert rows(Layout("中文 字中文字", 5)) == ["中文 ", "字中", "文字"]
    assert rows(Layout("🇺🇸🇬🇧🇫🇷", 3)) == ["🇺🇸", "🇬🇧", "🇫🇷"]


def test_long_word_breaks_then_next_word() -> None:
    layout = Layout("aa bbbbbbbbbb c", 5)
    assert rows(layout) == ["aa ", "bbbbb", "bbbbb ", "c"]


def test_newlines_and_empty_rows() -> None:
    layout = Layout("a\n\nb", 80)
    assert [layout.row_range(row) for row in range(layout.row_count)] == [(0, 1), (2, 2), (3, 4)]
    assert [layout.row_of(offset) for offset in range(5)] == [0, 0, 1, 2, 2]
    assert layout.offset_at(0, 50) == 1  # the "\n"
    assert layout.next_boundary(1) == 2
    assert layout.prev_boundary(3) == 2
    trailing = Layout("ab\n", 80)
    assert [trailing.row_range(row) for row in range(trailing.row_count)] == [(0, 2), (3, 3)]
    empty = Layout("", 80)
    assert empty.row_count == 1
    assert empty.row_range(0) == (0, 0)
    assert empty.offset_at(0, 5) == 0
    assert empty.next_boundary(0) == 0 and empty.prev_boundary(0) == 0


def test_controls_are_measured_as_placeholders() -> None:
    layout = Layout("a\x1b[1mb\tc", 80)
    assert layout.display == "a␛[1mb␉c"
    assert layout.row_width(0) == 8
    assert layout.row_is_simple(0)


def test_combining_marks_stay_with_their_base() -> None:
    layout = Layout("cafe\u0301 cafe\u0301", 5)
    assert rows(layout) == ["cafe\u0301 ", "cafe\u0301"]
    assert layout.next_boundary(3) == 5
    assert layout.prev_boundary(5) == 3
    assert layout.x_of(5) == 4


def test_rewrap_changes_rows_and_keeps_invariants() -> None:
    text = (SEEDS / "001_caaeb1a50e16237d.txt").read_text(encoding="utf-8")
    layout = Layout(text, 117)
    wide = layout.row_count
    layout.clusters(3)
    layout.rewrap(30)
    assert layout.width == 30
    assert layout.row_count > wide
    check_layout(layout)
    assert layout.rewrap(0) is None and layout.width == 1


def test_rows_between() -> None:
    layout = Layout("abcdefghij", 4)
    assert list(layout.rows_between(1, 6)) == [0, 1]
    assert list(layout.rows_between(0, 10)) == [0, 1, 2]
