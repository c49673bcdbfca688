"""Time `annotator export` and its peak memory against a bare orjson dump.

Generates N documents (default 10,000) with S spans each (default 20) through
AnnotationSet with a fixed clock, then, each in its own subprocess so peak RSS
is clean:

- in-process: the records, already in memory, exported through the format
  module (jsonl, csv, brat) and dumped with orjson alone (the floor); the
  time and the growth of peak RSS during the export are printed, and the
  jsonl/floor ratio (target at most 3x);
- end to end: the same corpus written to disk as documents and annotation
  files, exported with `annotator export` (load, check, convert, write), with
  the peak RSS of that process; run at N/4 and N to show memory stays flat.

    python benchmarks/export_bench.py [--docs N] [--spans S] [--formats jsonl,csv,brat]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from validate_bench import make_text  # noqa: E402 - the same generated news text

from annotator.interop.model import ExportRecord  # noqa: E402
from annotator.model.document import Document, DocumentMeta, text_sha256  # noqa: E402
from annotator.model.editing import AnnotationSet  # noqa: E402
from annotator.model.tagset import default_tagset  # noqa: E402
from annotator.storage import dumps  # noqa: E402


def generate(docs: int, spans: int, seed: int = 7):
    """(relative path, AnnotationFile, Document) for each document, lazily."""
    rng = random.Random(seed)
    labels = default_tagset().names()
    for index in range(docs):
        doc_id = f"doc{index:05d}"
        text = make_text(rng)
        relative = f"docs/{doc_id}.txt"
        document = Document(relative, text, DocumentMeta(doc_id), text_sha256(text))
        aset = AnnotationSet.new(document, "bench", clock=lambda: "2026-11-01T00:00:00.000Z")
        while len(aset.spans) < spans:
            start = rng.randrange(0, len(text) - 40)
            end = start + rng.randrange(1, 40)
            label = rng.choice(labels)
            if aset.spans.holder(start, end, label) is None:
                aset.create(start, end, label)
        yield relative, aset.to_file(), document


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def floor_dump(records: list[ExportRecord], dest: Path) -> int:
    import orjson

    count = 0
    with dest.open("wb") as out:
        for record in records:
            spans = [{"start": s.start, "end": s.end, "label": s.label, "text": s.text} for s in record.file.spans]
            count += len(spans)
            out.write(orjson.dumps({"text": record.document.text, "meta": {"id": record.document.id}, "spans": spans}))
            out.write(b"\n")
    return count


def child_in_process(fmt: str, docs: int, spans: int, work: Path) -> dict:
    records = [ExportRecord(Path(rel), file, document) for rel, file, document in generate(docs, spans)]
    before = peak_rss_mb()
    dest = work / f"out-{fmt}" if fmt == "brat" else work / f"out.{fmt}"
    started = time.perf_counter()
    if fmt == "floor":
        written = floor_dump(records, dest)
    else:
        from annotator.interop.formats import load_format, offset_unit

        module = load_format(fmt)
        written = module.export(iter(records), dest, offsets=offset_unit(module, fmt, None), options={})
    elapsed = time.perf_counter() - started
    return {"seconds": elapsed, "spans": written, "rss_growth_mb": peak_rss_mb() - before}


def write_corpus(root: Path, docs: int, spans: int) -> None:
    (root / "docs").mkdir(parents=True)
    (root / "annotator.toml").write_text('annotations = "annotations"\ndocuments = ["docs"]\n')
    for relative, file, document in generate(docs, spans):
        (root / relative).write_text(document.text, encoding="utf-8")
        folder = root / "annotations" / document.id
        folder.mkdir(parents=True)
        (folder / "bench.json").write_bytes(dumps(file))


def end_to_end(fmt: str, root: Path) -> dict:
    dest = "out-brat" if fmt == "brat" else f"out.{fmt}"
    command = [sys.executable, "-m", "annotator", "export", "--format", fmt, "--out", dest]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    stderr = process.stderr.read().decode() if process.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"annotator export --format {fmt} failed: {stderr[-2000:]}")
    return {"seconds": elapsed, "peak_rss_mb": usage.ru_maxrss / 1024, "summary": stderr.strip().splitlines()[-1]}


def run_child(args: list[str]) -> dict:
    result = subprocess.run(
        [sys.executable, __file__, "--child", *args], capture_output=True, text=True, env={**os.environ}
    )
    if result.returncode != 0:
        return {"error": (result.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(result.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--spans", type=int, default=20)
    parser.add_argument("--formats", default="jsonl,csv,brat")
    parser.add_argument("--child", nargs=4, metavar=("FORMAT", "DOCS", "SPANS", "WORK"), help=argparse.SUPPRESS)
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    args = parser.parse_args()
    if args.child:
        fmt, docs, spans, work = args.child
        print(json.dumps(child_in_process(fmt, int(docs), int(spans), Path(work))))
        return 0

    formats = [f for f in args.formats.split(",") if f]
    from annotator.interop.formats import InteropError, load_format

    available = []
    for fmt in formats:
        try:
            load_format(fmt)
            available.append(fmt)
        except InteropError as err:
            print(f"skipped {fmt}: {err}")
    scratch = Path(tempfile.mkdtemp(prefix="annotator-export-bench-"))
    try:
        print(f"in-process export of {args.docs:,} documents x {args.spans} spans (records already in memory):")
        floor = run_child(["floor", str(args.docs), str(args.spans), str(scratch)])
        print(f"  {'orjson floor':<14} {floor['seconds']:7.2f} s   peak RSS growth {floor['rss_growth_mb']:6.1f} MB")
        results = {}
        for fmt in available:
            result = run_child([fmt, str(args.docs), str(args.spans), str(scratch)])
            if "error" in result:
                print(f"  {fmt:<14} failed: {result['error']}")
                continue
            results[fmt] = result
            ratio = result["seconds"] / floor["seconds"]
            print(
                f"  {fmt:<14} {result['seconds']:7.2f} s   peak RSS growth {result['rss_growth_mb']:6.1f} MB   "
                f"{ratio:4.1f}x the floor   ({result['spans']:,} spans)"
            )
        if "jsonl" in results:
            ratio = results["jsonl"]["seconds"] / floor["seconds"]
            verdict = "ok" if ratio <= 3 else "OVER the 3x target"
            print(f"  jsonl/floor ratio: {ratio:.2f}x ({verdict})")

        print("end to end, `annotator export` over files on disk (load + check + convert + write):")
        for docs in sorted({max(1, args.docs // 4), args.docs}):
            root = scratch / f"corpus-{docs}"
            started = time.perf_counter()
            write_corpus(root, docs, args.spans)
            print(f"  {docs:,} documents written in {time.perf_counter() - started:.1f} s")
            for fmt in available:
                result = end_to_end(fmt, root)
                print(f"    {fmt:<12} {result['seconds']:7.2f} s   peak RSS {result['peak_rss_mb']:6.1f} MB")
            shutil.rmtree(root)
    finally:
        if args.keep:
            print(f"kept {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
