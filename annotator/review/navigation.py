"""Which group of candidates is being settled, and which version of it is highlighted.

The view-model behind the keys that settle candidates, the same in the review
(annotators' spans into a gold file) and with suggestions (a suggester's
spans into an annotator's file): next and previous group, next version,
accept, reject the rest. Pure: the apps ask it where to go and draw the
answer. "Open" is the caller's to say: a disagreement not settled yet, a
group with a pending suggestion.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from annotator.review.adjudication import Candidate, Group

IsOpen = Callable[[Group], bool]


@dataclass
class CandidateCursor:
    """The current group (an index into `groups`, None when there is none) and the
    highlighted version in it."""

    groups: Sequence[Group] = ()
    current: int | None = None
    highlighted: int = 0
    _starts: list[int] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        self.groups = list(self.groups)
        self._starts = [group.start for group in self.groups]
        if self.current is None and self.groups:
            self.current = 0

    def group(self) -> Group | None:
        if self.current is None or not 0 <= self.current < len(self.groups):
            return None
        return self.groups[self.current]

    def candidate(self) -> Candidate | None:
        """The highlighted version of the current group."""
        group = self.group()
        if group is None:
            return None
        self.highlighted = min(self.highlighted, len(group.candidates) - 1)
        return group.candidates[self.highlighted]

    def go_to(self, index: int | None) -> None:
        if index != self.current:
            self.current, self.highlighted = index, 0

    def next_open(self, after: int | None, is_open: IsOpen, direction: int = 1) -> int | None:
        """The first open group after (or, with direction -1, before) number `after`, wrapping
        round; `after` None starts from the first (or last) group."""
        count = len(self.groups)
        if after is None:
            after = -1 if direction > 0 else count
        for offset in range(1, count + 1):
            number = (after + direction * offset) % count
            if is_open(self.groups[number]):
                return number
        return None

    def step(self, direction: int, is_open: IsOpen | None = None) -> bool:
        """Move to the next (1) or previous (-1) group, or only over the open ones; False if there is none."""
        if not self.groups:
            return False
        if is_open is None:
            start = self.current if self.current is not None else (-1 if direction > 0 else len(self.groups))
            found: int | None = (start + direction) % len(self.groups)
        else:
            found = self.next_open(self.current, is_open, direction)
        if found is not None:
            self.current, self.highlighted = found, 0
        return found is not None

    def next_version(self) -> None:
        group = self.group()
        if group is not None:
            self.highlighted = (self.highlighted + 1) % len(group.candidates)

    def advance_if_settled(self, is_open: IsOpen) -> bool:
        """Move on when the current group has nothing open left; True if it moved."""
        group = self.group()
        if group is None or is_open(group):
            return False
        following = self.next_open(self.current, is_open)
        if following is None:
            return False
        self.go_to(following)
        return True

    def group_at(self, offset: int) -> int | None:
        """The group that covers `offset`, or None. Groups do not overlap: overlapping
        candidates are one group."""
        index = bisect_right(self._starts, offset) - 1
        if index >= 0 and offset < self.groups[index].end:
            return index
        return None

    def open_from(self, offset: int, is_open: IsOpen, direction: int = 1) -> int | None:
        """The first open group that starts after `offset` (direction 1) or before it (-1), wrapping."""
        if not self.groups:
            return None
        after = bisect_right(self._starts, offset) - 1 if direction > 0 else bisect_left(self._starts, offset)
        return self.next_open(after, is_open, direction)
