"""Score the built-in suggesters against gold files: precision, recall and F1.

For every document with a gold file (default: the shipped annotations/*/gold.json,
with their documents under the project root), each built-in suggester runs on
the text and its suggestions are compared with the gold spans of the labels it
suggests, per label:

- exact: same start, end and label;
- overlap: a maximum one-to-one matching of spans of a label that share a
  character (annotator.review.agreement.overlap_matches, as `agree` counts);
- speaker accuracy (quotes): of the gold quotes matched by overlap, the share
  whose suggested speaker is the gold speaker, compared case-insensitively,
  with spaces collapsed and a leading "the" dropped.

The targets (quotes overlap F1 >= 0.85 with speaker accuracy >= 0.8, numbers
exact F1 >= 0.9, hedges overlap F1 >= 0.6) are printed beside the figures.
Then the speed: each suggester on a generated 1 MB article (target 0.5 s).

    python benchmarks/suggest_eval.py [--gold GLOB] [--root DIR] [--by quotes,numbers,hedges]
        [--show-misses] [--no-speed]
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import orjson  # noqa: E402

from annotator.model.document import decode_text  # noqa: E402
from annotator.review.agreement import MatchCounts, exact_matches, overlap_matches, overlapping_pairs  # noqa: E402
from annotator.suggest.builtin import BUILTINS, builtin  # noqa: E402

LABELS = {"quotes": ("quote",), "numbers": ("number",), "hedges": ("hedge",)}
TARGETS = {("quotes", "overlap"): 0.85, ("numbers", "exact"): 0.9, ("hedges", "overlap"): 0.6}
SPEAKER_TARGET = 0.8
SPEED_TARGET = 0.5


@dataclass
class Score:
    exact: MatchCounts = field(default_factory=MatchCounts)
    overlap: MatchCounts = field(default_factory=MatchCounts)
    speakers: int = 0
    speakers_right: int = 0


def speaker_key(name: object) -> str:
    words = " ".join(str(name or "").split()).casefold()
    return words[4:] if words.startswith("the ") else words


def speaker_pairs(gold: list[dict], found: list) -> list[tuple[dict, object]]:
    """Gold quotes paired one to one with the suggestion that overlaps them most."""
    ordered = sorted(found, key=lambda s: (s.start, s.end))
    overlaps = overlapping_pairs([(g["start"], g["end"]) for g in gold], [(s.start, s.end) for s in ordered])
    ranked = sorted(
        overlaps,
        key=lambda pair: (
            -(min(gold[pair[0]]["end"], ordered[pair[1]].end) - max(gold[pair[0]]["start"], ordered[pair[1]].start))
        ),
    )
    used_gold, used_found, pairs = set(), set(), []
    for i, j in ranked:
        if i not in used_gold and j not in used_found:
            used_gold.add(i)
            used_found.add(j)
            pairs.append((gold[i], ordered[j]))
    return pairs


def score_document(name: str, text: str, gold_spans: list[dict], score: dict, show: bool, where: str) -> None:
    found = builtin(name).find(text)
    for label in LABELS[name]:
        gold = [s for s in gold_spans if s["label"] == label]
        mine = [s for s in found if s.label == label]
        a = [(s["start"], s["end"]) for s in gold]
        b = [(s.start, s.end) for s in mine]
        totals = score.setdefault(label, Score())
        totals.exact.add(MatchCounts(exact_matches(a, b), len(a), len(b)))
        totals.overlap.add(MatchCounts(overlap_matches(a, b), len(a), len(b)))
        if label == "quote":
            for g, s in speaker_pairs(gold, mine):
                totals.speakers += 1
                right = speaker_key(g["attributes"].get("speaker")) == speaker_key(s.attributes.get("speaker"))
                totals.speakers_right += right
                if show and not right:
                    print(
                        f"  {where}: speaker {s.attributes.get('speaker')!r}, gold {g['attributes'].get('speaker')!r}"
                    )
        if show:
            _show_misses(where, text, a, b)


def _show_misses(where: str, text: str, gold: list, found: list) -> None:
    gold_set, found_set = set(gold), set(found)
    for start, end in sorted(gold_set - found_set):
        print(f"  {where}: missed  [{start}, {end}) {text[start:end][:80]!r}")
    for start, end in sorted(found_set - gold_set):
        print(f"  {where}: extra   [{start}, {end}) {text[start:end][:80]!r}")


def _figure(value: float | None) -> str:
    return "   -" if value is None else f"{value:.3f}"


def report(name: str, score: dict) -> None:
    for label, totals in score.items():
        for kind in ("exact", "overlap"):
            counts = getattr(totals, kind)
            target = TARGETS.get((name, kind))
            verdict = (
                ""
                if target is None
                else f"  target F1 >= {target}: {'met' if (counts.f1 or 0) >= target else 'MISSED'}"
            )
            print(
                f"{name:8} {label:7} {kind:8} P {_figure(counts.precision)}  R {_figure(counts.recall)}  "
                f"F1 {_figure(counts.f1)}  (gold {counts.a}, suggested {counts.b}, matched {counts.matched}){verdict}"
            )
        if totals.speakers:
            accuracy = totals.speakers_right / totals.speakers
            verdict = "met" if accuracy >= SPEAKER_TARGET else "MISSED"
            print(
                f"{name:8} {label:7} speaker  {accuracy:.3f} ({totals.speakers_right} of {totals.speakers} matched "
                f"quotes)  target >= {SPEAKER_TARGET}: {verdict}"
            )


def speed(names: list[str]) -> None:
    # Real news text (the seed articles, repeated): quotes, numbers and hedges as dense as in print.
    articles = "\n\n".join(decode_text(path.read_bytes(), path) for path in sorted((REPO / "seeds").glob("*.txt")))
    text = articles
    while len(text.encode("utf-8")) < 1_000_000:
        text += "\n\n" + articles
    for name in names:
        suggester = builtin(name)
        suggester.find(text[:10_000])  # compile patterns once
        began = time.perf_counter()
        found = suggester.find(text)
        took = time.perf_counter() - began
        verdict = "met" if took <= SPEED_TARGET else "MISSED"
        print(f"{name:8} 1 MB article: {took:.3f} s, {len(found):,} suggestions  target <= {SPEED_TARGET} s: {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gold", default="annotations/*/gold.json", help="glob of gold files, under --root")
    parser.add_argument("--root", default=str(REPO), help="the project the gold files and documents are in")
    parser.add_argument("--by", default=",".join(BUILTINS), help="the suggesters to score")
    parser.add_argument("--show-misses", action="store_true", help="list every missed and extra span")
    parser.add_argument("--no-speed", action="store_true", help="skip the 1 MB timing")
    args = parser.parse_args()
    root = Path(args.root)
    names = [name for name in args.by.split(",") if name]
    files = sorted(root.glob(args.gold))
    if not files:
        sys.exit(f"no gold files match {args.gold} under {root}")
    print(f"{len(files)} gold file(s) under {root}")
    for name in names:
        score: dict = {}
        for path in files:
            gold = orjson.loads(path.read_bytes())
            document = root / gold["document"]["path"]
            text = decode_text(document.read_bytes(), document)
            score_document(name, text, gold["spans"], score, args.show_misses, path.parent.name)
        report(name, score)
    if not args.no_speed:
        speed(names)


if __name__ == "__main__":
    main()
