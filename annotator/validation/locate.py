"""Map JSON Pointers back to lines and columns in the JSON text.

No JSON parser keeps source positions, so the text is scanned again, once
for all the pointers of a file: validation time must grow with the size of
the file and the number of its findings, not with their product (a 400 KB
file with 1,000 wrong spans took 109 s when each finding was located by its
own scan from the start of the text).

The pointers are merged into a tree. One pass over the text descends only
into the values on some pointer's path and skips every other value by
counting brackets, finding the end of a string with `str.find` (a 50 MB
string is one call, not 50 million steps or a regular expression's
backtracking stack: that stack took 6 GB for a 50 MB note). Each character
is passed once, and the lines and columns of all the offsets come from one
more pass, in offset order.

What a pointer locates, as for a single pointer:

- the value, or with `key` the member's key (an array item has no key: the item);
- where the pointer leads nowhere (a missing key or index, a key into an
  array, anything into a scalar), the deepest part that exists;
- with a duplicated key, the last occurrence, which is the one the JSON parser
  keeps; its value is the one descended into;
- in malformed text, the deepest place found before the text stops making
  sense; a value that cannot be parsed is skipped by counting brackets, so
  the members after it are still found.

The text is a str (offsets and columns in characters) or UTF-8 bytes
(offsets in bytes, columns still in characters): the validator locates in the
bytes it read, rather than decode a file into a str that can be four times
its size.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TypeVar

AnyText = TypeVar("AnyText", str, bytes)
Part = str | int
Pointer = tuple[Sequence[Part], bool]  # (parts, at the key)

_CHUNK = 1 << 20  # bytes decoded at a time when counting characters
_CONTINUATION = bytes(range(0x80, 0xC0))  # UTF-8 bytes that do not start a character


class _Syntax:
    """JSON's punctuation as str or as bytes, and the patterns that skip over it."""

    def __init__(self, kind: type) -> None:
        def of(text: str) -> str | bytes:
            return text if kind is str else text.encode()

        self.quote = of('"')
        self.backslash = of("\\")
        self.newline = of("\n")
        self.colon = of(":")
        self.comma = of(",")
        self.open_object = of("{")
        self.close_object = of("}")
        self.open_array = of("[")
        self.close_array = of("]")
        self.openers = of("[{")
        self.whitespace = re.compile(of(r"[ \t\n\r]*"))
        self.scalar = re.compile(of(r"[^,\]\}\s]*"))
        self.unclean = re.compile(of(r'["\[{]'))  # in a scalar, only in malformed text
        self.structural = re.compile(of(r'["\[\]{}]'))


_SYNTAX: dict[type, _Syntax] = {}


def _syntax(text: str | bytes) -> _Syntax:
    # Compiled on first use: a file without findings is never located, and compiling
    # both sets at import was about 1 ms of every `annotator validate`.
    kind = str if isinstance(text, str) else bytes
    syntax = _SYNTAX.get(kind)
    if syntax is None:
        syntax = _SYNTAX[kind] = _Syntax(kind)
    return syntax


class _Node:
    """A part of some pointers: where its value was found, on the latest visit of its parent."""

    __slots__ = ("children", "items", "key", "members", "seen_in", "value", "visit")

    def __init__(self) -> None:
        self.children: dict[Part, _Node] = {}
        self.members: dict[str, list[_Node]] = {}  # wanted keys, when the value is an object
        self.items: dict[int, list[_Node]] = {}  # wanted indexes, when it is an array
        self.value = -1
        self.key = -1  # -1: reached as an array item
        self.visit = 0  # stamp of the latest time the value was entered
        self.seen_in = -1  # the parent's stamp when this part was last found

    def child(self, part: Part) -> _Node:
        node = self.children.get(part)
        if node is None:
            node = self.children[part] = _Node()
            self.members.setdefault(str(part), []).append(node)
            index = _index(part)
            if index is not None:
                self.items.setdefault(index, []).append(node)
        return node


def _index(part: Part) -> int | None:
    if isinstance(part, int):
        return part if part >= 0 and not isinstance(part, bool) else None
    if part.isdigit():
        try:
            return int(part)
        except ValueError:  # a digit that is not decimal, such as "²"
            return None
    return None


class _Frame:
    """A container being read member by member (or item by item)."""

    __slots__ = ("dirty", "index", "is_object", "nodes", "start")

    def __init__(self, is_object: bool, nodes: list[_Node], start: int) -> None:
        self.is_object = is_object
        self.nodes = nodes
        self.start = start
        self.index = 0
        # A scalar in it held a quote or a bracket (malformed text): counting brackets
        # would not end it where its closing bracket is, so its end is found that way.
        self.dirty = False


class _Scan:
    """One pass over the text that records where each wanted part is."""

    def __init__(self, text: str | bytes) -> None:
        self.text = text
        self.syntax = _syntax(text)
        self.stamp = 0
        self.stack: list[_Frame] = []

    def _enter(self, nodes: list[_Node], pos: int) -> None:
        for node in nodes:
            self.stamp += 1
            node.visit = self.stamp
            node.value = pos

    def _ws(self, pos: int) -> int:
        return self.syntax.whitespace.match(self.text, pos).end()

    def string_end(self, pos: int) -> int:
        """At a quote: the position after the closing quote, -1 if there is none."""
        text, quote, backslash = self.text, self.syntax.quote, self.syntax.backslash
        search = pos + 1
        while True:
            end = text.find(quote, search)
            if end < 0:
                return -1
            escapes = end - 1
            while escapes > pos and text[escapes : escapes + 1] == backslash:
                escapes -= 1
            if (end - 1 - escapes) % 2 == 0:  # an even run of backslashes escapes only itself
                return end + 1
            search = end + 1

    def skip_value(self, pos: int) -> int:
        """The end of the value at `pos`, counting brackets; -1 where the text is malformed."""
        text, syntax = self.text, self.syntax
        char = text[pos : pos + 1]
        if char == syntax.quote:
            return self.string_end(pos)
        if not char or char not in syntax.openers:
            end = syntax.scalar.match(text, pos).end()
            if syntax.unclean.search(text, pos, end):
                for frame in self.stack:
                    frame.dirty = True
            return end if end > pos else -1
        depth = 0
        search = syntax.structural.search
        while True:
            found = search(text, pos)
            if found is None:
                return -1
            pos = found.start()
            char = text[pos : pos + 1]
            if char == syntax.quote:
                pos = self.string_end(pos)
                if pos < 0:
                    return -1
                continue
            depth += 1 if char in syntax.openers else -1
            pos += 1
            if depth == 0:
                return pos

    def run(self, root: _Node) -> None:
        text, syntax = self.text, self.syntax
        stack = self.stack
        pos = self._ws(0)
        self._enter([root], pos)
        nodes = [root]
        while True:
            # At a value whose parts `nodes` are wanted: go into it, or skip it.
            char = text[pos : pos + 1]
            if char == syntax.open_object and any(node.members for node in nodes):
                stack.append(_Frame(True, nodes, pos))
                pos += 1
            elif char == syntax.open_array and any(node.items for node in nodes):
                stack.append(_Frame(False, nodes, pos))
                pos += 1
            else:
                pos = self.skip_value(pos)
                pos = self._close(stack, pos)
                if pos < 0:
                    return
            # In a container: the next member or item that is wanted, closing the containers that end.
            while True:
                frame = stack[-1]
                pos = self._ws(pos)
                found = self._member(frame, pos) if frame.is_object else self._item(frame, pos)
                if found is None:  # the container ends here, or is malformed
                    end = self._end(frame, pos)
                    stack.pop()
                    pos = self._close(stack, end)
                    if pos < 0:
                        return
                    continue
                pos, nodes = found
                if nodes:
                    self._enter(nodes, pos)
                    break
                pos = self._close(stack, self.skip_value(pos))
                if pos < 0:
                    return

    def _close(self, stack: list[_Frame], end: int) -> int:
        """After a value that ends at `end`: the position of the next member or item of the
        innermost container, past its comma; -1 when the scan is over."""
        text, syntax = self.text, self.syntax
        while stack:
            frame = stack[-1]
            if end < 0:
                # Counting brackets from the container's start finds its end as a scan
                # along one pointer would; if that fails too, no later value can be found.
                end = self.skip_value(frame.start)
                stack.pop()
                if end < 0:
                    return -1
                continue
            pos = self._ws(end)
            if text[pos : pos + 1] == syntax.comma:
                if not frame.is_object:
                    frame.index += 1
                return pos + 1
            end = self._end(frame, pos)
            stack.pop()
        return -1

    def _end(self, frame: _Frame, pos: int) -> int:
        """The end of a container read up to `pos`, as counting brackets from its start finds it."""
        closing = self.syntax.close_object if frame.is_object else self.syntax.close_array
        if self.text[pos : pos + 1] == closing and not frame.dirty:
            return pos + 1
        return self.skip_value(frame.start)

    def _member(self, frame: _Frame, pos: int) -> tuple[int, list[_Node]] | None:
        """At a member: (its value's position, the wanted parts it is), None at the end."""
        text, syntax = self.text, self.syntax
        if text[pos : pos + 1] != syntax.quote:
            return None
        end = self.string_end(pos)
        if end < 0:
            return None
        name = _key(text[pos + 1 : end - 1])
        after = self._ws(end)
        if text[after : after + 1] != syntax.colon:
            return None
        value = self._ws(after + 1)
        found = []
        for parent in frame.nodes:
            for node in parent.members.get(name, ()):
                node.key = pos
                node.seen_in = parent.visit
                found.append(node)
        return value, found

    def _item(self, frame: _Frame, pos: int) -> tuple[int, list[_Node]] | None:
        char = self.text[pos : pos + 1]
        if not char or char == self.syntax.close_array:
            return None
        found = []
        for parent in frame.nodes:
            for node in parent.items.get(frame.index, ()):
                node.key = -1
                node.seen_in = parent.visit
                found.append(node)
        return pos, found


def _key(raw: str | bytes) -> str:
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", "replace")
    if "\\" not in raw:
        return raw
    import json

    try:
        return json.loads(f'"{raw}"')
    except ValueError:
        return raw


def locate_offsets(text: AnyText, pointers: Sequence[Pointer]) -> list[int]:
    """The offset each (parts, key) pointer leads to: of the value, or of its key with `key`."""
    root = _Node()
    for parts, _ in pointers:
        node = root
        for part in parts:
            node = node.child(part)
    if pointers:
        _Scan(text).run(root)
    offsets = []
    for parts, key in pointers:
        node, found = root, root.value
        for depth, part in enumerate(parts):
            child = node.children[part]
            if child.seen_in != node.visit:
                break
            at_key = key and depth == len(parts) - 1 and child.key >= 0
            found = child.key if at_key else child.value
            node = child
        offsets.append(found)
    return offsets


def line_cols(text: AnyText, offsets: Sequence[int]) -> list[tuple[int, int]]:
    """1-based line and column (in characters) of each offset, in one pass over the text."""
    newline = _syntax(text).newline
    result: list[tuple[int, int]] = [(1, 1)] * len(offsets)
    line, line_start, previous = 1, 0, 0
    counted, characters = 0, 0  # bytes only: characters in text[line_start:counted]
    for index in sorted(range(len(offsets)), key=offsets.__getitem__):
        offset = min(max(offsets[index], 0), len(text))
        breaks = text.count(newline, previous, offset)
        if breaks:
            line += breaks
            line_start = text.rfind(newline, previous, offset) + 1
            counted, characters = line_start, 0
        previous = offset
        if isinstance(text, str):
            column = offset - line_start
        else:
            characters += _characters(text, counted, offset)
            counted, column = offset, characters
        result[index] = (line, column + 1)
    return result


def _characters(data: bytes, start: int, end: int) -> int:
    """Characters of UTF-8 in data[start:end]: the bytes that are not continuation bytes."""
    total = 0
    for chunk in range(start, end, _CHUNK):
        total += len(data[chunk : min(chunk + _CHUNK, end)].translate(None, _CONTINUATION))
    return total


def locate_offset(text: AnyText, parts: Sequence[Part], *, key: bool = False) -> int:
    """Offset of the value at `parts` (or of its key, with `key`). Where the pointer
    leads nowhere, the deepest part that exists is used."""
    return locate_offsets(text, [(parts, key)])[0]


def line_col(text: AnyText, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of `offset`."""
    return line_cols(text, [offset])[0]


def locate(text: AnyText, parts: Sequence[Part], *, key: bool = False) -> tuple[int, int]:
    return line_col(text, locate_offset(text, parts, key=key))


def to_pointer(parts: Sequence[Part]) -> str:
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts)
