"""Convert offsets between code points (annotator's unit), UTF-16 code units
(JavaScript tools: Label Studio, doccano) and UTF-8 bytes.

Each map is built once per document in O(n) and answers in O(log n); texts
without astral characters (or pure ASCII, for bytes) need no table at all.
"""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate
from typing import Any, Literal

OffsetUnit = Literal["codepoint", "utf16", "utf8"]


class OffsetMap:
    """Offsets of one text in code points, UTF-16 units and UTF-8 bytes."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.length = len(text)
        # Code points that take 2 UTF-16 units (astral) and their positions.
        self._astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF] if not text.isascii() else []
        self._astral_utf16 = [i + n for n, i in enumerate(self._astral)]
        self._utf8: list[int] | None = None

    # -- UTF-16 --------------------------------------------------------------

    def to_utf16(self, offset: int) -> int:
        self._check(offset)
        return offset + bisect_right(self._astral, offset - 1)

    def from_utf16(self, unit: int) -> int:
        """The code-point offset of a UTF-16 offset; ValueError inside a surrogate pair."""
        count = bisect_right(self._astral_utf16, unit - 1)
        if count and self._astral_utf16[count - 1] + 1 == unit:
            raise ValueError(f"UTF-16 offset {unit} falls inside a surrogate pair")
        offset = unit - count
        self._check(offset)
        return offset

    @property
    def utf16_length(self) -> int:
        return self.length + len(self._astral)

    # -- UTF-8 ---------------------------------------------------------------

    def _byte_table(self) -> list[int]:
        if self._utf8 is None:
            self._utf8 = [0, *accumulate(len(ch.encode("utf-8")) for ch in self.text)]
        return self._utf8

    def to_utf8(self, offset: int) -> int:
        self._check(offset)
        if self.text.isascii():
            return offset
        return self._byte_table()[offset]

    def from_utf8(self, byte: int) -> int:
        """The code-point offset of a byte offset; ValueError inside a character."""
        if self.text.isascii():
            self._check(byte)
            return byte
        table = self._byte_table()
        index = bisect_right(table, byte) - 1
        if index < 0 or table[index] != byte:
            raise ValueError(f"byte offset {byte} falls inside a multi-byte character")
        return index

    # -- generic -------------------------------------------------------------

    def convert(self, offset: int, unit: OffsetUnit) -> int:
        """Code points to `unit`."""
        if unit == "codepoint":
            self._check(offset)
            return offset
        return self.to_utf16(offset) if unit == "utf16" else self.to_utf8(offset)

    def parse(self, value: int, unit: OffsetUnit) -> int:
        """`unit` to code points."""
        if unit == "codepoint":
            self._check(value)
            return value
        return self.from_utf16(value) if unit == "utf16" else self.from_utf8(value)

    def _check(self, offset: int) -> None:
        if not 0 <= offset <= self.length:
            raise ValueError(f"offset {offset} is outside the text (length {self.length})")


def parse_range(where: str, raw_start: Any, raw_end: Any, offset_map: OffsetMap, unit: OffsetUnit) -> tuple[int, int]:
    """A source's [start, end) in `unit`, as code points; InteropError names `where`."""
    from annotator.interop.model import InteropError

    for raw in (raw_start, raw_end):
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise InteropError(f"{where}: offsets must be integers, not start={raw_start!r} end={raw_end!r}")
    try:
        start, end = offset_map.parse(raw_start, unit), offset_map.parse(raw_end, unit)
    except ValueError as err:
        raise InteropError(f"{where}: [{raw_start}, {raw_end}) ({unit}): {err}") from None
    if start >= end:
        raise InteropError(f"{where}: [{raw_start}, {raw_end}) ({unit}) is empty or reversed")
    return start, end
