"""Wall time of `annotator suggest` over a corpus of 1,000 news articles of about 5 KB.

Builds a scratch project in a temporary folder: `annotator.toml`
(`documents = ["docs"]`) and 1,000 articles of about 5,000 bytes of UTF-8
each, composed from the paragraphs of the seed articles (seeds/*.txt):
shuffled with a fixed seed, with names, weekdays and numbers varied, so no
two articles are the same text. Then it runs the whole command, as a user
would, in a subprocess from the project root:

    python -m annotator suggest --by quotes,numbers,hedges

and times it from start to exit (interpreter start-up, loading the config
and the documents, the three built-in suggesters, fitting and storing 3,000
suggestion files). A second run follows where nothing changed: it must find
every suggestion again and write 0 files.

Prints a table: articles, total KB, wall seconds (the figure the target is
for: ≤ 10 s for the whole command), CPU seconds of the command in user mode
and in the kernel, suggestions stored, files written and left unchanged, and
PASS/MISS; and the load average before and after, since other processes skew
every figure. `--repeat N` runs both passes N times (the first from no stored
suggestions each time) and adds the runs of median wall time. Not a test: no
asserts on timing. `--profile` also runs both passes in-process under
cProfile and prints the top functions (of the main thread: files are stored
from a pool of threads, which it does not see).

    python benchmarks/suggest_speed.py [--articles 1000] [--size 5000] [--seed 1]
        [--by quotes,numbers,hedges] [--repeat 1] [--profile] [--keep]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
TARGET_SECONDS = 10.0
SUMMARY = re.compile(
    r"(?P<ref>\S+): (?P<suggestions>\d+) suggestion\(s\) in (?P<documents>\d+) document\(s\), "
    r"(?P<written>\d+) file\(s\) written, (?P<unchanged>\d+) unchanged"
)

# -- the corpus -----------------------------------------------------------------

NAME_SWAPS = {
    "Milley": ["Milley", "Ramirez", "Okafor", "Lindqvist", "Haddad"],
    "Mark": ["Mark", "Maria", "Daniel", "Amina"],
    "Austin": ["Austin", "Nakamura", "Moreau", "Kowalski"],
    "Taliban": ["Taliban", "militants", "insurgents"],
    "Kabul": ["Kabul", "Kandahar", "Herat", "Mazar-i-Sharif"],
    "Pentagon": ["Pentagon", "State Department", "White House"],
    "Monday": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"],
    "Tuesday": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"],
    "Wednesday": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"],
}
NAME = re.compile(r"\b(?:" + "|".join(map(re.escape, NAME_SWAPS)) + r")\b")
NUMBER = re.compile(r"\d+")


def seed_paragraphs() -> list[str]:
    """Every non-empty line of the seed articles: each is a paragraph."""
    paragraphs: list[str] = []
    for path in sorted(SEEDS.glob("*.txt")):
        paragraphs.extend(line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return paragraphs


def vary(paragraph: str, rng: random.Random) -> str:
    """The paragraph with its numbers (same number of digits) and names swapped."""
    paragraph = NUMBER.sub(lambda m: str(rng.randrange(10 ** (len(m.group()) - 1), 10 ** len(m.group()))), paragraph)
    return NAME.sub(lambda m: rng.choice(NAME_SWAPS[m.group()]), paragraph)


def build_article(paragraphs: list[str], rng: random.Random, size: int) -> str:
    """Varied paragraphs in a shuffled order until the article holds about `size` bytes of UTF-8."""
    order = paragraphs[:]
    rng.shuffle(order)
    chosen: list[str] = []
    total = 0
    index = 0
    while total < size:
        paragraph = vary(order[index % len(order)], rng)
        index += 1
        if total + len(paragraph.encode("utf-8")) > size * 1.1 and total > size * 0.8:
            continue  # too long to end on: try a shorter one
        chosen.append(paragraph)
        total += len(paragraph.encode("utf-8")) + 2
        if index > 10 * len(order):
            break
    return "\n\n".join(chosen) + "\n"


@dataclass
class Corpus:
    root: Path
    articles: int
    bytes: int
    distinct: int


def build_project(root: Path, articles: int, size: int, seed: int) -> Corpus:
    rng = random.Random(seed)
    paragraphs = seed_paragraphs()
    (root / "annotator.toml").write_text('documents = ["docs"]\nannotator = "bench"\n', encoding="utf-8")
    docs = root / "docs"
    docs.mkdir()
    total = 0
    texts: set[str] = set()
    for number in range(1, articles + 1):
        text = build_article(paragraphs, rng, size)
        texts.add(text)
        data = text.encode("utf-8")
        (docs / f"article-{number:04d}.txt").write_bytes(data)
        total += len(data)
    return Corpus(root, articles, total, len(texts))


# -- running --------------------------------------------------------------------


@dataclass
class Run:
    name: str
    wall: float
    user: float  # CPU seconds of the command's process, in user mode
    system: float  # and in the kernel (writing, fsync)
    returncode: int
    suggestions: int
    written: int
    unchanged: int
    files: int  # suggestion files under suggestions/ after the run
    output: str


def command(by: str) -> list[str]:
    return [sys.executable, "-m", "annotator", "suggest", "--by", by]


def run_command(name: str, root: Path, by: str) -> Run:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    done = subprocess.run(command(by), cwd=root, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    output = done.stdout + done.stderr
    summaries = [m.groupdict() for m in SUMMARY.finditer(output)]
    files = sum(1 for _ in (root / "suggestions").glob("*/*.json"))
    return Run(
        name,
        wall,
        after.ru_utime - before.ru_utime,
        after.ru_stime - before.ru_stime,
        done.returncode,
        sum(int(s["suggestions"]) for s in summaries),
        sum(int(s["written"]) for s in summaries),
        sum(int(s["unchanged"]) for s in summaries),
        files,
        output,
    )


def profile_in_process(root: Path, by: str) -> None:
    """Both passes again in this process under cProfile: a fresh run (suggestions removed) and an unchanged one."""
    sys.path.insert(0, str(REPO))
    from annotator.cli.main import main as annotator_main

    shutil.rmtree(root / "suggestions", ignore_errors=True)
    cwd = Path.cwd()
    os.chdir(root)
    try:
        for title in ("fresh run", "unchanged run"):
            profiler = cProfile.Profile()
            began = time.perf_counter()
            profiler.enable()
            annotator_main(["suggest", "--by", by])
            profiler.disable()
            took = time.perf_counter() - began
            for order in ("cumulative", "tottime"):
                stream = io.StringIO()
                pstats.Stats(profiler, stream=stream).sort_stats(order).print_stats(30)
                lines = stream.getvalue().splitlines()
                start = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
                print(f"\n--- cProfile: {title}, in-process, {took:.2f} s under the profiler ({order}) ---")
                print("\n".join(lines[start:]))
    finally:
        os.chdir(cwd)


# -- reporting ------------------------------------------------------------------


def load() -> str:
    try:
        one, five, _ = os.getloadavg()
    except OSError:
        return "?"
    return f"{one:.2f} (5 min {five:.2f}) on {os.cpu_count()} cores"


def print_table(corpus: Corpus, runs: list[Run]) -> None:
    header = (
        f"{'run':<18}{'articles':>9}{'total KB':>10}{'wall s':>8}{'user s':>8}{'sys s':>7}{'suggestions':>13}"
        f"{'written':>9}{'unchanged':>11}{'files':>7}{'target':>9}  verdict"
    )
    print(header)
    print("-" * len(header))
    for run in runs:
        verdict = "PASS" if run.wall <= TARGET_SECONDS and run.returncode == 0 else "MISS"
        if run.returncode != 0:
            verdict += f" (exit {run.returncode})"
        print(
            f"{run.name:<18}{corpus.articles:>9,}{corpus.bytes / 1000:>10,.0f}{run.wall:>8.2f}{run.user:>8.2f}"
            f"{run.system:>7.2f}{run.suggestions:>13,}{run.written:>9,}{run.unchanged:>11,}{run.files:>7,}"
            f"{'≤' + format(TARGET_SECONDS, 'g') + ' s':>9}  {verdict}"
        )


def median_run(name: str, runs: list[Run]) -> Run:
    """The run of median wall time (the lower middle one of an even number)."""
    ordered = sorted(runs, key=lambda run: run.wall)
    return replace(ordered[(len(ordered) - 1) // 2], name=name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000, help="articles in the corpus (default 1000)")
    parser.add_argument("--size", type=int, default=5000, help="bytes of UTF-8 per article (default 5000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--repeat", type=int, default=1, help="run both passes this many times (from no suggestions each time)"
    )
    parser.add_argument("--by", default="quotes,numbers,hedges", help="the built-in suggesters to run")
    parser.add_argument("--profile", action="store_true", help="also profile both passes in-process")
    parser.add_argument("--keep", action="store_true", help="keep the temporary project")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="annotator-suggest-speed-"))
    try:
        began = time.perf_counter()
        corpus = build_project(root, args.articles, args.size, args.seed)
        print(
            f"project: {root}\n"
            f"  {corpus.articles:,} articles ({corpus.distinct:,} distinct), {corpus.bytes / 1000:,.0f} KB in all, "
            f"{corpus.bytes / corpus.articles:,.0f} bytes on average ({(time.perf_counter() - began) * 1000:.0f} ms)\n"
            f"  command: {' '.join(command(args.by)[1:])} (Python {sys.version.split()[0]})"
        )
        load_before = load()
        firsts: list[Run] = []
        again: list[Run] = []
        for number in range(1, args.repeat + 1):
            shutil.rmtree(root / "suggestions", ignore_errors=True)
            suffix = f" {number}/{args.repeat}" if args.repeat > 1 else ""
            firsts.append(run_command(f"first{suffix}", root, args.by))
            again.append(run_command(f"unchanged{suffix}", root, args.by))
        print(f"load average: {load_before} before, {load()} after\n")
        runs = [run for pair in zip(firsts, again, strict=True) for run in pair]
        if args.repeat > 1:
            runs += [median_run("first, median", firsts), median_run("unchanged, median", again)]
        print_table(corpus, runs)
        for run in runs:
            if run.returncode != 0 or not SUMMARY.search(run.output):
                print(f"\n{run.name} run printed:\n{run.output}")
        for run in again:
            if run.written:
                print(f"\nnote: the {run.name} run wrote {run.written} file(s); it should write none")
        if args.profile:
            profile_in_process(root, args.by)
    finally:
        if args.keep:
            print(f"\nkept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
