"""The ledger as plain text for a terminal or a pipe: flags first, then each speaker.

Differences are written as word diffs (wdiff's notation, readable without
colour and easy to grep): `[-dropped words-]`, `{+added words+}`, a change
as both, and a punctuation or sentence-break difference, the quieter kind,
as `⟨, but | . But⟩`. Text from the files is made terminal-safe and kept on
one line (annotator.text.one_line): an article can hold escape sequences.
"""

from __future__ import annotations

from annotator.ledger.model import ChangeKind, Comparison, Ledger, Quote, Segment, Utterance
from annotator.text import clip, one_line

QUOTE_WIDTH = 100


def render_table(ledger: Ledger) -> list[str]:
    """The ledger's lines, without trailing newlines."""
    lines = [_summary(ledger)]
    flags = ledger.flags
    if flags:
        lines += ["", f"Flags ({len(flags)}), what to check first:"]
        lines += [f"  {flag.kind.value:<10}  {one_line(flag.message)}" for flag in flags]
    for entry in ledger.speakers:
        person = entry.person
        others = [name for name in person.names if name != person.name]
        also = f"  (also: {', '.join(one_line(name) for name in others)})" if others else ""
        lines += ["", f"{one_line(person.name)}{also}"]
        for number, utterance in enumerate(entry.utterances, 1):
            lines += _utterance(number, utterance)
    if ledger.unattributed:
        lines += ["", f"No speaker ({len(ledger.unattributed)} quotes)"]
        lines += [f"    {_version(quote)}" for quote in ledger.unattributed]
    if ledger.skipped:
        lines += ["", "Skipped: no gold file and no file of the chosen annotator: " + ", ".join(ledger.skipped)]
    return lines


def _summary(ledger: Ledger) -> str:
    outlets = list(dict.fromkeys(source.outlet for source in ledger.sources))
    utterances = sum(len(entry.utterances) for entry in ledger.speakers)
    return (
        f"Quote ledger: {len(ledger.sources)} document(s) ({one_line(', '.join(outlets))}), "
        f"{len(ledger.speakers)} speaker(s), {utterances} utterance(s); "
        f"one utterance at a word similarity of {ledger.threshold:g} or more"
    )


def _utterance(number: int, utterance: Utterance) -> list[str]:
    documents = len(utterance.documents)
    marks = "".join(f" [{kind}]" for kind in dict.fromkeys(flag.kind.value for flag in utterance.flags))
    lines = [f"  {number}. {documents} document(s){marks}"]
    lines += [f"    {_version(quote)}" for quote in utterance.quotes]
    lines += [f"    {_comparison(comparison)}" for comparison in utterance.comparisons]
    return lines


def _version(quote: Quote) -> str:
    source = quote.source
    where = f"{one_line(source.outlet)} · {source.doc_id} [{quote.start}, {quote.end}) {quote.kind.value}"
    return f"{where}: {clip(quote.text, QUOTE_WIDTH)}"


def _comparison(comparison: Comparison) -> str:
    left, right = comparison.left.source.outlet, comparison.right.source.outlet
    how = "within the longer quote" if comparison.partial else "whole"
    if not comparison.changes:
        said = "the same words"
    else:
        said = " ".join(_segment(segment) for segment in comparison.segments)
    return f"  {one_line(left)} → {one_line(right)} ({comparison.score:.2f}, {how}): {one_line(said)}"


def _segment(segment: Segment) -> str:
    if segment.change is None:
        return segment.left
    if segment.change is ChangeKind.PUNCTUATION:
        return f"⟨{segment.left} | {segment.right}⟩"
    dropped = f"[-{segment.left}-]" if segment.left else ""
    added = f"{{+{segment.right}+}}" if segment.right else ""
    return dropped + added
