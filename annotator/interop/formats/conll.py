"""Token-level BIO tags, CoNLL style, for token-classification training (export only).

Output: `DEST`, the tags, and `<stem of DEST>.offsets.jsonl` beside it (as
Label Studio's export writes `<stem>.config.xml`), both UTF-8 without a BOM,
lines ended by "\\n", written together through Staging.

DEST, the CoNLL-2003 layout with two columns::

    -DOCSTART- O
                                 <- a blank line ends each sentence
    The O
    minister O
    said O
    “ B-quote
    we I-quote
    ...
    . O

    -DOCSTART- O                 <- the next annotation file

One line per token: the token, one space, its tag (`O`, `B-label`,
`I-label`). Each annotation file is one block opened by `-DOCSTART- O` and a
blank line; every sentence, the last one too, ends with a blank line, so the
file ends with "\\n\\n" (an export of nothing is empty).

Why two columns split by one space: it is what most readers take without
settings: `token, tag = line.split()` readers, flair's ColumnCorpus with
`{0: "text", 1: "ner"}`, the transformers token-classification examples
(`line.split(" ")`, the first column the token, the last the tag, lines
starting with `-DOCSTART-` skipped) and `spacy convert --converter ner` (the
first and the last column; it reads `-DOCSTART-` as one more token tagged O).
Readers that insist on CoNLL-2003's four columns (the Hub's conll2003
script, AllenNLP) read no two-column file. No offset columns: a reader that
takes the second column as the tag would take an offset for it, silently. No
comment lines: most of these readers have no comments, so "# doc_id = x"
would become the token "#", and one that skips "#" lines would also drop the
real token "#". A token never holds whitespace (annotator.tokens),
so splitting on tabs or any whitespace gives the same two columns, and no
token line is `-DOCSTART-` (the tokeniser cuts it at its hyphens).

The `.offsets.jsonl` file says what each block is and where each token lies,
one JSON object per block, in the same order::

    {"doc_id": ..., "path": ..., "annotator": ..., "line": N, "offsets": [[start, end], ...]}

`line` is the 1-based line of the block's `-DOCSTART-` in DEST; `offsets`
has one `[start, end)` per token line of the block, in code points of the
document text, so predictions can be put back on the article.

Tokens and sentences: annotator.tokens (words keeping internal
apostrophes and number punctuation, each punctuation mark and emoji a token,
one token per CJK ideograph; sentences by annotator.prose, a line break
always ending one). A sentence is not split inside a written span: sentences
a span runs across are written as one, so that every span reads back whole.

Spans to tokens: a span covers every token it overlaps. A span whose edges
are not token edges (it cuts a token, or starts or ends on whitespace) is
moved to the edges of those tokens and reported with its old and new offsets
(count `adjusted`); a span that overlaps no token (only whitespace) is left
out and reported (`skipped`, `empty`).

Overlaps: BIO gives a token one label, so overlapping spans cannot all be
written. `options["label"]` (`--label`) tags one label only; the other labels
are not exported at all, so nothing is lost to them. Otherwise
`options["priority"]` (`--priority a,b,c`: a comma-separated string or a
list) ranks the labels, the tag set's order (`options["tagset"]`) ranking
those it leaves out and being the whole ranking by default; labels outside
the tag set come last, by name. Spans are taken best first: the
higher-ranked label, then the earlier start, then the longer span. A span
keeps its tokens if none is taken yet; otherwise it is left out *whole*, even
if only some of its tokens are taken, because a span cut into pieces would
teach the model boundaries nobody drew. Every span left out is reported:
document and annotator, offsets, label, text (clipped) and the span(s) that
beat it; they are counted as `skipped` (what `annotator export --strict`
fails on), split into `overlap_covered` (wholly inside the winners) and
`overlap_cut` (partly). The same holds between spans of one label, with
`--label` too (two overlapping quotes: the earlier, then the longer, wins).

Tags: `options["scheme"]` "bio" (the default; also called IOB2): `B-` on the
first token of every span, so two adjacent spans of one label stay two.
"iob1": `I-` throughout, `B-` only on the first token of a span whose
preceding token, in the same sentence, belongs to a span of the same label.

A label in `--label` or `--priority` that is not in the tag set is an
InteropError naming it and the tag set's labels, raised before anything is
read or written; so are `--label` with `--priority` (with one label there is
nothing to rank) and a label listed twice.

Kept: span offsets and labels (on token edges), the document id and path,
the annotator. Lost: attributes, notes, span ids, groups (each fragment of a
discontinuous span is a span of its own), provenance and history; spans lost
to overlaps, as reported.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import IO, Any

import orjson

from annotator.interop import registry
from annotator.interop.formats import check_unit, report
from annotator.interop.model import ExportRecord, InteropError
from annotator.interop.output import Staging
from annotator.model.annotation import Span
from annotator.model.tagset import TagSet
from annotator.tokens import Tokens, sentence_starts, tokenise

NAME = "conll"
OFFSET_UNITS: tuple[str, ...] = registry.offset_units(NAME)

SCHEMES = ("bio", "iob1")
DOCSTART = "-DOCSTART- O\n"
OUTSIDE = "O"
_CLIP = 40  # characters of a span's text shown in a report


def outputs(dest: Path) -> tuple[Path, ...]:
    """Every file an export to `dest` writes: the tags and the offsets beside them."""
    return (Path(dest), offsets_path(dest))


def offsets_path(dest: Path | str) -> Path:
    return Path(dest).with_name(Path(dest).stem + ".offsets.jsonl")


# -- which spans, in which order ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class Policy:
    """Which spans are tagged and which one wins where spans overlap."""

    scheme: str
    only: str | None  # --label: tag this label alone
    order: tuple[str, ...]  # labels, the winner first

    def takes(self, label: str) -> bool:
        return self.only is None or label == self.only

    def rank(self, label: str) -> tuple[int, str]:
        """Sort key of a label: its place in the order; labels outside it last, by name."""
        try:
            return self.order.index(label), ""
        except ValueError:
            return len(self.order), label

    def describe(self) -> str:
        same = "the earlier, then the longer span wins"
        if self.only is not None:
            return f"--label {self.only}: {same}"
        return f"priority {','.join(self.order)}; within a label {same}"


def check_options(options: dict) -> None:
    """InteropError for a bad --scheme, --label or --priority, before anything is read."""
    policy(options)


def policy(options: dict) -> Policy:
    """The Policy of `options`; InteropError for an unknown scheme or label."""
    scheme = options.get("scheme") or "bio"
    if scheme not in SCHEMES:
        raise InteropError(f"{NAME}: --scheme must be one of {', '.join(SCHEMES)}, not {scheme!r}")
    known = _tagset_labels(options)
    only = options.get("label")
    priority = options.get("priority")
    if only and priority:
        raise InteropError(f"{NAME}: give --label or --priority, not both: with one label there is nothing to rank")
    if only:
        _check_known(str(only), "--label", known)
        return Policy(scheme, str(only), (str(only),))
    ranked = _priority(priority, known) if priority else ()
    rest = tuple(label for label in known or () if label not in ranked)
    return Policy(scheme, None, ranked + rest)


def _tagset_labels(options: dict) -> tuple[str, ...] | None:
    tagset: TagSet | None = options.get("tagset")
    return None if tagset is None else tuple(tagset.names())


def _priority(value: str | Sequence[str], known: tuple[str, ...] | None) -> tuple[str, ...]:
    items = value.split(",") if isinstance(value, str) else list(value)
    labels = tuple(str(item).strip() for item in items)
    seen: set[str] = set()
    for label in labels:
        if not label:
            raise InteropError(f"{NAME}: --priority {value!r} has an empty label; write e.g. quote,claim,number")
        if label in seen:
            raise InteropError(f"{NAME}: --priority lists {label!r} twice")
        seen.add(label)
        _check_known(label, "--priority", known)
    return labels


def _check_known(label: str, flag: str, known: tuple[str, ...] | None) -> None:
    if known is not None and label not in known:
        raise InteropError(
            f"{NAME}: unknown label {label!r} in {flag}; the tag set's labels are: {', '.join(known) or '(none)'}"
        )


# -- spans laid on tokens ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Placed:
    """A span on the tokens it overlaps: token indices [first, stop) and their character edges."""

    span: Span
    first: int
    stop: int
    start: int
    end: int

    @property
    def moved(self) -> bool:
        return (self.start, self.end) != (self.span.start, self.span.end)


@dataclass(frozen=True, slots=True)
class Loss:
    """A span left out because spans that rank higher hold some or all of its tokens."""

    placed: Placed
    winners: tuple[Placed, ...]
    covered: bool  # every one of its tokens is held by a winner


@dataclass(slots=True)
class Block:
    """One annotation file, tagged: what is written and what changed on the way."""

    record: ExportRecord
    tokens: Tokens
    tags: list[str]
    sentences: list[int]  # token index of each sentence's first token
    kept: list[Placed]
    moved: list[Placed] = field(default_factory=list)
    empty: list[Span] = field(default_factory=list)
    lost: list[Loss] = field(default_factory=list)


def place(spans: Iterable[Span], tokens: Tokens) -> tuple[list[Placed], list[Span]]:
    """Each span on the tokens it overlaps, and the spans that overlap none."""
    placed: list[Placed] = []
    empty: list[Span] = []
    for span in spans:
        covered = tokens.covering(span.start, span.end)
        if not covered:
            empty.append(span)
            continue
        first, stop = covered.start, covered.stop
        placed.append(Placed(span, first, stop, tokens.starts[first], tokens.ends[stop - 1]))
    return placed, empty


def resolve(placed: list[Placed], rules: Policy, count: int) -> tuple[list[Placed], list[Loss], list[int]]:
    """The spans kept, best first; those lost; and for each of `count` tokens the
    index in the kept list of the span that holds it, or -1."""
    owner = [-1] * count
    kept: list[Placed] = []
    lost: list[Loss] = []
    order = sorted(
        placed,
        key=lambda each: (rules.rank(each.span.label), each.first, -each.stop, each.start, -each.end, each.span.id),
    )
    for each in order:
        held = owner[each.first : each.stop]
        winners = sorted({index for index in held if index >= 0})
        if winners:
            lost.append(Loss(each, tuple(kept[index] for index in winners), covered=min(held) >= 0))
            continue
        owner[each.first : each.stop] = [len(kept)] * (each.stop - each.first)
        kept.append(each)
    return kept, lost, owner


def joined_sentences(starts: list[int], owner: list[int]) -> list[int]:
    """Sentence starts, without those inside a kept span: a span is never split across sentences."""
    return [index for index in starts if index == 0 or owner[index] < 0 or owner[index] != owner[index - 1]]


def tag(kept: list[Placed], count: int, sentences: list[int], scheme: str) -> list[str]:
    """The tag of each of `count` tokens."""
    tags = [OUTSIDE] * count
    starts = set(sentences)
    for each in sorted(kept, key=lambda placed: placed.first):
        label = each.span.label
        inside = f"I-{label}"
        tags[each.first : each.stop] = [inside] * (each.stop - each.first)
        if scheme == "bio" or _follows_same_label(tags, each.first, label, starts):
            tags[each.first] = f"B-{label}"
    return tags


def _follows_same_label(tags: list[str], index: int, label: str, sentence_starts: set[int]) -> bool:
    """IOB1: does the token before `index`, in the same sentence, carry `label`?"""
    return index > 0 and index not in sentence_starts and tags[index - 1][2:] == label


def lay_out(record: ExportRecord, rules: Policy) -> Block:
    """Tokens, tags and sentences of one annotation file under `rules`."""
    tokens = tokenise(record.document.text)
    placed, empty = place((span for span in record.file.spans if rules.takes(span.label)), tokens)
    kept, lost, owner = resolve(placed, rules, len(tokens))
    sentences = joined_sentences(sentence_starts(tokens), owner)
    tags = tag(kept, len(tokens), sentences, rules.scheme)
    moved = sorted((each for each in placed if each.moved), key=_position)
    lost.sort(key=lambda loss: _position(loss.placed))
    return Block(record, tokens, tags, sentences, kept, moved, empty, lost)


def _position(placed: Placed) -> tuple[int, int, str]:
    return placed.span.start, placed.span.end, placed.span.id


# -- writing -------------------------------------------------------------------------


def block_text(block: Block) -> str:
    """The block's lines: -DOCSTART-, then each sentence followed by a blank line."""
    tokens, tags = block.tokens, block.tags
    text, starts, ends = tokens.text, tokens.starts, tokens.ends
    boundaries = [*block.sentences, len(tokens)]
    parts = [DOCSTART]
    for first, stop in pairwise(boundaries):
        parts.append("\n")
        parts.extend(f"{text[starts[i] : ends[i]]} {tags[i]}\n" for i in range(first, stop))
    parts.append("\n")
    return "".join(parts)


def offsets_line(block: Block, line: int) -> bytes:
    document = block.record.document
    entry: dict[str, Any] = {
        "doc_id": document.id,
        "path": document.path,
        "annotator": block.record.file.annotator,
        "line": line,
        "offsets": list(zip(block.tokens.starts, block.tokens.ends, strict=True)),  # orjson writes tuples as arrays
    }
    return orjson.dumps(entry, option=orjson.OPT_APPEND_NEWLINE)


def block_line_count(block: Block) -> int:
    """Lines `block_text` writes: -DOCSTART-, a blank line before each sentence, the tokens, the last blank line."""
    return 1 + len(block.sentences) + len(block.tokens) + 1


def export(records: Iterable[ExportRecord], dest: Path, *, offsets: str = "codepoint", options: dict) -> int:
    check_unit(NAME, OFFSET_UNITS, offsets)
    rules = policy(options)
    findings = Findings()
    with (
        Staging() as staging,
        staging.open(dest, "w", encoding="utf-8", newline="\n") as out,
        staging.open(offsets_path(dest), "wb") as side,
    ):
        written = _write(records, rules, out, side, findings)
    findings.report(options, rules)
    return written


def _write(records: Iterable[ExportRecord], rules: Policy, out: IO[str], side: IO[bytes], findings: Findings) -> int:
    written = 0
    line = 1
    for record in records:
        block = lay_out(record, rules)
        out.write(block_text(block))
        side.write(offsets_line(block, line))
        line += block_line_count(block)
        written += len(block.kept)
        findings.add(block)
    return written


# -- reporting -----------------------------------------------------------------------


@dataclass(slots=True)
class Findings:
    """What the export changed or left out, as lines of its report, in the order of the files."""

    moved: list[str] = field(default_factory=list)
    empty: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    covered: int = 0

    def add(self, block: Block) -> None:
        where = _where(block.record)
        self.moved.extend(f"{where} {_shown_span(each.span)} -> {_shown_edges(block, each)}" for each in block.moved)
        self.empty.extend(f"{where} {_shown_span(span)}" for span in block.empty)
        for loss in block.lost:
            winners = " and ".join(_shown_span(each.span) for each in loss.winners)
            how = "inside it" if loss.covered else "partly overlapping"
            self.lost.append(f"{where} {_shown_span(loss.placed.span)} lost to {winners} ({how})")
            self.covered += loss.covered

    def report(self, options: dict, rules: Policy) -> None:
        if self.moved:
            report(
                options,
                f"{NAME}: {len(self.moved)} span(s) did not fall on token edges and were moved to the edges "
                "of the tokens they overlap:" + _listing(self.moved),
                adjusted=len(self.moved),
            )
        if self.empty:
            report(
                options,
                f"{NAME}: {len(self.empty)} span(s) cover no token (only spaces) and were left out:"
                + _listing(self.empty),
                skipped=len(self.empty),
                empty=len(self.empty),
            )
        if self.lost:
            cut = len(self.lost) - self.covered
            report(
                options,
                f"{NAME}: {len(self.lost)} overlapping span(s) left out whole ({rules.describe()}): "
                f"{self.covered} inside a span kept, {cut} partly overlapping one:" + _listing(self.lost),
                skipped=len(self.lost),
                overlap_covered=self.covered,
                overlap_cut=cut,
            )


def _listing(lines: list[str]) -> str:
    return "".join(f"\n  {line}" for line in lines)


def _where(record: ExportRecord) -> str:
    return f"document {record.document.id} ({record.file.annotator}):"


def _clip(text: str) -> str:
    return text if len(text) <= _CLIP else text[: _CLIP - 1] + "…"


def _shown_span(span: Span) -> str:
    return f"{span.label} [{span.start}, {span.end}) {_clip(span.text)!r}"


def _shown_edges(block: Block, placed: Placed) -> str:
    return f"[{placed.start}, {placed.end}) {_clip(block.tokens.text[placed.start : placed.end])!r}"
