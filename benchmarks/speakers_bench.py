"""Time speaker normalisation (annotator.ledger.speakers.resolve) on a generated corpus.

Generates N documents (default 1,000) of Q quote speakers each (default 20),
drawn from a few hundred people written the ways news writes them (full name,
title and name, title and surname, surname alone, initials, possessive), some
surnames shared by two people, organisations and descriptions, plus a table
of aliases. Then resolves them: median of --repeat runs (target under 0.5 s),
each on a fresh shuffle of the mentions, and checks that the keys do not
depend on the order.

    python benchmarks/speakers_bench.py [--docs N] [--quotes Q] [--repeat R]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from annotator.ledger.speakers import Mention, resolve  # noqa: E402

TARGET_SECONDS = 0.5
GIVEN = "Mark Lloyd Anna Maria José Omar Li Ruth Ines Kenneth Victoria Dan Bill Elena Paulo Ali Jane John".split()
SURNAMES = (
    "Milley Austin Okafor Haddad Moreau Nuland McKenzie Byman Roggio Vasquez Santos Hassan Smith Núñez "
    "Keane Porter Reyes Chen Kowalski Nakamura Osei Dubois Rossi Ivanova Larsen Brennan Ahmadi Torres"
).split()
TITLES = ("Gen.", "Defense Secretary", "Sen.", "Dr.", "Secretary of State", "Chairman", "Lt. Gen.", "spokesman")
ORGANISATIONS = ("the UN", "U.N.", "NATO", "the Pentagon", "Human Rights Watch", "the State Department")
DESCRIPTIONS = (
    "officials",
    "Officials",
    "unnamed military official",
    "a senior U.S. official",
    "experts",
    "intelligence agencies",
    "the company",
    "a spokesperson",
)


def corpus(docs: int, quotes: int, seed: int = 7) -> list[Mention]:
    rng = random.Random(seed)
    people = [(rng.choice(GIVEN), f"{rng.choice(SURNAMES)}{n // len(SURNAMES) or ''}") for n in range(400)]
    mentions = []
    for doc in range(docs):
        doc_id = f"doc-{doc:05d}"
        cast = rng.sample(people, 4)
        for _ in range(quotes):
            mentions.append(Mention(_written(rng, rng.choice(cast)), doc_id))
    return mentions


def _written(rng: random.Random, person: tuple[str, str]) -> str:
    given, surname = person
    roll = rng.random()
    if roll < 0.1:
        return rng.choice(ORGANISATIONS)
    if roll < 0.25:
        return rng.choice(DESCRIPTIONS)
    forms = (
        f"{given} {surname}",
        f"{rng.choice(TITLES)} {given} {surname}",
        f"{rng.choice(TITLES)} {surname}",
        surname,
        f"{given[0]}. {surname}",
        f"{given} A. {surname} Jr.",
        f"{surname}'s",
    )
    return rng.choice(forms)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--quotes", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    mentions = corpus(args.docs, args.quotes)
    aliases = {"SecDef": "Lloyd Austin", "POTUS": "Joe Biden", "Smith": "Jane Smith"}
    timings, results = [], []
    rng = random.Random(3)
    for _ in range(args.repeat):
        shuffled = rng.sample(mentions, len(mentions))
        started = time.perf_counter()
        results.append(resolve(shuffled, aliases))
        timings.append(time.perf_counter() - started)
    keys = [{mention: person.key for mention, person in result.items()} for result in results]
    if any(each != keys[0] for each in keys):
        sys.exit("the keys depend on the order of the mentions")
    median = statistics.median(timings)
    people = len({person.key for person in results[0].values()})
    verdict = "met" if median <= TARGET_SECONDS else "MISSED"
    print(
        f"resolve: {len(mentions):,} mentions ({len(set(mentions)):,} distinct), {people:,} persons: "
        f"median {median:.3f} s of {args.repeat}  target <= {TARGET_SECONDS} s: {verdict}"
    )


if __name__ == "__main__":
    main()
