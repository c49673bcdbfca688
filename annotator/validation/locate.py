"""Map a JSON Pointer back to a line and column in the JSON text.

No JSON parser keeps source positions, so this scans the text along the
pointer only, skipping every sibling value. It runs only for files that
have findings.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_SCALAR = re.compile(r"[^,\]\}\s]*")


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def skip_ws(self) -> None:
        self.pos = _WHITESPACE.match(self.text, self.pos).end()

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def read_string(self) -> str | None:
        match = _STRING.match(self.text, self.pos)
        if match is None:
            return None
        self.pos = match.end()
        return _unescape(match.group()[1:-1])

    def skip_value(self) -> bool:
        """Skip one JSON value; False when the text is malformed here."""
        char = self.peek()
        if char == '"':
            return self.read_string() is not None
        if char not in "[{":
            end = _SCALAR.match(self.text, self.pos).end()
            moved = end > self.pos
            self.pos = end
            return moved
        depth = 0
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            if char == '"':
                if self.read_string() is None:
                    return False
                continue
            if char in "[{":
                depth += 1
            elif char in "]}":
                depth -= 1
                if depth == 0:
                    self.pos += 1
                    return True
            self.pos += 1
        return False

    def find_member(self, key: str) -> tuple[int, int] | None:
        """At an object: (key position, value position) of `key`.

        With a duplicated key the last one wins, as it does for the JSON parser,
        so the whole object is scanned.
        """
        self.pos += 1
        found = None
        while True:
            self.skip_ws()
            if self.peek() != '"':
                return found
            key_pos = self.pos
            name = self.read_string()
            self.skip_ws()
            if name is None or self.peek() != ":":
                return found
            self.pos += 1
            self.skip_ws()
            if name == key:
                found = key_pos, self.pos
            if not self.skip_value():
                return found
            self.skip_ws()
            if self.peek() != ",":
                return found
            self.pos += 1

    def find_item(self, index: int) -> int | None:
        """At an array: position of item `index`."""
        self.pos += 1
        for _ in range(index):
            self.skip_ws()
            if not self.skip_value():
                return None
            self.skip_ws()
            if self.peek() != ",":
                return None
            self.pos += 1
        self.skip_ws()
        if self.peek() in ("]", ""):
            return None
        return self.pos


def _unescape(raw: str) -> str:
    if "\\" not in raw:
        return raw
    import json

    try:
        return json.loads(f'"{raw}"')
    except ValueError:
        return raw


def locate_offset(text: str, parts: Sequence[str | int], *, key: bool = False) -> int:
    """Character offset of the value at `parts` (or of its key, with `key`).

    Where the pointer leads nowhere, the deepest part that exists is used.
    """
    scanner = _Scanner(text)
    scanner.skip_ws()
    found = scanner.pos
    for depth, part in enumerate(parts):
        char = scanner.peek()
        last = depth == len(parts) - 1
        if char == "{":
            member = scanner.find_member(str(part))
            if member is None:
                return found
            key_pos, value_pos = member
            found = key_pos if (key and last) else value_pos
            scanner.pos = value_pos
        elif (char == "[" and isinstance(part, int)) or (char == "[" and str(part).isdigit()):
            item = scanner.find_item(int(part))
            if item is None:
                return found
            found = scanner.pos = item
        else:
            return found
    return found


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of `offset`."""
    line = text.count("\n", 0, offset) + 1
    line_start = text.rfind("\n", 0, offset) + 1
    return line, offset - line_start + 1


def locate(text: str, parts: Sequence[str | int], *, key: bool = False) -> tuple[int, int]:
    return line_col(text, locate_offset(text, parts, key=key))


def to_pointer(parts: Sequence[str | int]) -> str:
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts)
