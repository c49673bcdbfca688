"""Time `annotator validate` against check-jsonschema on the same files.

Generates N annotation files (default 10,000, 20 spans each) with one
document per file in a scratch project, then runs both tools on the whole
folder, alternating, and prints the medians and the ratio. Also times a
single file. check-jsonschema only checks the schema; annotator also loads
and hashes every document and runs the semantic and audit-trail checks.

    pip install -e '.[bench]'
    python benchmarks/validate_bench.py [--files N] [--spans N] [--repeat N]
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

from annotator.model.document import Document, DocumentMeta, text_sha256  # noqa: E402
from annotator.model.editing import AnnotationSet  # noqa: E402
from annotator.model.tagset import default_tagset  # noqa: E402
from annotator.storage import dumps  # noqa: E402

WORDS = (
    "the officials said on Tuesday that 2,000 troops may possibly leave Kabul “we will see” "
    "according to reports 13 service members were killed and $100 million was spent émigré 👨🏻‍🚒"
).split()


def make_text(rng: random.Random, length: int = 3000) -> str:
    words: list[str] = []
    size = 0
    while size < length:
        word = rng.choice(WORDS)
        words.append(word)
        size += len(word) + 1
        if rng.random() < 0.05:
            words.append("\n\n")
    return " ".join(words)


def generate(root: Path, files: int, spans: int, seed: int = 7) -> Path:
    rng = random.Random(seed)
    labels = default_tagset().names()
    (root / "docs").mkdir(parents=True)
    out = root / "annotations"
    (root / "annotator.toml").write_text('annotations = "annotations"\ndocuments = ["docs"]\n')
    ticks = iter(range(10**9))

    def clock() -> str:
        n = next(ticks)
        return f"2026-11-01T{n // 3600 % 24:02d}:{n // 60 % 60:02d}:{n % 60:02d}.000Z"

    for index in range(files):
        doc_id = f"doc{index:05d}"
        text = make_text(rng)
        relative = f"docs/{doc_id}.txt"
        (root / relative).write_text(text, encoding="utf-8")
        document = Document(relative, text, DocumentMeta(doc_id), text_sha256(text))
        aset = AnnotationSet.new(document, "bench", clock=clock)
        while len(aset.spans) < spans:
            start = rng.randrange(0, len(text) - 40)
            end = start + rng.randrange(1, 40)
            label = rng.choice(labels)
            if any((s.start, s.end, s.label) == (start, end, label) for s in aset.spans.values()):
                continue
            aset.create(start, end, label)
        folder = out / doc_id
        folder.mkdir(parents=True)
        (folder / "bench.json").write_bytes(dumps(aset.to_file()))
    return out


def timed(command: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{command[0]} failed ({result.returncode}): {result.stderr.decode()[-2000:]}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--spans", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5, help="runs of each tool (default 5)")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    args = parser.parse_args()

    checker = shutil.which("check-jsonschema")
    if checker is None:
        raise SystemExit("check-jsonschema is not installed: pip install -e '.[bench]'")
    annotator = [sys.executable, "-m", "annotator", "validate", "annotations", "--quiet"]
    schema = REPO / "schemas" / "annotation.schema.json"

    scratch = Path(tempfile.mkdtemp(prefix="annotator-bench-"))
    try:
        started = time.perf_counter()
        out = generate(scratch, args.files, args.spans)
        files = sorted(str(p.relative_to(scratch)) for p in out.rglob("*.json"))
        print(f"generated {len(files):,} files of {args.spans} spans in {time.perf_counter() - started:.1f} s")
        reference = [checker, "--schemafile", str(schema), *files]
        single_annotator = [*annotator[:-2], files[0], "--quiet"]
        single_reference = [checker, "--schemafile", str(schema), files[0]]

        ours: list[float] = []
        theirs: list[float] = []
        ours_single: list[float] = []
        theirs_single: list[float] = []
        for _ in range(args.repeat):
            ours.append(timed(annotator, scratch))
            theirs.append(timed(reference, scratch))
            ours_single.append(timed(single_annotator, scratch))
            theirs_single.append(timed(single_reference, scratch))

        def show(name: str, values: list[float]) -> float:
            median = statistics.median(values)
            print(f"  {name:<34} median {median:7.3f} s   (runs: {', '.join(f'{v:.3f}' for v in values)})")
            return median

        print(f"{len(files):,} files:")
        a = show("annotator validate", ours)
        b = show("check-jsonschema", theirs)
        print(f"  ratio: annotator is {b / a:.1f}x faster")
        print("1 file:")
        show("annotator validate", ours_single)
        show("check-jsonschema", theirs_single)
    finally:
        if args.keep:
            print(f"kept {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
