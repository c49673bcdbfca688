"""Time the quote ledger on 1,000 articles with 20 quotes each (target: grouping in 5 s).

Generates a corpus the way news covers events: 200 events, each covered by
five outlets; an event has eight speakers (named with and without titles,
by surname alone) and fifteen things they said. Each article quotes twenty
of them: most as another outlet does, some with a word dropped or changed,
a comma become a full stop, a fragment, or paraphrased; a few quotes are its
own. Then:

1. grouping (annotator.ledger.grouping.build_ledger) on the quotes in memory:
   persons, utterances, alignments, differences and flags: target 5 s;
2. with --files, the whole `annotator quotes --format json` on the corpus
   written as documents and gold files (reading and parsing included).

Prints the median of --repeat runs and what was found.

    python benchmarks/quotes_bench.py [--articles N] [--quotes Q] [--repeat R] [--files]
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from validate_bench import WORDS  # noqa: E402 - the same news vocabulary

from annotator.ledger.gathering import quotes_of  # noqa: E402
from annotator.ledger.grouping import build_ledger  # noqa: E402
from annotator.ledger.model import Source  # noqa: E402

TARGET = 5.0
OUTLETS = ("Daily Post", "Herald", "Courier", "Tribune", "Gazette")
FIRST = ("Mark", "Ann", "Lloyd", "Maria", "John", "Jane", "Omar", "Li", "Kenneth", "Victoria", "Dan", "Bill")
LAST = ("Milley", "Lee", "Austin", "Garcia", "Smith", "Haddad", "Wei", "McKenzie", "Nuland", "Byman", "Roggio")
TITLES = ("Gen.", "Secretary", "Mayor", "Sen.", "Dr.", "")


def sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:]


def event(rng: random.Random) -> tuple[list[tuple[str, str, str]], list[tuple[int, str]]]:
    """Eight speakers (full name, title, surname) and fifteen utterances (speaker index, words)."""
    speakers = []
    for _ in range(8):
        first, last = rng.choice(FIRST), f"{rng.choice(LAST)}{rng.randrange(100)}"
        speakers.append((f"{first} {last}", rng.choice(TITLES), last))
    said = [(rng.randrange(8), sentence(rng, rng.randint(6, 30))) for _ in range(15)]
    return speakers, said


def rendered(rng: random.Random, words: str) -> tuple[str, bool]:
    """How one outlet prints an utterance, and whether it paraphrases it."""
    parts = words.split()
    roll = rng.random()
    if roll < 0.1 and len(parts) > 6:
        del parts[rng.randrange(len(parts))]
    elif roll < 0.2:
        parts[rng.randrange(len(parts))] = rng.choice(WORDS)
    elif roll < 0.3 and len(parts) > 8:
        parts = parts[: len(parts) // 2]
    elif roll < 0.35:
        return " ".join(parts).lower(), True
    text = " ".join(parts)
    if rng.random() < 0.2 and len(parts) > 4:
        cut = len(text) // 2
        text = text[:cut].rstrip(",") + ". " + text[cut:].lstrip().capitalize()
    return text, False


def article(rng: random.Random, doc_id: str, outlet: str, speakers, said, quotes: int):
    """An article's text and its quote spans (start, end, speaker as written)."""
    paragraphs, spans, at = [], [], 0
    for _ in range(quotes):
        speaker, words = rng.choice(said) if rng.random() < 0.85 else (rng.randrange(8), sentence(rng, 12))
        full, title, surname = speakers[speaker]
        name = rng.choice([full, f"{title} {full}".strip(), surname])
        text, paraphrased = rendered(rng, words)
        quote = text if paraphrased else f"“{text},”"
        lead = f"{sentence(rng, 8)}. "
        start = at + len(lead)
        paragraphs.append(f"{lead}{quote} {surname} said.")
        spans.append((start, start + len(quote), name))
        at += len(paragraphs[-1]) + 2
    return "\n\n".join(paragraphs) + "\n", spans


def corpus(articles: int, quotes: int, seed: int):
    rng = random.Random(seed)
    docs = []
    for index in range(articles):
        if index % len(OUTLETS) == 0:
            speakers, said = event(rng)
        doc_id = f"art-{index:05d}"
        text, spans = article(rng, doc_id, OUTLETS[index % len(OUTLETS)], speakers, said, quotes)
        docs.append((doc_id, OUTLETS[index % len(OUTLETS)], text, spans))
    return docs


def in_memory(docs) -> tuple[list, list[Source]]:
    from annotator.model.document import Document, DocumentMeta, text_sha256
    from annotator.model.editing import AnnotationSet

    quotes, sources = [], []
    for doc_id, outlet, text, spans in docs:
        document = Document(f"docs/{doc_id}.txt", text, DocumentMeta(doc_id, publisher=outlet), text_sha256(text))
        aset = AnnotationSet.new(document, "gold")
        for start, end, name in spans:
            aset.create(start, end, "quote", attributes={"speaker": name})
        source = Source(doc_id, document.path, f"annotations/{doc_id}/gold.json", "gold", outlet)
        sources.append(source)
        quotes.extend(quotes_of(aset.to_file().spans, text, source))
    return quotes, sources


def write_files(docs, root: Path) -> None:
    import orjson

    from annotator.model.document import Document, DocumentMeta, text_sha256
    from annotator.model.editing import AnnotationSet
    from annotator.storage import dumps

    (root / "annotator.toml").write_text('annotations = "annotations"\ndocuments = ["docs"]\n', encoding="utf-8")
    (root / "docs").mkdir()
    for doc_id, outlet, text, spans in docs:
        (root / "docs" / f"{doc_id}.txt").write_text(text, encoding="utf-8")
        meta = {"id": doc_id, "publisher": outlet}
        (root / "docs" / f"{doc_id}.meta.json").write_bytes(orjson.dumps(meta))
        document = Document(f"docs/{doc_id}.txt", text, DocumentMeta(doc_id, publisher=outlet), text_sha256(text))
        aset = AnnotationSet.new(document, "gold")
        for start, end, name in spans:
            aset.create(start, end, "quote", attributes={"speaker": name})
        folder = root / "annotations" / doc_id
        folder.mkdir(parents=True)
        (folder / "gold.json").write_bytes(dumps(aset.to_file()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--quotes", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--files", action="store_true", help="also time the whole command on files")
    args = parser.parse_args()

    docs = corpus(args.articles, args.quotes, args.seed)
    quotes, sources = in_memory(docs)
    times = []
    for _ in range(args.repeat):
        began = time.perf_counter()
        ledger = build_ledger(quotes, sources, threshold=0.6)
        times.append(time.perf_counter() - began)
    grouped = sum(1 for e in ledger.speakers for u in e.utterances if len(u.documents) > 1)
    kinds: dict[str, int] = {}
    for flag in ledger.flags:
        kinds[flag.kind.value] = kinds.get(flag.kind.value, 0) + 1
    median = statistics.median(times)
    print(f"{len(docs)} articles, {len(quotes)} quotes, {len(ledger.speakers)} persons")
    print(f"utterances quoted by several outlets: {grouped}; flags: {kinds}")
    verdict = "ok" if median <= TARGET else "OVER TARGET"
    print(f"grouping (median of {args.repeat}): {median:.2f} s  (target {TARGET:.0f} s: {verdict})")

    if args.files:
        with tempfile.TemporaryDirectory() as folder:
            root = Path(folder)
            write_files(docs, root)
            began = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "annotator", "quotes", "--format", "json", "--out", "ledger.json"],
                cwd=root,
                check=True,
            )
            print(f"the whole command on files: {time.perf_counter() - began:.2f} s")
    return 0 if median <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
