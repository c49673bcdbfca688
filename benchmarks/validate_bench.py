"""Time `annotator validate`: a corpus against check-jsonschema, hostile files,
peak memory on a huge note, and the start-up of a one-file check.

Cases (`--cases`, default all that can run), with what they measured on a
2-core machine before and after validation located all of a file's findings
in one pass and stopped decoding valid files:

- corpus: N annotation files (default 10,000, 20 spans each) with one
  document per file in a scratch project; both tools on the whole folder,
  alternating, medians and the ratio, then one file. check-jsonschema only
  checks the schema; annotator also loads and hashes every document and runs
  the semantic and audit-trail checks. Needs `pip install -e '.[bench]'`.
- hostile: a 389 KB file with 1,000 wrong spans (2,000 findings: each span's
  text differs from the document and it has no audit trail), and a 469 KB
  file with 3,000 unknown top-level keys (3,000 findings, explained by
  jsonschema); seconds per file. The cost must be linear in the size and the
  findings: 125 s and 172 s when each finding was located by its own scan
  from the start of the text; 0.26 s and 0.54 s.
- memory: peak RSS of `annotator validate` on a valid file with a 50 MB note
  (`--note-mb`) on one span (and so in the audit event that set it), on the
  same note only in an audit event (the span's note was cleared later), and
  on the first file with one finding placed after the note; with the growth
  over the imports as a multiple of the file's size. 945 MB, 995 MB and
  6,232 MB for these 100 MB files; 588 MB, 638 MB and 590 MB.
- startup: `annotator validate` on one small valid file, median wall time of
  --startup-runs runs, beside `python -c pass`.

    python benchmarks/validate_bench.py [--cases corpus,hostile,memory,startup]
        [--files N] [--spans N] [--repeat N] [--hostile-repeat N] [--note-mb N] [--startup-runs N] [--keep]
"""

from __future__ import annotations

import argparse
import os
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

import orjson  # noqa: E402

from annotator.model.document import Document, DocumentMeta, text_sha256  # noqa: E402
from annotator.model.editing import AnnotationSet  # noqa: E402
from annotator.model.tagset import default_tagset  # noqa: E402
from annotator.storage import dumps  # noqa: E402

WORDS = (
    "the officials said on Tuesday that 2,000 troops may possibly leave Kabul “we will see” "
    "according to reports 13 service members were killed and $100 million was spent émigré 👨🏻‍🚒"
).split()
CASES = ("corpus", "hostile", "memory", "startup")
CONFIG = 'annotations = "annotations"\ndocuments = ["docs"]\n'


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


def make_clock():
    ticks = iter(range(10**9))

    def clock() -> str:
        n = next(ticks)
        return f"2026-11-01T{n // 3600 % 24:02d}:{n // 60 % 60:02d}:{n % 60:02d}.000Z"

    return clock


def scratch_project(root: Path) -> None:
    (root / "docs").mkdir(parents=True)
    (root / "annotations").mkdir()
    (root / "annotator.toml").write_text(CONFIG)


def write_document(root: Path, name: str, text: str) -> Document:
    relative = f"docs/{name}.txt"
    (root / relative).write_text(text, encoding="utf-8")
    return Document(relative, text, DocumentMeta(name), text_sha256(text))


def annotated(document: Document, spans: int, rng: random.Random, clock) -> AnnotationSet:
    labels = default_tagset().names()
    aset = AnnotationSet.new(document, "bench", clock=clock)
    text = document.text
    while len(aset.spans) < spans:
        start = rng.randrange(0, len(text) - 40)
        end = start + rng.randrange(1, 40)
        label = rng.choice(labels)
        if any((s.start, s.end, s.label) == (start, end, label) for s in aset.spans.values()):
            continue
        aset.create(start, end, label)
    return aset


def generate(root: Path, files: int, spans: int, seed: int = 7) -> Path:
    rng = random.Random(seed)
    scratch_project(root)
    out = root / "annotations"
    clock = make_clock()
    for index in range(files):
        doc_id = f"doc{index:05d}"
        document = write_document(root, doc_id, make_text(rng))
        aset = annotated(document, spans, rng, clock)
        folder = out / doc_id
        folder.mkdir(parents=True)
        (folder / "bench.json").write_bytes(dumps(aset.to_file()))
    return out


def generate_hostile(root: Path, seed: int = 3) -> dict[str, Path]:
    """Two files of about 400 KB: 1,000 spans with wrong texts, and 3,000 unknown keys."""
    rng = random.Random(seed)
    scratch_project(root)
    clock = make_clock()
    document = write_document(root, "long", make_text(rng, 20_000))
    wrong = orjson.loads(dumps(annotated(document, 1000, rng, clock).to_file()))
    wrong["history"] = []  # 2 findings a span: A402 (text) and A505 (no trail)
    for span in wrong["spans"]:
        span["text"] = "not the text of the document at these offsets, so every span is wrong"
    unknown = orjson.loads(dumps(annotated(document, 500, rng, clock).to_file()))
    unknown.update({f"unknown_property_{index}": index for index in range(3000)})
    files = {"1,000 wrong spans": wrong, "3,000 unknown keys": unknown}
    paths = {}
    for index, (name, data) in enumerate(files.items()):
        path = root / "annotations" / f"hostile{index}.json"
        path.write_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2))
        paths[name] = path
    return paths


def generate_notes(root: Path, megabytes: int) -> dict[str, Path]:
    """Valid files with a huge note: on a span (and in the event that set it), only in an
    audit event, and the first with one finding (an unknown key) after the note."""
    scratch_project(root)
    clock = make_clock()
    text = "The minister said that 42 people may come, reportedly.\n"
    document = write_document(root, "short", text)
    unit = "a long note, with words é and 👍 "
    note = unit * (megabytes * 1024 * 1024 // len(unit.encode()))  # that many MB as UTF-8
    on_span = AnnotationSet.new(document, "bench", clock=clock)
    span = on_span.create(4, 12, "claim")
    on_span.set_note(span.id, note)
    in_event = AnnotationSet.new(document, "bench", clock=clock)
    span = in_event.create(4, 12, "claim")
    in_event.set_note(span.id, note)
    in_event.set_note(span.id, None)
    paths = {}
    for name, data in (("note on a span", dumps(on_span.to_file())), ("note in an event", dumps(in_event.to_file()))):
        path = root / "annotations" / f"{name.replace(' ', '_')}.json"
        path.write_bytes(data)
        paths[name] = path
    with_finding = paths["note on a span"].read_bytes().rstrip()[:-1] + b',\n  "zz_unknown": 1\n}\n'
    paths["note on a span, 1 finding after it"] = root / "annotations" / "note_finding.json"
    paths["note on a span, 1 finding after it"].write_bytes(with_finding)
    return paths


def run(command: list[str], cwd: Path, allowed: tuple[int, ...] = (0,)) -> tuple[float, int]:
    """(wall seconds, peak RSS in bytes) of one run of `command`."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    # wait4 gives this child's own peak (RUSAGE_CHILDREN would be the largest of all children).
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in allowed:
        raise SystemExit(f"{command[0]} failed ({process.returncode}): {stderr[-2000:]}")
    return elapsed, usage.ru_maxrss * 1024


def timed(command: list[str], cwd: Path) -> float:
    return run(command, cwd)[0]


def show(name: str, values: list[float]) -> float:
    median = statistics.median(values)
    print(f"  {name:<36} median {median:7.3f} s   (runs: {', '.join(f'{v:.3f}' for v in values)})")
    return median


ANNOTATOR = [sys.executable, "-m", "annotator", "validate"]


def corpus_case(scratch: Path, args: argparse.Namespace) -> None:
    checker = shutil.which("check-jsonschema")
    if checker is None:
        raise SystemExit("check-jsonschema is not installed: pip install -e '.[bench]'")
    annotator = [*ANNOTATOR, "annotations", "--quiet"]
    schema = REPO / "schemas" / "annotation.schema.json"
    root = scratch / "corpus"
    started = time.perf_counter()
    out = generate(root, args.files, args.spans)
    files = sorted(str(p.relative_to(root)) for p in out.rglob("*.json"))
    print(f"generated {len(files):,} files of {args.spans} spans in {time.perf_counter() - started:.1f} s")
    reference = [checker, "--schemafile", str(schema), *files]
    single_annotator = [*ANNOTATOR, files[0], "--quiet"]
    single_reference = [checker, "--schemafile", str(schema), files[0]]
    ours: list[float] = []
    theirs: list[float] = []
    ours_single: list[float] = []
    theirs_single: list[float] = []
    for _ in range(args.repeat):
        ours.append(timed(annotator, root))
        theirs.append(timed(reference, root))
        ours_single.append(timed(single_annotator, root))
        theirs_single.append(timed(single_reference, root))
    print(f"{len(files):,} files:")
    a = show("annotator validate", ours)
    b = show("check-jsonschema", theirs)
    print(f"  ratio: annotator is {b / a:.1f}x faster")
    print("1 file:")
    show("annotator validate", ours_single)
    show("check-jsonschema", theirs_single)


def hostile_case(scratch: Path, args: argparse.Namespace) -> None:
    root = scratch / "hostile"
    paths = generate_hostile(root)
    print("hostile files (seconds; must grow linearly with size and findings):")
    for name, path in paths.items():
        command = [*ANNOTATOR, str(path.relative_to(root)), "--quiet"]
        seconds = [run(command, root, (1,))[0] for _ in range(args.hostile_repeat)]
        show(f"{name} ({path.stat().st_size / 1024:,.0f} KB)", seconds)


def memory_case(scratch: Path, args: argparse.Namespace) -> None:
    root = scratch / "memory"
    # Generated in another process: a child's peak RSS counts this process's own peak
    # (Linux keeps it across exec), and generating the note takes hundreds of MB.
    generator = [sys.executable, __file__, "--generate-notes", str(root), "--note-mb", str(args.note_mb)]
    listed = subprocess.run(generator, check=True, capture_output=True, text=True).stdout
    paths = dict(line.split("\t") for line in listed.splitlines())
    print(f"peak memory with a {args.note_mb} MB note (RSS of the whole process):")
    baseline = run([sys.executable, "-c", "import annotator.validation.engine"], root)[1]
    print(f"  {'imports alone':<44} {baseline / 2**20:7.0f} MB")
    for name, where in paths.items():
        path = Path(where)
        elapsed, peak = run([*ANNOTATOR, str(path.relative_to(root)), "--quiet"], root, (0, 1))
        size = path.stat().st_size
        print(
            f"  {name:<44} {peak / 2**20:7.0f} MB for a {size / 2**20:,.0f} MB file "
            f"({(peak - baseline) / size:.1f}x its size above the imports), {elapsed:.2f} s"
        )


def startup_case(scratch: Path, args: argparse.Namespace) -> None:
    root = scratch / "startup"
    generate(root, 1, 20)
    one = [*ANNOTATOR, "annotations/doc00000/bench.json", "--quiet"]
    timed(one, root)  # the first run compiles the bytecode
    print(f"start-up (median of {args.startup_runs} runs):")
    show("python -c pass", [timed([sys.executable, "-c", "pass"], root) for _ in range(args.startup_runs)])
    show("annotator validate (1 file, 20 spans)", [timed(one, root) for _ in range(args.startup_runs)])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", default=",".join(CASES), help=f"comma-separated, of: {', '.join(CASES)}")
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--spans", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5, help="runs of each tool on the corpus (default 5)")
    parser.add_argument("--hostile-repeat", type=int, default=3, help="runs on each hostile file (default 3)")
    parser.add_argument("--note-mb", type=int, default=50, help="size of the huge note in MB (default 50)")
    parser.add_argument("--startup-runs", type=int, default=11)
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    parser.add_argument("--generate-notes", metavar="ROOT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate_notes:
        for name, path in generate_notes(Path(args.generate_notes), args.note_mb).items():
            print(f"{name}\t{path}")
        return 0
    cases = [case.strip() for case in args.cases.split(",") if case.strip()]
    unknown = sorted(set(cases) - set(CASES))
    if unknown:
        parser.error(f"unknown case(s): {', '.join(unknown)}")
    if "corpus" in cases and shutil.which("check-jsonschema") is None and args.cases == parser.get_default("cases"):
        print("corpus: skipped, check-jsonschema is not installed (pip install -e '.[bench]')")
        cases.remove("corpus")

    scratch = Path(tempfile.mkdtemp(prefix="annotator-bench-"))
    try:
        for case in cases:
            {"corpus": corpus_case, "hostile": hostile_case, "memory": memory_case, "startup": startup_case}[case](
                scratch, args
            )
    finally:
        if args.keep:
            print(f"kept {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
