"""The quote ledger as one self-contained HTML page: `render_html(ledger) -> str`.

What the page shows, top to bottom:

- a header with counts: documents, outlets, speakers, utterances, quotes,
  flags, unattributed quotes and skipped documents, and the similarity at
  which versions were grouped; a list of contents; a legend of the marks;
- "Flags", what an editor checks first: wording, then paraphrase, then
  missing; each flag links to its utterance and to the quotes it names;
- per speaker (the person's name, and the other names the files give them),
  per utterance: its flags, the versions side by side (a grid that stacks on
  narrow screens and in print), each headed by its outlet, document id,
  published date, offsets [start, end) and quote kind; then each comparison:
  both versions aligned, words changed, added or dropped as strong marks and
  punctuation (a sentence break, a letter's case) as a quieter one; a partial
  comparison says the shorter quote was aligned within the longer one;
- the unattributed quotes;
- "In context": every quote in its article, grouped by document (title,
  outlet, date, path, annotation file), in text order, with the text around
  it. Each quote there has a label (Q1, Q2, ...) and an anchor that every
  version, comparison and flag links to; each utterance has a label (U1, ...)
  too, so a printed page can be followed without links;
- the documents skipped for want of an annotation file.

Why self-contained: the page is mailed, archived and opened offline, so it
loads nothing. The CSS (ledger.css, packaged beside this module) is inlined,
there is no script, no font, no image, and a Content-Security-Policy forbids
any other resource even if one slipped in. It reads printed: every mark has a
cue besides its colour, and the print rules stack the columns and keep a
version on one page.

Everything that comes from files (texts, names, titles, publishers, ids,
paths, messages) is escaped with html.escape(quote=True) and never parsed as
markup; anchor ids are built from document id, annotator and span id by an
injective encoding into [A-Za-z0-9_.-], so they are valid and unique. The
output is deterministic: the same ledger gives the same bytes.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources

from annotator.ledger.model import (
    ChangeKind,
    Comparison,
    Flag,
    FlagKind,
    Ledger,
    Quote,
    QuoteKind,
    Segment,
    Source,
    SpeakerEntry,
    Utterance,
)

QuoteKey = tuple[str, str, str]

UNATTRIBUTED_ID = "unattributed"
EXCERPT = 90  # characters of an utterance's first version in its heading
# Scripts, fonts, images, frames, even a base URL: nothing may load; inline styles are the page's own.
POLICY = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
FLAG_TITLES = {
    FlagKind.WORDING: "Wording differs",
    FlagKind.PARAPHRASE: "Quoted in one outlet, paraphrased in another",
    FlagKind.MISSING: "Missing from other outlets",
}
CHANGE_NAMES = {
    ChangeKind.CHANGED: "changed",
    ChangeKind.ADDED: "added",
    ChangeKind.DROPPED: "dropped",
    ChangeKind.PUNCTUATION: "punctuation",
}
# As words.joined writes a quote: no space before closing punctuation, none after an opening mark.
TIGHT_BEFORE = tuple(",.;:!?…)]}%’”")
TIGHT_AFTER = tuple("([{‘“")


def render_html(ledger: Ledger) -> str:
    """The whole page, one string ending in a newline."""
    anchors = Anchors.of(ledger)
    parts = [
        _head(ledger),
        "<body>",
        _header(ledger, anchors),
        _legend(),
        "<main>",
        _flags(ledger, anchors),
        _speakers(ledger, anchors),
        _unattributed(ledger, anchors),
        _contexts(anchors),
        _skipped(ledger),
        "</main>",
        "</body>",
        "</html>",
    ]
    return "\n".join(part for part in parts if part) + "\n"


def esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def id_part(text: str) -> str:
    """Text as part of an id: ASCII letters, digits and '-' kept, any other character as
    _hex_. Injective, so ids built from distinct keys stay distinct; '.' can join parts."""
    return "".join(char if char.isascii() and (char.isalnum() or char == "-") else f"_{ord(char):x}_" for char in text)


@cache
def stylesheet() -> str:
    return resources.files(__package__).joinpath("ledger.css").read_text(encoding="utf-8")


# Anchors: ids and labels, decided once so every link agrees with its target.


@dataclass(frozen=True, slots=True)
class Anchors:
    utterances: dict[tuple[int, int], tuple[str, str]]  # (speaker, utterance) index -> (id, label)
    labels: dict[QuoteKey, str]  # Q1, Q2, ... in the order of the "In context" section
    homes: dict[QuoteKey, tuple[str, str]]  # the (id, name) of the section that lists a quote as a version
    documents: tuple[tuple[Source, tuple[Quote, ...]], ...]

    @classmethod
    def of(cls, ledger: Ledger) -> Anchors:
        utterances: dict[tuple[int, int], tuple[str, str]] = {}
        homes: dict[QuoteKey, tuple[str, str]] = {}
        placed: list[Quote] = []
        for (s, u), utterance in _indexed(ledger):
            uid = f"u-{s + 1}-{u + 1}"
            utterances[(s, u)] = (uid, f"U{len(utterances) + 1}")
            placed += _place(_quotes_of(utterance), (uid, f"utterance {utterances[(s, u)][1]}"), homes)
        placed += _place(ledger.unattributed, (UNATTRIBUTED_ID, "the unattributed quotes"), homes)
        documents = _by_document(placed, ledger.sources)
        keys = [quote.key for _, quotes in documents for quote in quotes]
        labels = {key: f"Q{number}" for number, key in enumerate(keys, start=1)}
        return cls(utterances, labels, homes, documents)

    def quote_link(self, quote: Quote, text: str | None = None) -> str:
        """A link to the quote in its article; its text is the quote's label unless given."""
        return f'<a href="#{quote_id(quote)}">{esc(text or self.label(quote))}</a>'

    def label(self, quote: Quote) -> str:
        return self.labels.get(quote.key, "Q?")


def quote_id(quote: Quote) -> str:
    return "q-" + ".".join(id_part(part) for part in quote.key)


def document_id(source: Source) -> str:
    return f"d-{id_part(source.doc_id)}.{id_part(source.annotator)}"


def _indexed(ledger: Ledger) -> Iterator[tuple[tuple[int, int], Utterance]]:
    for s, entry in enumerate(ledger.speakers):
        for u, utterance in enumerate(entry.utterances):
            yield (s, u), utterance


def _quotes_of(utterance: Utterance) -> Iterator[Quote]:
    """Its versions, then any quote only a comparison or a flag names: every link needs its target."""
    yield from utterance.quotes
    for comparison in utterance.comparisons:
        yield from (comparison.left, comparison.right)
    for flag in utterance.flags:
        yield from flag.quotes


def _place(quotes: Iterable[Quote], home: tuple[str, str], homes: dict[QuoteKey, tuple[str, str]]) -> list[Quote]:
    """The quotes not placed yet, now placed in `home`: one context section per quote, however often it is listed."""
    fresh = [quote for quote in quotes if quote.key not in homes]
    for quote in fresh:
        homes.setdefault(quote.key, home)
    return list({quote.key: quote for quote in fresh}.values())


def _by_document(quotes: list[Quote], sources: tuple[Source, ...]) -> tuple[tuple[Source, tuple[Quote, ...]], ...]:
    """Quotes grouped by their file, in the ledger's order of sources, each group in text order."""
    order = {(source.doc_id, source.annotator): index for index, source in enumerate(sources)}
    groups: dict[tuple[str, str], list[Quote]] = {}
    for quote in quotes:
        groups.setdefault((quote.source.doc_id, quote.source.annotator), []).append(quote)
    ranked = sorted(groups.items(), key=lambda item: order.get(item[0], len(order)))
    return tuple(
        (group[0].source, tuple(sorted(group, key=lambda q: (q.start, q.end, q.spans[0].span_id))))
        for _, group in ranked
    )


# The head and the header.


def _head(ledger: Ledger) -> str:
    title = f"Quote ledger: {_count(len(ledger.speakers), 'speaker')}, {_count(_utterance_count(ledger), 'utterance')}"
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{POLICY}">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            '<meta name="color-scheme" content="light">',
            f"<title>{esc(title)}</title>",
            f"<style>\n{stylesheet()}</style>",
            "</head>",
        ]
    )


def _header(ledger: Ledger, anchors: Anchors) -> str:
    counts = [
        ("documents", len({source.doc_id for source in ledger.sources})),
        ("outlets", len({source.outlet for source in ledger.sources})),
        ("speakers", len(ledger.speakers)),
        ("utterances", _utterance_count(ledger)),
        ("quotes", len(anchors.labels)),
        ("flags", len(ledger.flags)),
        ("unattributed", len(ledger.unattributed)),
        ("skipped", len(ledger.skipped)),
    ]
    items = "".join(f"<div><dt>{name}</dt><dd>{number}</dd></div>" for name, number in counts)
    return "\n".join(
        [
            "<header>",
            "<h1>Quote ledger</h1>",
            f'<dl class="counts">{items}</dl>',
            f'<p class="muted">Versions of one utterance are grouped when their words are at least '
            f"{esc(_percent(ledger.threshold))} alike.</p>",
            _contents(ledger),
            "</header>",
        ]
    )


def _contents(ledger: Ledger) -> str:
    speakers = "".join(
        f'<li><a href="#s-{index}">{esc(entry.person.name)}</a> '
        f'<span class="muted">({_count(len(entry.utterances), "utterance")})</span></li>'
        for index, entry in enumerate(ledger.speakers, start=1)
    )
    items = [f'<li><a href="#flags">Flags</a> <span class="muted">({len(ledger.flags)})</span></li>']
    if speakers:
        items.append(f'<li><a href="#speakers">Speakers</a><ol>{speakers}</ol></li>')
    if ledger.unattributed:
        items.append(f'<li><a href="#{UNATTRIBUTED_ID}">Unattributed quotes</a></li>')
    items.append('<li><a href="#in-context">In context</a></li>')
    if ledger.skipped:
        items.append('<li><a href="#skipped">Skipped documents</a></li>')
    return f'<nav aria-label="Contents"><ol>{"".join(items)}</ol></nav>'


def _legend() -> str:
    marks = [
        ('<mark class="chg changed">changed</mark>', "words replaced by other words"),
        ('<ins class="chg added">added</ins>', "words only this version has"),
        ('<del class="chg dropped">dropped</del>', "words this version has and the other leaves out"),
        ('<span class="chg punct">punctuation</span>', "punctuation, a sentence break or a letter's case"),
        (_gap("a gap"), "where the other version has words this one lacks"),
    ]
    items = "".join(f"<li>{mark} {meaning}</li>" for mark, meaning in marks)
    return (
        f'<aside class="legend" aria-label="Legend"><strong>How differences are marked</strong><ul>{items}</ul></aside>'
    )


# Flags.


def _flags(ledger: Ledger, anchors: Anchors) -> str:
    found = list(_every_flag(ledger))
    parts = ['<section id="flags">', "<h2>Flags</h2>"]
    if not found:
        parts.append(
            '<p class="muted">No flags: no differing wording, no paraphrase of a direct quote, no quote missing elsewhere.</p>'
        )
    for kind in FlagKind:
        items = [
            _flag_item(flag, anchors.utterances[place], said, anchors)
            for place, said, flag in found
            if flag.kind is kind
        ]
        if items:
            parts.append(f"<h3>{esc(FLAG_TITLES[kind])} ({len(items)})</h3>")
            parts.append(f'<ol class="flag-group">{"".join(items)}</ol>')
    parts.append("</section>")
    return "\n".join(parts)


def _every_flag(ledger: Ledger) -> Iterator[tuple[tuple[int, int], Utterance, Flag]]:
    for place, utterance in _indexed(ledger):
        for flag in utterance.flags:
            yield place, utterance, flag


def _flag_item(flag: Flag, place: tuple[str, str], utterance: Utterance, anchors: Anchors) -> str:
    uid, label = place
    target = f"{label} · {utterance.person.name}: {_heading_excerpt(utterance)}"
    return (
        f'<li><span class="badge flag-{esc(flag.kind.value)}">{esc(flag.kind.value)}</span> '
        f'{esc(flag.message)} <a href="#{uid}">{esc(target)}</a>{_quote_links(flag.quotes, anchors)}</li>'
    )


def _quote_links(quotes: Iterable[Quote], anchors: Anchors) -> str:
    links = [anchors.quote_link(quote, f"{anchors.label(quote)} {quote.source.outlet}") for quote in quotes]
    return f' <span class="muted">(in context: {", ".join(links)})</span>' if links else ""


# Speakers and utterances.


def _speakers(ledger: Ledger, anchors: Anchors) -> str:
    parts = ['<section id="speakers">', "<h2>Speakers</h2>"]
    if not ledger.speakers:
        parts.append('<p class="muted">No attributed quotes.</p>')
    for s, entry in enumerate(ledger.speakers):
        parts.append(_speaker(s, entry, anchors))
    parts.append("</section>")
    return "\n".join(parts)


def _speaker(s: int, entry: SpeakerEntry, anchors: Anchors) -> str:
    person = entry.person
    others = [name for name in dict.fromkeys(person.names) if name != person.name]
    parts = [f'<section class="speaker" id="s-{s + 1}">', f"<h3>{esc(person.name)}</h3>"]
    if others:
        parts.append(f'<p class="aliases">Also named: {esc(", ".join(others))}</p>')
    for u, utterance in enumerate(entry.utterances):
        parts.append(_utterance(utterance, anchors.utterances[(s, u)], anchors))
    parts.append("</section>")
    return "\n".join(parts)


def _utterance(utterance: Utterance, place: tuple[str, str], anchors: Anchors) -> str:
    uid, label = place
    outlets = len({quote.source.outlet for quote in utterance.quotes})
    parts = [
        f'<article class="utterance" id="{uid}">',
        f'<h4><span class="label">{label}</span>{esc(_heading_excerpt(utterance))} '
        f'<span class="muted">· {_count(len(utterance.quotes), "version")}, {_count(outlets, "outlet")}</span></h4>',
    ]
    if utterance.flags:
        notes = "".join(
            f'<li><span class="badge flag-{esc(flag.kind.value)}">{esc(flag.kind.value)}</span> {esc(flag.message)}</li>'
            for flag in utterance.flags
        )
        parts.append(f'<ul class="flag-notes">{notes}</ul>')
    parts.append(_versions(utterance.quotes, anchors, utterance.person.name))
    parts += [_comparison(comparison, anchors) for comparison in utterance.comparisons]
    parts.append("</article>")
    return "\n".join(parts)


def _heading_excerpt(utterance: Utterance) -> str:
    """The first direct version (else the first), shortened, in quotation marks unless paraphrased."""
    quote = next(
        (q for q in utterance.quotes if q.kind is QuoteKind.DIRECT), utterance.quotes[0] if utterance.quotes else None
    )
    if quote is None:
        return ""
    text = _shortened(quote.text.strip().strip('"“”'))
    return text if quote.kind is QuoteKind.PARAPHRASE else f"“{text}”"


def _shortened(text: str, limit: int = EXCERPT) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit].rstrip(" ,;:") + "…"


def _versions(quotes: Iterable[Quote], anchors: Anchors, person: str | None = None) -> str:
    cards = "\n".join(_version(quote, anchors, person) for quote in quotes)
    return f'<div class="versions">\n{cards}\n</div>'


def _version(quote: Quote, anchors: Anchors, person: str | None) -> str:
    source = quote.source
    where = [f"doc <code>{esc(source.doc_id)}</code>"]
    if source.published:
        where.append(esc(source.published))
    where.append(f"chars [{quote.start}, {quote.end})")
    speaker = ""
    if quote.speaker is not None and quote.speaker != person:
        speaker = f'<p class="muted">as “{esc(quote.speaker)}”</p>'
    return (
        f'<section class="version kind-{esc(quote.kind.value)}">'
        f'<header><span class="outlet">{esc(source.outlet)}</span> <span class="kind">{esc(quote.kind.value)}</span>'
        f'<span class="where">{" · ".join(where)}</span></header>'
        f"<blockquote>{esc(quote.text)}</blockquote>{speaker}"
        f"<p>{anchors.quote_link(quote, f'In context: {anchors.label(quote)}')}</p></section>"
    )


# Comparisons: the aligned text of two versions.


def _comparison(comparison: Comparison, anchors: Anchors) -> str:
    left, right = comparison.left, comparison.right
    heading = (
        f"{esc(left.source.outlet)} ({anchors.quote_link(left)}) and "
        f"{esc(right.source.outlet)} ({anchors.quote_link(right)}) "
        f'<span class="muted">· {esc(_percent(comparison.score))} alike</span>'
    )
    parts = ['<section class="comparison">', f"<h5>{heading}</h5>"]
    if comparison.partial:
        parts.append(
            '<p class="note">Partial: the shorter quote was aligned within the longer one; '
            "the rest of the longer one is text it does not quote, not a difference.</p>"
        )
    parts.append(
        '<div class="aligned">'
        f"{_side(left, comparison.segments, 'left')}{_side(right, comparison.segments, 'right')}"
        "</div>"
    )
    parts.append(f'<p class="summary">{esc(_summary(comparison))}</p>')
    parts.append("</section>")
    return "\n".join(parts)


def _side(quote: Quote, segments: tuple[Segment, ...], side: str) -> str:
    pieces = [_piece(segment, side) for segment in segments]
    return (
        f'<div class="side"><div class="side-label">{esc(quote.source.outlet)} '
        f'<span class="muted">({esc(quote.source.doc_id)})</span></div>'
        f"<p>{_joined(piece for piece in pieces if piece is not None)}</p></div>"
    )


def _piece(segment: Segment, side: str) -> tuple[str, str] | None:
    """One segment as (its plain text, for spacing; its markup) on one side; None: nothing to show."""
    text = segment.left if side == "left" else segment.right
    kind = segment.change
    if kind is None:
        return (text, esc(text)) if text else None
    if not text:
        # Punctuation only one side has stays quiet; missing words leave a visible gap.
        return None if kind is ChangeKind.PUNCTUATION else ("", _gap(_gap_title(kind)))
    return text, _marked(kind, text)


def _marked(kind: ChangeKind, text: str) -> str:
    name = CHANGE_NAMES[kind]
    tag = {ChangeKind.ADDED: "ins", ChangeKind.DROPPED: "del", ChangeKind.CHANGED: "mark"}.get(kind, "span")
    css = "punct" if kind is ChangeKind.PUNCTUATION else name
    return f'<{tag} class="chg {css}" title="{name}">{esc(text)}</{tag}>'


def _gap(title: str) -> str:
    # Empty, so copying the text copies only words; the role and label let a screen reader say it.
    return f'<span class="gap" role="img" aria-label="{title}" title="{title}"></span>'


def _gap_title(kind: ChangeKind) -> str:
    return "the other version adds words here" if kind is ChangeKind.ADDED else "this version drops words here"


def _joined(pieces: Iterable[tuple[str, str]]) -> str:
    out: list[str] = []
    previous = ""
    for text, markup in pieces:
        if out and not (text.startswith(TIGHT_BEFORE) or text == "..." or previous.endswith(TIGHT_AFTER)):
            out.append(" ")
        out.append(markup)
        previous = text
    return "".join(out)


def _summary(comparison: Comparison) -> str:
    counts = Counter(change.kind for change in comparison.changes)
    if not counts:
        return "The same words."
    if not comparison.wording_differs:
        return f"Only punctuation differs ({counts[ChangeKind.PUNCTUATION]})."
    return (
        "Differences: " + ", ".join(f"{counts[kind]} {CHANGE_NAMES[kind]}" for kind in ChangeKind if counts[kind]) + "."
    )


# Unattributed quotes, the quotes in context, skipped documents.


def _unattributed(ledger: Ledger, anchors: Anchors) -> str:
    if not ledger.unattributed:
        return ""
    return "\n".join(
        [
            f'<section id="{UNATTRIBUTED_ID}">',
            f"<h2>Unattributed quotes ({len(ledger.unattributed)})</h2>",
            '<p class="muted">Quote spans no speaker is given for.</p>',
            _versions(ledger.unattributed, anchors),
            "</section>",
        ]
    )


def _contexts(anchors: Anchors) -> str:
    parts = [
        '<section id="in-context">',
        "<h2>In context</h2>",
        '<p class="muted">Each quote in its article, with the text around it: by document, in text order.</p>',
    ]
    for source, quotes in anchors.documents:
        parts.append(_document(source, quotes, anchors))
    parts.append("</section>")
    return "\n".join(parts)


def _document(source: Source, quotes: tuple[Quote, ...], anchors: Anchors) -> str:
    where = [f"<strong>{esc(source.outlet)}</strong>"]
    if source.published:
        where.append(esc(source.published))
    where.append(f"<code>{esc(source.document_path)}</code>")
    where.append(f"annotations <code>{esc(source.annotation_path)}</code> ({esc(source.annotator)})")
    parts = [
        f'<section class="document" id="{document_id(source)}">',
        f"<h3>{esc(source.title or source.doc_id)}</h3>",
        f'<p class="where">{" · ".join(where)}</p>',
    ]
    parts += [_context(quote, anchors) for quote in quotes]
    parts.append("</section>")
    return "\n".join(parts)


def _context(quote: Quote, anchors: Anchors) -> str:
    home, back = anchors.homes[quote.key]
    who = quote.speaker if quote.speaker is not None else "unattributed"
    before, after = _surrounding(quote)
    return (
        f'<section class="context" id="{quote_id(quote)}">'
        f'<h4><span class="label">{anchors.label(quote)}</span>{esc(who)} · {esc(quote.kind.value)} · '
        f"chars [{quote.start}, {quote.end})</h4>"
        f'<p class="passage">{esc(before)}<strong class="quoted">{esc(quote.text)}</strong>{esc(after)}</p>'
        f'<p class="where"><a href="#{home}">Back to {esc(back)}</a></p></section>'
    )


def _surrounding(quote: Quote) -> tuple[str, str]:
    """The text before and after a quote, marked as cut from a longer article."""
    before, after = quote.before.lstrip(), quote.after.rstrip()
    if before:
        before = "…" + before
    if after:
        # "coast.…" reads as a typo; "coast. …" as a cut.
        after += " …" if after[-1] in ".!?;:…”’\"')" else "…"
    return before, after


def _skipped(ledger: Ledger) -> str:
    if not ledger.skipped:
        return ""
    items = "".join(f"<li><code>{esc(document)}</code></li>" for document in ledger.skipped)
    return "\n".join(
        [
            '<section id="skipped">',
            f"<h2>Skipped documents ({len(ledger.skipped)})</h2>",
            '<p class="muted">Neither a gold file nor the chosen annotator\'s file: their quotes are not in the ledger.</p>',
            f"<ul>{items}</ul>",
            "</section>",
        ]
    )


def _utterance_count(ledger: Ledger) -> int:
    return sum(len(entry.utterances) for entry in ledger.speakers)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _percent(value: float) -> str:
    return f"{value:.0%}"
