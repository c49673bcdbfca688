"""The ``.ann`` syntax both directions of brat share: ids and what kind of line
each starts, a line's id/data/tail, the ids a line refers to, and the encoding
of attribute names, values and notes (rules in the package docstring)."""

from __future__ import annotations

import re
from urllib.parse import unquote

from annotator.interop import registry
from annotator.interop.formats.brat.records import Ref

NAME = "brat"
OFFSET_UNITS: tuple[str, ...] = registry.offset_units(NAME)

# Characters str.splitlines() breaks on: none may appear inside a .ann line.
LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
BREAK_RUN = re.compile(f"[{re.escape(LINE_BREAKS)}]+")
_SPECIAL = set('%",|:;=<>#')
_INT = re.compile(r"[+-]?[0-9]+")
_FLOAT = re.compile(r"[+-]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)(?:[eE][+-]?[0-9]+)?")
ID = re.compile(r"([A-Za-z]+|#[A-Za-z]*)([0-9]+)(\S*)")
T_REF = re.compile(r"T[0-9]+\S*")
EMPTY_VALUE = '""'
NOTE_TYPE = "AnnotatorNotes"
KINDS = {"R": "relation", "E": "event", "N": "normalization", "*": "equiv", "A": "attribute", "M": "attribute"}


# -- escaping -------------------------------------------------------------------


def _pct(ch: str) -> str:
    return "".join(f"%{byte:02X}" for byte in ch.encode("utf-8"))


def encode_token(text: str) -> str:
    """Percent-encode what brat cannot hold in a name or value token."""
    return "".join(_pct(ch) if ch in _SPECIAL or ch.isspace() or not ch.isprintable() else ch for ch in text)


def encode_value(value: str | int | float) -> str:
    """An attribute value as written after the target id (not for True/False)."""
    if isinstance(value, bool):
        raise TypeError("booleans are binary attributes")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if value == "":
        return EMPTY_VALUE
    token = encode_token(value)
    if _INT.fullmatch(token) or _FLOAT.fullmatch(token):
        token = _pct(token[0]) + token[1:]
    return token


def decode_value(token: str) -> str | int | float:
    """The reverse of encode_value."""
    if token == EMPTY_VALUE:
        return ""
    if _INT.fullmatch(token):
        return int(token)
    if _FLOAT.fullmatch(token):
        return float(token)
    return unquote(token, errors="strict")


_NOTE_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_NOTE_UNESCAPE = re.compile(r"\\(\\|n|r|t|u[0-9a-fA-F]{4})")


def escape_note(note: str) -> str:
    """A note as one line: backslash escapes for ``\\``, ``\\n``, ``\\r``, ``\\t``, ``\\uXXXX`` for other breaks."""
    out = []
    for ch in note:
        if ch in _NOTE_ESCAPES:
            out.append(_NOTE_ESCAPES[ch])
        elif ch in LINE_BREAKS:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out)


def unescape_note(text: str) -> str:
    """The reverse of escape_note."""

    def replace(match: re.Match[str]) -> str:
        code = match.group(1)
        if code[0] == "u":
            return chr(int(code[1:], 16))
        return {"\\": "\\", "n": "\n", "r": "\r", "t": "\t"}[code]

    return _NOTE_UNESCAPE.sub(replace, text)


# -- lines and the ids they refer to ----------------------------------------------


def split_line(line: str) -> tuple[str, str, str | None]:
    """id, data, tail (after the second tab, None without one)."""
    line_id, sep, rest = line.partition("\t")
    if not sep:
        raise ValueError("no tab after the id")
    data, sep, tail = rest.partition("\t")
    return line_id, data, (tail if sep else None)


def line_kind(line_id: str) -> str | None:
    """The kind of a non-T line ("relation", "event", ...) by its id; None for an unknown one."""
    if line_id == "*":
        return "equiv"
    if line_id.startswith("#"):
        return "note"
    return KINDS.get(line_id[:1])


def ref_positions(kind: str, tokens: list[str]) -> list[Ref]:
    """Each id a record of `kind` names, from its data split on whitespace; ValueError if malformed."""
    if not tokens:
        raise ValueError("nothing after the id")
    if kind == "relation" and len(tokens) != 3:
        raise ValueError("a relation has a type and exactly two arguments")
    if kind in ("relation", "event"):
        return _argument_refs(kind, tokens)
    if kind == "equiv":
        if len(tokens) < 2:
            raise ValueError("an equiv needs a type and ids")
        return [Ref(index, "", token) for index, token in enumerate(tokens) if index > 0]
    # normalization, attribute, note: TYPE TARGET ...
    if len(tokens) < 2:
        raise ValueError("missing target id")
    return [Ref(1, "", tokens[1])]


def _argument_refs(kind: str, tokens: list[str]) -> list[Ref]:
    """The ROLE:ID arguments of a relation (after its type) or an event (its TYPE:TRIGGER first)."""
    refs: list[Ref] = []
    for index, token in enumerate(tokens):
        if index == 0 and kind == "relation":
            continue
        role, colon, ref = token.rpartition(":")
        if not colon or not role or not ref:
            raise ValueError(f"argument {token!r} is not ROLE:ID")
        refs.append(Ref(index, role + colon, ref))
    return refs
