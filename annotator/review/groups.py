"""Grouping spans that overlap, for the disagreements `agree` lists and the
ones `review` settles: the same groups in both."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

T = TypeVar("T")


def overlapping_runs(items: Iterable[T], start: Callable[[T], int], end: Callable[[T], int]) -> list[list[T]]:
    """Split `items`, sorted by start, into runs that overlap transitively
    (touching is not overlapping: [0, 3) and [3, 5) are two runs)."""
    runs: list[list[T]] = []
    reach = -1
    for item in items:
        if runs and start(item) < reach:
            runs[-1].append(item)
            reach = max(reach, end(item))
        else:
            runs.append([item])
            reach = end(item)
    return runs
