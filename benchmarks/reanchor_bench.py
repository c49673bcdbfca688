"""Time re-anchoring 10,000 spans of a 1 MB article after 100 scattered edits.

Generates a 1 MB news-like article (the word list of validate_bench.py),
10,000 spans of one to six words, and 100 edits spread over the text:
insertions of a sentence, deletions of a few words, a word replaced. Then
places every span on the edited text (annotator.anchoring.place_spans):

- with the old text (a character diff maps the offsets): target 1 s;
- without it, from each span's text and context only: target 5 s.

Prints the time (median of --repeat runs), how many spans moved, changed and
were orphaned, and checks that every span no edit touched came back at the
offset the edits put it, with its text.

    python benchmarks/reanchor_bench.py [--spans N] [--edits E] [--repeat R] [--seed S]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from validate_bench import WORDS, make_text  # noqa: E402 - the same generated news text

from annotator.anchoring.outcome import AnchoredSpan, Outcome, place_spans  # noqa: E402
from annotator.anchoring.text_quote import quote_of  # noqa: E402

TARGETS = {"with the old text": 1.0, "without it": 5.0}


def make_spans(rng: random.Random, text: str, count: int) -> list[tuple[int, int]]:
    starts = [i + 1 for i, char in enumerate(text) if char == " " and text[i + 1 : i + 2].isalpha()]
    spans = set()
    while len(spans) < count:
        start = rng.choice(starts)
        end = start
        for _ in range(rng.randint(1, 6)):
            space = text.find(" ", end + 1)
            if space == -1 or "\n" in text[end:space]:
                break
            end = space
        if end > start:
            spans.add((start, end))
    return sorted(spans)


def make_edits(rng: random.Random, text: str, count: int) -> list[tuple[int, int, str]]:
    """(old offset, code points deleted, text inserted), in order, none overlapping."""
    places = sorted(rng.sample(range(100, len(text) - 100), count))
    edits = []
    for at in places:
        at = text.rfind(" ", 0, at) + 1
        kind = rng.choice(("insert", "delete", "replace"))
        word_end = text.find(" ", at)
        if kind == "insert":
            edits.append((at, 0, " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 12))) + ". "))
        elif kind == "delete":
            end = at
            for _ in range(rng.randint(1, 4)):
                end = text.find(" ", end + 1)
            edits.append((at, end - at, ""))
        else:
            edits.append((at, word_end - at, rng.choice(WORDS)))
    kept, last = [], -1
    for edit in edits:
        if edit[0] > last:
            kept.append(edit)
            last = edit[0] + edit[1]
    return kept


def apply(text: str, edits: list[tuple[int, int, str]]) -> str:
    parts, at = [], 0
    for start, deleted, inserted in edits:
        parts += [text[at:start], inserted]
        at = start + deleted
    return "".join([*parts, text[at:]])


def untouched_moves(span: tuple[int, int], edits: list[tuple[int, int, str]]) -> int | None:
    """Where an untouched span starts after the edits; None if an edit touched it."""
    start, end = span
    shift = 0
    for at, deleted, inserted in edits:
        if (deleted and at < end and start < at + deleted) or (not deleted and start < at < end):
            return None
        if at + deleted <= start:
            shift += len(inserted) - deleted
    return start + shift


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--spans", type=int, default=10_000)
    parser.add_argument("--edits", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    old = make_text(rng, 1_000_000)
    spans = make_spans(rng, old, args.spans)
    edits = make_edits(rng, old, args.edits)
    new = apply(old, edits)
    anchored = [AnchoredSpan(f"s{n}", quote_of(old, start, end)) for n, (start, end) in enumerate(spans)]
    expected = [untouched_moves(span, edits) for span in spans]
    print(
        f"article: {len(old):,} code points; {len(spans):,} spans; {len(edits)} edits "
        f"({sum(e is None for e in expected)} spans touched by one)"
    )
    print(f"{'':20}{'median s':>10}{'runs':>22}{'target':>9}  {'':5}{'moved':>8}{'changed':>9}{'orphaned':>10}  check")
    for name, old_text in (("with the old text", old), ("without it", None)):
        times, placed = [], []
        for _ in range(args.repeat):
            began = time.perf_counter()
            placed = place_spans(anchored, new, old_text)
            times.append(time.perf_counter() - began)
        outcomes = Counter(p.outcome for p in placed)
        wrong = sum(
            1
            for p, at, span in zip(placed, expected, spans, strict=True)
            if at is not None and p.outcome in (Outcome.MOVED, Outcome.UNCHANGED) and p.start != at
        )
        wrong += sum(
            1
            for p, span in zip(placed, spans, strict=True)
            if p.outcome in (Outcome.MOVED, Outcome.UNCHANGED) and p.text != old[span[0] : span[1]]
        )
        median = statistics.median(times)
        verdict = "PASS" if median <= TARGETS[name] else "MISS"
        runs = ", ".join(f"{t:.2f}" for t in times)
        moved = outcomes[Outcome.MOVED] + outcomes[Outcome.UNCHANGED]
        print(
            f"{name:20}{median:>10.2f}{runs:>22}{TARGETS[name]:>8.0f}s  {verdict:5}{moved:>8,}"
            f"{outcomes[Outcome.CHANGED]:>9,}{outcomes[Outcome.ORPHANED]:>10,}  "
            f"{'every moved span exact' if not wrong else f'{wrong} moved span(s) WRONG'}"
        )


if __name__ == "__main__":
    main()
