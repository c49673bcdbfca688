"""How a span says which suggestion it comes from: its `source`, "NAME@VERSION#ID".

A suggester's stored suggestions are spans of an annotation file of their own
(annotator.suggest.store), each with origin "suggested" and source
"NAME@VERSION". A span a person accepted from one has origin "suggested" and
source "NAME@VERSION#ID": the suggester, its version, and the id of the
suggestion, which is made from the suggestion's label and offsets, so that
the same suggestion found again by a later run has the same id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_REF = re.compile(r"(?P<name>[a-z0-9][a-z0-9._-]{0,47})@(?P<version>[A-Za-z0-9][A-Za-z0-9._+-]{0,31})(?:#(?P<id>.+))?")


@dataclass(frozen=True, slots=True)
class SuggestionRef:
    """A suggester, its version, and (for an accepted span) the suggestion's id."""

    suggester: str
    version: str
    suggestion: str | None = None

    def __str__(self) -> str:
        made_by = f"{self.suggester}@{self.version}"
        return made_by if self.suggestion is None else f"{made_by}#{self.suggestion}"

    @classmethod
    def parse(cls, source: str | None) -> SuggestionRef | None:
        """The reference in a span's source, or None if it is not one."""
        found = _REF.fullmatch(source) if source else None
        return None if found is None else cls(found["name"], found["version"], found["id"])


def suggestion_id(label: str, start: int, end: int) -> str:
    """The id of a suggestion: the same for the same label and offsets, whichever run found it."""
    return f"{label}-{start}-{end}"
