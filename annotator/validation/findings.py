"""A finding: one problem at one place in one file."""

from __future__ import annotations

from dataclasses import dataclass

from annotator.validation.codes import RULES

CLIP = 40  # characters of a value a message quotes


def clip(value: str, limit: int = CLIP) -> str:
    """repr() of a value a message quotes, cut to `limit` characters: a finding is one short line."""
    return repr(value if len(value) <= limit else value[: limit - 1] + "…")


@dataclass(frozen=True, slots=True)
class Finding:
    path: str
    line: int
    col: int
    code: str
    message: str
    pointer: str = ""

    @property
    def rule(self) -> str:
        return RULES[self.code].name

    @property
    def json_path(self) -> str:
        """The pointer as a JSONPath expression, e.g. `$.spans[3].text`."""
        out = "$"
        for part in self.pointer.split("/")[1:]:
            part = part.replace("~1", "/").replace("~0", "~")
            out += f"[{part}]" if part.isdigit() else (f".{part}" if part.isidentifier() else f"[{part!r}]")
        return out

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.col, self.code)


@dataclass(slots=True)
class Problem:
    """A finding before it is placed in the text: code, message and JSON path.

    A path of ("@offset", N) places it at character N instead.
    """

    code: str
    message: str
    path: tuple[str | int, ...] = ()
    at_key: bool = False
