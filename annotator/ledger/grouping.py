"""Quotes into utterances, and the flags an editor reads first.

Persons: every quote's speaker name is resolved to a person of the corpus
(speakers.resolve, with the project's aliases). A quote with no speaker is
listed as unattributed and grouped with nothing.

Utterances: two quotes of one person from different documents render the
same utterance when their words align with a similarity of at least the
threshold (alignment.match: whole, or a fragment within a longer quote).
A paraphrase rarely keeps the words, so a paraphrase and a quote of the same
person are one utterance when they share at least PARAPHRASE_MIN_SHARED
content words (not function words) that make at least PARAPHRASE_SHARE of
the smaller one's. Utterances are the connected groups of these pairs, so a
fragment quoted by one outlet joins the longer answer another printed.

Each pair that matched is a Comparison, left being the earlier source (by
publication date, then document id); for each quote, only its best match in
each other document is compared, so that a group of many versions does not
show every pair.

Flags, most important first:

* WORDING: a comparison of two quotes (not paraphrases) whose words differ.
* PARAPHRASE: an utterance one outlet quotes and another paraphrases.
* MISSING: documents that share an utterance cover one event. A person
  quoted by some documents of an event and not at all by others is flagged
  once; an utterance of a person whom another document quotes on the event,
  but not saying this, is flagged on its own.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Indel

from annotator.ledger.alignment import (
    LENGTH_RATIO,
    MIN_PARTIAL_WORDS,
    Match,
    Vocabulary,
    match,
    segments,
    whole_or_partial,
    window_tokens,
)
from annotator.ledger.model import (
    ChangeKind,
    Comparison,
    Flag,
    FlagKind,
    Ledger,
    Person,
    Quote,
    QuoteKind,
    Source,
    SpeakerEntry,
    Utterance,
)
from annotator.ledger.speakers import Mention, resolve
from annotator.ledger.words import joined

PARAPHRASE_MIN_SHARED = 3
PARAPHRASE_SHARE = 0.5
# Function words, left out when a paraphrase is matched with a quote: they are
# shared by any two English sentences.
_FUNCTION_WORDS = frozenset(
    """a an the and or but if so of to in on at by for with from as into about than that this these those
    it its it's is are was were be been being am has have had do does did will would can could should may might
    must shall not no i we you he she they me us him her them my our your his their there here what which who
    whom whose when where why how all any some very just also too then now""".split()
)


def build_ledger(
    quotes: Sequence[Quote],
    sources: Sequence[Source],
    *,
    threshold: float,
    aliases: Mapping[str, str] | None = None,
    skipped: Sequence[str] = (),
) -> Ledger:
    """The ledger of `quotes`: persons, their utterances, comparisons and flags."""
    order = {source.doc_id: index for index, source in enumerate(sources)}
    attributed = [quote for quote in quotes if quote.speaker is not None]
    mentions = [Mention(quote.speaker or "", quote.source.doc_id) for quote in attributed]
    persons = resolve(mentions, aliases or {})
    by_person: dict[str, list[Quote]] = defaultdict(list)
    person_of: dict[str, Person] = {}
    for quote, mention in zip(attributed, mentions, strict=True):
        person = persons[mention]
        by_person[person.key].append(quote)
        person_of[person.key] = person
    vocabulary = Vocabulary()
    utterances = [
        utterance
        for key in by_person
        for utterance in _utterances(person_of[key], by_person[key], threshold, vocabulary, order)
    ]
    utterances = _with_missing_flags(utterances, sources)
    entries = _entries(utterances, order)
    unattributed = tuple(sorted((q for q in quotes if q.speaker is None), key=lambda q: _position(q, order)))
    return Ledger(tuple(entries), unattributed, tuple(sources), threshold, tuple(skipped))


def _position(quote: Quote, order: Mapping[str, int]) -> tuple[int, int]:
    return (order.get(quote.source.doc_id, len(order)), quote.start)


# -- pairs and groups ---------------------------------------------------------------


class _Pairs:
    """The matched pairs among one person's quotes, and the groups they make."""

    def __init__(self, count: int) -> None:
        self.parent = list(range(count))
        self.best: dict[tuple[int, str], tuple[float, int, Match]] = {}

    def add(self, i: int, j: int, found: Match, doc_i: str, doc_j: str) -> None:
        self.parent[self.root(i)] = self.root(j)
        for mine, other, doc in ((i, j, doc_j), (j, i, doc_i)):
            held = self.best.get((mine, doc))
            if held is None or found.score > held[0]:
                self.best[(mine, doc)] = (found.score, other, found)

    def root(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def groups(self) -> list[list[int]]:
        found: dict[int, list[int]] = defaultdict(list)
        for i in range(len(self.parent)):
            found[self.root(i)].append(i)
        return list(found.values())

    def compared(self) -> set[tuple[int, int, Match]]:
        """Each quote's best match in each other document, each pair once."""
        pairs = {}
        for (mine, _), (_, other, found) in self.best.items():
            pairs.setdefault((min(mine, other), max(mine, other)), found)
        return {(i, j, found) for (i, j), found in pairs.items()}


def _utterances(
    person: Person, quotes: list[Quote], threshold: float, vocabulary: Vocabulary, order: Mapping[str, int]
) -> list[Utterance]:
    quotes = sorted(quotes, key=lambda quote: _position(quote, order))
    codes = [vocabulary.encode(quote.words) for quote in quotes]
    content = [_content(quote) for quote in quotes]
    pairs = _Pairs(len(quotes))
    for i, j in sorted(_candidates(quotes, codes, content, threshold)):
        if quotes[i].source.doc_id == quotes[j].source.doc_id:
            continue
        found = _pair(quotes[i], quotes[j], codes[i], codes[j], content[i], content[j], threshold)
        if found is not None:
            pairs.add(i, j, found, quotes[i].source.doc_id, quotes[j].source.doc_id)
    by_group: dict[int, list[Comparison]] = defaultdict(list)
    for i, j, found in sorted(pairs.compared(), key=lambda each: each[:2]):
        by_group[pairs.root(i)].append(_comparison(quotes[i], quotes[j], found, vocabulary))
    result = []
    for group in pairs.groups():
        comparisons = tuple(by_group.get(pairs.root(group[0]), ()))
        flags = tuple(flag for each in comparisons for flag in _pair_flags(person, each))
        result.append(Utterance(person, tuple(quotes[i] for i in sorted(group)), comparisons, flags))
    return result


def _candidates(
    quotes: Sequence[Quote], codes: Sequence[str], content: Sequence[frozenset[str]], threshold: float
) -> set[tuple[int, int]]:
    """The pairs (i < j) that `_pair` could match: every pair of quotes whose words score
    at least `threshold` whole or as a fragment, and every paraphrase and quote that
    share PARAPHRASE_MIN_SHARED content words. rapidfuzz's `process.extract` scores one
    quote against all the others in C++: a person quoted 3,000 times is 4.5 million
    pairs, which a Python loop takes 19 s over and this 1 s."""
    found: set[tuple[int, int]] = set()
    cutoff = threshold * 100
    by_length = sorted(range(len(codes)), key=lambda i: len(codes[i]))
    lengths = [len(codes[i]) for i in by_length]
    for i, code in enumerate(codes):
        if not code:
            continue
        for _, _, j in process.extract(
            code, codes, scorer=Indel.normalized_similarity, score_cutoff=threshold, limit=None
        ):
            found.add((min(i, j), max(i, j)))
        # A fragment within a longer quote: only quotes long enough to be compared so.
        longer = by_length[bisect_right(lengths, len(code) / LENGTH_RATIO) :]
        if len(code) >= MIN_PARTIAL_WORDS and longer:
            choices = [codes[j] for j in longer]
            for _, _, k in process.extract(code, choices, scorer=fuzz.partial_ratio, score_cutoff=cutoff, limit=None):
                j = longer[k]
                found.add((min(i, j), max(i, j)))
    found.update(_paraphrase_candidates(quotes, content))
    return {(i, j) for i, j in found if i != j}


def _paraphrase_candidates(quotes: Sequence[Quote], content: Sequence[frozenset[str]]) -> set[tuple[int, int]]:
    """Each paraphrase with each quote (not a paraphrase) it shares enough content words with."""
    postings: dict[str, list[int]] = defaultdict(list)
    for index, quote in enumerate(quotes):
        if quote.kind is not QuoteKind.PARAPHRASE:
            for word in content[index]:
                postings[word].append(index)
    found = set()
    for index, quote in enumerate(quotes):
        if quote.kind is QuoteKind.PARAPHRASE:
            shared = Counter(other for word in content[index] for other in postings.get(word, ()))
            found.update((min(index, j), max(index, j)) for j, n in shared.items() if n >= PARAPHRASE_MIN_SHARED)
    return found


def _pair(a: Quote, b: Quote, code_a: str, code_b: str, content_a, content_b, threshold: float) -> Match | None:
    if (a.kind is QuoteKind.PARAPHRASE) != (b.kind is QuoteKind.PARAPHRASE):
        return _paraphrase_match(code_a, code_b, content_a, content_b)
    if whole_or_partial(code_a, code_b):
        # The cheap bound first: most pairs of one person's quotes are different utterances.
        score = Indel.normalized_similarity(code_a, code_b, score_cutoff=threshold)
        return Match(score) if score else None
    found = match(code_a, code_b)
    return found if found.score >= threshold else None


def _content(quote: Quote) -> frozenset[str]:
    return frozenset(word.norm for word in quote.words if not word.punct and word.norm not in _FUNCTION_WORDS)


def _paraphrase_match(code_a: str, code_b: str, content_a: frozenset[str], content_b: frozenset[str]) -> Match | None:
    shared = len(content_a & content_b)
    smaller = min(len(content_a), len(content_b))
    if shared < PARAPHRASE_MIN_SHARED or shared < PARAPHRASE_SHARE * smaller:
        return None
    return Match(shared / max(smaller, 1), partial=not whole_or_partial(code_a, code_b))


def _comparison(left: Quote, right: Quote, found: Match, vocabulary: Vocabulary) -> Comparison:
    left_words, right_words = list(left.words), list(right.words)
    if found.window is not None:
        longer_left = sum(not w.punct for w in left_words) > sum(not w.punct for w in right_words)
        if longer_left:
            left_words = window_tokens(left_words, found.window)
        else:
            right_words = window_tokens(right_words, found.window)
    parts = segments(left_words, right_words, vocabulary)
    return Comparison(left, right, round(found.score, 3), parts, found.partial)


# -- flags ----------------------------------------------------------------------------


def _pair_flags(person: Person, comparison: Comparison) -> Iterable[Flag]:
    left, right = comparison.left, comparison.right
    quotes = (left, right)
    paraphrased = [quote for quote in quotes if quote.kind is QuoteKind.PARAPHRASE]
    if len(paraphrased) == 1:
        other = right if paraphrased[0] is left else left
        yield Flag(
            FlagKind.PARAPHRASE,
            f"{person.name}: {other.source.outlet} quotes {_clip(joined(other.words))!r}, "
            f"{paraphrased[0].source.outlet} paraphrases it: {_clip(paraphrased[0].text)!r}",
            quotes,
        )
    elif not paraphrased and comparison.wording_differs:
        said = "; ".join(
            _describe(change.kind, change.left, change.right, left, right)
            for change in comparison.changes
            if change.kind is not ChangeKind.PUNCTUATION
        )
        yield Flag(
            FlagKind.WORDING, f"{person.name}: {left.source.outlet} and {right.source.outlet} differ: {said}", quotes
        )


def _describe(kind: ChangeKind, said: str, quoted: str, left: Quote, right: Quote) -> str:
    if kind is ChangeKind.DROPPED:
        return f"{said!r} only in {left.source.outlet}"
    if kind is ChangeKind.ADDED:
        return f"{quoted!r} only in {right.source.outlet}"
    return f"{said!r} in {left.source.outlet}, {quoted!r} in {right.source.outlet}"


def _clip(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _with_missing_flags(utterances: list[Utterance], sources: Sequence[Source]) -> list[Utterance]:
    """MISSING flags. Documents sharing any utterance cover one event. An utterance
    that some documents of its event lack is flagged; when those documents do not
    quote the person at all, one flag on the person's first utterance says so
    instead of one per quote."""
    neighbours: dict[str, set[str]] = defaultdict(set)
    quoted_in: dict[str, set[str]] = defaultdict(set)  # person key -> documents quoting them
    for utterance in utterances:
        documents = set(utterance.documents)
        quoted_in[utterance.person.key] |= documents
        if len(documents) > 1:
            for doc in documents:
                neighbours[doc] |= documents - {doc}
    outlet = {source.doc_id: source.outlet for source in sources}

    def outlets(documents: Iterable[str]) -> str:
        return ", ".join(dict.fromkeys(outlet[doc] for doc in sorted(documents, key=list(outlet).index)))

    said_of_person: set[str] = set()
    result = []
    for utterance in utterances:
        person = utterance.person
        documents = set(utterance.documents)
        event = set().union(*(neighbours[doc] for doc in documents)) | documents
        lacking = event - documents
        flags = list(utterance.flags)
        silent = lacking - quoted_in[person.key]  # documents that do not quote the person at all
        if silent and not person.in_one_document and person.key not in said_of_person:
            said_of_person.add(person.key)
            count = sum(1 for u in utterances if u.person.key == person.key)
            flags.append(
                Flag(
                    FlagKind.MISSING,
                    f"{person.name} is quoted by {outlets(quoted_in[person.key])} "
                    f"({count} {'quote' if count == 1 else 'quotes'}) "
                    f"but not by {outlets(silent)}, on the same event",
                    utterance.quotes,
                )
            )
        if lacking - silent:
            flags.append(
                Flag(
                    FlagKind.MISSING,
                    f"{person.name}: {_clip(joined(utterance.quotes[0].words), 60)!r} is quoted by "
                    f"{outlets(documents)} but not by {outlets(lacking - silent)} "
                    f"(also quoting {person.name} on the same event)",
                    utterance.quotes,
                )
            )
        result.append(Utterance(person, utterance.quotes, utterance.comparisons, tuple(flags)))
    return result


def _entries(utterances: list[Utterance], order: Mapping[str, int]) -> list[SpeakerEntry]:
    by_person: dict[str, list[Utterance]] = defaultdict(list)
    for utterance in utterances:
        by_person[utterance.person.key].append(utterance)
    entries = []
    for found in by_person.values():
        found.sort(key=lambda u: (-len(u.documents), _position(u.quotes[0], order)))
        entries.append(SpeakerEntry(found[0].person, tuple(found)))
    entries.sort(key=lambda entry: (entry.person.name.casefold(), entry.person.key))
    return entries
