"""The named records both directions of brat share: a fragment of text and an
id a ``.ann`` line refers to."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, order=True)
class Fragment:
    """A character range ``start``-``end`` (end exclusive); fragments sort by start, then end."""

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Ref:
    """An id a non-T line names: the index of its token, the text before it in that token, the id."""

    index: int
    prefix: str  # "Role:" in a relation or event argument, "" elsewhere
    id: str

    @property
    def role(self) -> str:
        """The argument's role: the prefix without its colon."""
        return self.prefix[:-1]
