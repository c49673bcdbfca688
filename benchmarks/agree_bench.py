"""Time `annotator agree` end to end and its metric computation in process.

Generates, in a temporary folder, N documents (default 1,000) annotated by
three annotators with S spans each (default 50): a shared set of "true" spans
that each annotator copies with jitter at the edges, some label changes and
some misses, plus spans of their own. Then:

- end to end: `annotator agree` (table, and --format json) in a subprocess
  over the files on disk, median of --repeat runs (target under 5 s);
- in process: loading the files into a corpus, and computing the agreement
  report from spans already in memory.

    python benchmarks/agree_bench.py [--docs N] [--spans S] [--repeat R] [--keep]
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from validate_bench import make_text  # noqa: E402 - the same generated news text

from annotator.model.document import Document, DocumentMeta, text_sha256  # noqa: E402
from annotator.model.editing import AnnotationSet  # noqa: E402
from annotator.model.tagset import default_tagset  # noqa: E402
from annotator.storage import dumps  # noqa: E402

ANNOTATORS = ("alice", "bob", "carol")
TARGET_SECONDS = 5.0


def clock() -> str:
    return "2026-11-01T00:00:00.000Z"


def add_span(aset: AnnotationSet, start: int, end: int, label: str) -> bool:
    text_length = len(aset.text) if hasattr(aset, "text") else None
    if text_length is not None:
        start, end = max(0, start), min(text_length, end)
    if start >= end or aset.spans.holder(start, end, label) is not None:
        return False
    try:
        aset.create(start, end, label)
    except ValueError:
        return False
    return True


def write_corpus(root: Path, docs: int, spans: int, seed: int = 11) -> None:
    rng = random.Random(seed)
    labels = default_tagset().names()
    (root / "docs").mkdir(parents=True)
    (root / "annotator.toml").write_text('annotations = "annotations"\ndocuments = ["docs"]\n')
    for index in range(docs):
        doc_id = f"doc{index:05d}"
        text = make_text(rng)
        relative = f"docs/{doc_id}.txt"
        (root / relative).write_text(text, encoding="utf-8")
        document = Document(relative, text, DocumentMeta(doc_id), text_sha256(text))
        truth = []
        for _ in range(spans):
            start = rng.randrange(0, len(text) - 60)
            truth.append((start, start + rng.randrange(2, 60), rng.choice(labels)))
        folder = root / "annotations" / doc_id
        folder.mkdir(parents=True)
        for name in ANNOTATORS:
            aset = AnnotationSet.new(document, name, clock=clock)
            for start, end, label in truth:
                if rng.random() < 0.10:
                    continue  # missed
                if rng.random() < 0.08:
                    label = rng.choice(labels)  # another label
                if rng.random() < 0.25:
                    start, end = start + rng.randint(-3, 3), end + rng.randint(-3, 3)  # edges differ
                if len(aset.spans) < spans:
                    add_span(aset, start, end, label)
            while len(aset.spans) < spans:  # spans of their own
                start = rng.randrange(0, len(text) - 40)
                add_span(aset, start, start + rng.randrange(1, 40), rng.choice(labels))
            (folder / f"{name}.json").write_bytes(dumps(aset.to_file()))


def end_to_end(root: Path, extra: list[str]) -> float:
    command = [sys.executable, "-m", "annotator", "agree", *extra]
    started = time.perf_counter()
    result = subprocess.run(command, cwd=root, capture_output=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"annotator agree failed ({result.returncode}): {result.stderr.decode()[-2000:]}")
    return elapsed


def in_process(root: Path) -> tuple[float, float, dict]:
    from annotator.config import load_config
    from annotator.review.agreement import agreement_report
    from annotator.review.corpus import load_corpus

    config = load_config(start=root)
    started = time.perf_counter()
    corpus = load_corpus(None, config)
    loaded = time.perf_counter() - started
    names = corpus.annotators()
    documents = corpus.document_spans(names)
    started = time.perf_counter()
    report = agreement_report(documents, names, config.tagset.names())
    return loaded, time.perf_counter() - started, report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=1_000)
    parser.add_argument("--spans", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="annotator-agree-bench-"))
    try:
        started = time.perf_counter()
        write_corpus(scratch, args.docs, args.spans)
        files = args.docs * len(ANNOTATORS)
        print(
            f"{args.docs:,} documents x {len(ANNOTATORS)} annotators x {args.spans} spans "
            f"({files:,} files) written in {time.perf_counter() - started:.1f} s"
        )
        import os

        os.chdir(scratch)  # in-process loading resolves the project from here
        loaded, computed, report = in_process(scratch)
        overall = report["overall"]
        print(
            f"  exact F1 {overall['exact']['overall']['f1']:.3f}, overlap F1 {overall['overlap']['overall']['f1']:.3f}, "
            f"{len(report['disagreements']):,} disagreements"
        )
        print(f"{'':<34} {'seconds':>8}")
        print(f"{'in process: load the files':<34} {loaded:8.2f}")
        print(f"{'in process: compute the metrics':<34} {computed:8.2f}")
        for label, extra in (
            ("end to end: agree (table)", []),
            ("end to end: agree --format json", ["--format", "json"]),
        ):
            times = [end_to_end(scratch, extra) for _ in range(args.repeat)]
            median = statistics.median(times)
            verdict = "ok" if median < TARGET_SECONDS else f"OVER the {TARGET_SECONDS:g} s target"
            print(f"{label:<34} {median:8.2f}   median of {len(times)}, {verdict}")
    finally:
        if args.keep:
            print(f"kept {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
