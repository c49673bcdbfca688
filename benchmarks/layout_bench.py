"""Time soft-wrapping a 1 MB document with `annotator.editor.layout.Layout`.

Two documents of 1,000,000 UTF-8 bytes each: English news text (the seed
articles repeated, which takes the fast path) and mixed CJK/emoji text (ZWJ
sequences, skin tones, flags, keycaps, combining marks, which takes the
grapheme path). Prints the best of N runs of `Layout(text, width)` (display
text, paragraph scan and wrap), of `rewrap()` alone, and per-keystroke queries:
cursor geometry, motions, and span lookups for a screen with 10,000 spans.
Not a test: no thresholds, just figures.

    python benchmarks/layout_bench.py [--width 117] [--repeat 5]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from annotator import prose  # noqa: E402
from annotator.editor.layout import Layout  # noqa: E402
from annotator.editor.span_index import SpanIndex  # noqa: E402

SIZE = 1_000_000  # bytes of UTF-8


def english_text() -> str:
    seeds = "\n".join(p.read_text(encoding="utf-8") for p in sorted((REPO / "seeds").glob("*.txt")))
    text = seeds
    while len(text.encode()) < SIZE:
        text += "\n\n" + seeds
    return text.encode()[:SIZE].decode("utf-8", errors="ignore")


MIXED_WORDS = [
    "北京时间",
    "新闻",
    "报道称",
    "東京都",
    "ニュース",
    "서울",
    "뉴스",
    "👨🏻‍🚒",
    "👍🏽",
    "🇺🇸",
    "🇯🇵",
    "1️⃣",
    "❤️",
    "café",
    "cafe\u0301",
    "naïve",
    "the",
    "officials",
    "said",
    "2,000",
    "“quoted”",
    "—",
]


def mixed_text(seed: int = 3) -> str:
    rng = random.Random(seed)
    parts: list[str] = []
    size = 0
    while size < SIZE:
        words = [rng.choice(MIXED_WORDS) for _ in range(rng.randrange(20, 120))]
        # CJK runs often have no spaces at all.
        paragraph = "".join(words) if rng.random() < 0.3 else " ".join(words)
        parts.append(paragraph)
        size += len(paragraph.encode()) + 2
    return "\n\n".join(parts)


def best_of(repeat: int, func) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def bench(name: str, text: str, width: int, repeat: int) -> None:
    build = best_of(repeat, lambda: Layout(text, width))
    layout = Layout(text, width)
    rewrap = best_of(repeat, lambda: layout.rewrap(width))
    rng = random.Random(1)
    offsets = [rng.randrange(len(text)) for _ in range(2000)]

    def queries() -> None:
        for offset in offsets:
            row = layout.row_of(offset)
            layout.x_of(offset)
            layout.next_boundary(offset)
            layout.prev_boundary(offset)
            layout.offset_at(min(row + 1, layout.row_count - 1), 40)

    per_query = best_of(repeat, queries) / len(offsets)
    print(
        f"{name:8} {len(text.encode()):>9,} bytes {len(text):>9,} chars {layout.row_count:>7,} rows  "
        f"Layout() {build * 1000:7.1f} ms  rewrap() {rewrap * 1000:7.1f} ms  "
        f"cursor queries {per_query * 1e6:6.1f} µs/key (cold row cache)"
    )


class BenchSpan:
    __slots__ = ("end", "id", "label", "start")

    def __init__(self, span_id: str, start: int, end: int, label: str) -> None:
        self.id, self.start, self.end, self.label = span_id, start, end, label


def bench_keystroke(text: str, width: int, repeat: int) -> None:
    """Per-keystroke work on the English document: motions and a 40-row span lookup."""
    rng = random.Random(2)
    offsets = [rng.randrange(len(text)) for _ in range(1000)]
    for name in ("token_at", "word_at", "next_word_start", "prev_word_start", "sentence_at", "next_sentence_start"):
        func = getattr(prose, name)
        per_call = best_of(repeat, lambda func=func: [func(text, offset) for offset in offsets]) / len(offsets)
        print(f"  prose.{name:20} {per_call * 1e6:6.1f} µs/call")
    labels = ["quote", "claim", "hedge", "number"]
    spans = []
    for i in range(10_000):
        start = rng.randrange(len(text) - 200)
        length = rng.randrange(1, 200) if i % 100 else rng.randrange(600, 5000)
        spans.append(BenchSpan(f"s{i}", start, min(len(text), start + length), labels[i % 4]))
    build = best_of(repeat, lambda: SpanIndex(spans))
    index = SpanIndex(spans)
    layout = Layout(text, width)
    first_rows = [rng.randrange(layout.row_count - 40) for _ in range(50)]

    def screen() -> None:
        for first in first_rows:
            for row in range(first, first + 40):
                index.overlapping(*layout.row_range(row))

    per_screen = best_of(repeat, screen) / len(first_rows)
    change = best_of(repeat, lambda: [index.replace(spans[i]) for i in range(0, 10_000, 100)]) / 100
    print(
        f"  SpanIndex: 10,000 spans built in {build * 1000:.1f} ms; overlapping() for a 40-row screen "
        f"{per_screen * 1000:.3f} ms; replace() {change * 1e6:.1f} µs"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--width", type=int, default=117)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"width {args.width}, best of {args.repeat}")
    english = english_text()
    bench("english", english, args.width, args.repeat)
    bench("mixed", mixed_text(), args.width, args.repeat)
    print("per keystroke, English document:")
    bench_keystroke(english, args.width, args.repeat)


if __name__ == "__main__":
    main()
