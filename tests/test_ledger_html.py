"""The quote ledger's HTML page (annotator/ledger/render/html.py), read as markup and in a browser.

The pure tests parse the page with the standard library's HTMLParser: text from
files is escaped, never markup (a hostile speaker, title, quote and flag
message); the page loads nothing (no src, no external href, no @import or
url() in its style, a Content-Security-Policy); every in-page link has its
target; ids are valid and unique; the same ledger gives the same bytes; and it
shows what an editor needs (counts, flags in order, versions with their
outlets and offsets, the marks of each difference, quotes in context).

One browser test opens the page in Debian's chromium (headless): it reads the
DOM chromium built, takes a screenshot and prints the page to PDF (the PDF is
optional: a chromium that cannot print only warns). It is skipped when chromium
is not installed, as the tmux tests are without tmux; .ci/run installs it. It is
one test so that xdist starts chromium once: one start per output, all three at
once, two or three seconds, each with its own profile in a temporary folder and
killed after 60 s.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import struct
import subprocess
import time
import warnings
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.ledger.model import (
    ChangeKind,
    Comparison,
    Flag,
    FlagKind,
    Ledger,
    Person,
    Quote,
    QuoteKind,
    Segment,
    Source,
    SpanRef,
    SpeakerEntry,
    Utterance,
)
from annotator.ledger.render.html import render_html

HOSTILE = '<script>alert(1)</script> & "quotes"'
HOSTILE_TITLE = HOSTILE + " </style><link rel=stylesheet href=http://evil.example/x.css>"
HOSTILE_MESSAGE = "Missing elsewhere <img src=x onerror=alert(2)>"
CHROMIUM = shutil.which("chromium")
BROWSER_TIMEOUT = 60  # seconds; a start takes about one
LOADING_TAGS = {"script", "link", "img", "iframe", "frame", "object", "embed", "base", "video", "audio", "source"}
VALID_ID = re.compile(r"[A-Za-z][A-Za-z0-9_.-]*")
TOP = ("flags", "speakers", "unattributed", "in-context", "skipped")
VOID = {"meta", "br", "hr", "img", "link", "input", "wbr", "area", "base", "col", "embed", "source", "track"}


# A ledger built by hand: two outlets, two speakers and a hostile third.


VOA = Source(
    "voa-2023-02-04",
    "articles/voa/balloon.txt",
    "annotations/voa-2023-02-04.gold.json",
    "gold",
    publisher="Voice of America",
    title="Austin: US will respond to Chinese balloon",
    published="2023-02-04",
)
D1 = Source(
    "d1-balloon",
    "articles/defenseone/balloon.txt",
    "annotations/d1-balloon.alice.json",
    "alice",
    publisher="Defense One",
    title="Pentagon chief cautious on the balloon’s purpose",
    published="2023-02-05",
)
ODD = Source("odd<&>\"id' x", 'articles/odd <&> "x".txt', "annotations/odd.json", "bob & <i>", title=HOSTILE_TITLE)


def quote(
    source: Source, span_id: str, start: int, text: str, speaker: str | None, kind: QuoteKind, before: str, after: str
) -> Quote:
    return Quote(source, (SpanRef(span_id, start, start + len(text)),), text, speaker, kind, (), before, after)


def sample_ledger() -> Ledger:
    """A fresh ledger each call, equal to the last: for the determinism test."""
    austin = Person("lloyd-austin", "Lloyd Austin", ("Defense Secretary Lloyd Austin", "Austin"))
    milley = Person("mark-milley", "Mark Milley", ("Gen. Mark Milley", "Milley"))
    hostile = Person("hostile", HOSTILE, (HOSTILE, "<b>bold</b>"))

    leaps_voa = quote(
        VOA, "s1", 120, "I would not make any leaps of logic", "Defense Secretary Lloyd Austin", QuoteKind.DIRECT,
        "Asked whether the balloon had gathered intelligence, Defense Secretary Lloyd Austin said: “",
        ",” adding that the investigation would go on.\nThe debris fell off the coast.",
    )  # fmt: skip
    leaps_d1 = quote(
        D1, "t4", 88, "I would not make any leaps", "Austin", QuoteKind.DIRECT,
        "Austin told reporters “", "” about what the balloon was for.",
    )  # fmt: skip
    leaps = Utterance(
        austin,
        (leaps_voa, leaps_d1),
        (
            Comparison(
                leaps_voa,
                leaps_d1,
                0.86,
                (
                    Segment("I would not make any leaps", "I would not make any leaps"),
                    Segment("of logic", "", ChangeKind.DROPPED),
                ),
            ),
        ),
        (Flag(FlagKind.WORDING, "Defense One drops “of logic”.", (leaps_voa, leaps_d1)),),
    )

    will_voa = quote(
        VOA, "s2", 300, "We are going to do what we need to do, and we will.", "Austin", QuoteKind.DIRECT,
        "Pressed on a response, Austin said: “", "”",
    )  # fmt: skip
    will_d1 = quote(
        D1, "t7", 410, "We are going to do what we need to do. And we will.", "Lloyd Austin", QuoteKind.DIRECT,
        "“", "” Austin said on Saturday.",
    )  # fmt: skip
    will = Utterance(
        austin,
        (will_voa, will_d1),
        (
            Comparison(
                will_voa,
                will_d1,
                1.0,
                (
                    Segment("We are going to do what we need to do", "We are going to do what we need to do"),
                    Segment(", and", ". And", ChangeKind.PUNCTUATION),
                    Segment("we will.", "we will."),
                ),
            ),
        ),
    )

    threat_voa = quote(
        VOA, "s5", 610, "The balloon posed no significant military threat to people on the ground", "Gen. Mark Milley",
        QuoteKind.DIRECT, "Gen. Mark Milley said “", ".”",
    )  # fmt: skip
    threat_d1 = quote(
        D1, "t9", 702, "the balloon did not pose a significant military threat at the time", "Milley", QuoteKind.PARAPHRASE,
        "Milley told senators that ", ", officials said.",
    )  # fmt: skip
    threat = Utterance(
        milley,
        (threat_voa, threat_d1),
        (
            Comparison(
                threat_voa,
                threat_d1,
                0.74,
                (
                    Segment("The", "the", ChangeKind.PUNCTUATION),
                    Segment("balloon", "balloon"),
                    Segment("posed no", "did not pose a", ChangeKind.CHANGED),
                    Segment("significant military threat", "significant military threat"),
                    Segment("", "at the time", ChangeKind.ADDED),
                ),
                partial=True,
            ),
        ),
        (
            Flag(
                FlagKind.PARAPHRASE, "Voice of America quotes it; Defense One paraphrases it.", (threat_voa, threat_d1)
            ),
        ),
    )

    deliberate_d1 = quote(
        D1, "t12", 990, "We’re going to be very deliberate about the recovery", "Milley", QuoteKind.DIRECT,
        "“", ",” Milley said.",
    )  # fmt: skip
    deliberate = Utterance(
        milley,
        (deliberate_d1,),
        flags=(Flag(FlagKind.MISSING, "Only Defense One quotes it; Voice of America covers the same event.", ()),),
    )

    hostile_quote = quote(
        ODD, '"><b id=x>', 5, HOSTILE, HOSTILE, QuoteKind.DIRECT,
        'He wrote <b>"a & b"</b> then said ', " — https://example.com/x </p>",
    )  # fmt: skip
    odd = Utterance(hostile, (hostile_quote,), flags=(Flag(FlagKind.MISSING, HOSTILE_MESSAGE, (hostile_quote,)),))

    unattributed = quote(
        VOA, "s9", 800, "It is a clear violation of our sovereignty", None, QuoteKind.DIRECT,
        "A statement read: “", ".”",
    )  # fmt: skip
    return Ledger(
        speakers=(
            SpeakerEntry(austin, (leaps, will)),
            SpeakerEntry(milley, (threat, deliberate)),
            SpeakerEntry(hostile, (odd,)),
        ),
        unattributed=(unattributed,),
        sources=(VOA, D1, ODD),
        threshold=0.7,
        skipped=("articles/reuters/balloon.txt", "articles/<evil>&.txt"),
    )


# Reading markup back.


@dataclass
class Element:
    tag: str
    attrs: dict[str, str | None]
    parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(self.parts)

    @property
    def classes(self) -> list[str]:
        return (self.attrs.get("class") or "").split()


class Page(HTMLParser):
    """Every element of a page, with its text; and all the page's text."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.texts: list[str] = []
        self._open: list[Element] = []
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, dict(attrs))
        self.elements.append(element)
        if tag not in VOID:
            self._open.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append(Element(tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index].tag == tag:
                del self._open[index:]
                return

    def handle_data(self, data: str) -> None:
        self.texts.append(data)
        for element in self._open:
            element.parts.append(data)

    def all(self, tag: str, css: str | None = None) -> list[Element]:
        return [e for e in self.elements if e.tag == tag and (css is None or css in e.classes)]

    def ids(self) -> list[str]:
        return [e.attrs["id"] or "" for e in self.elements if "id" in e.attrs]


@pytest.fixture(scope="module")
def page_html() -> str:
    return render_html(sample_ledger())


@pytest.fixture(scope="module")
def page(page_html: str) -> Page:
    return Page(page_html)


# Escaping and self-containment.


def test_text_from_files_is_escaped_never_markup(page_html: str, page: Page) -> None:
    assert "<script" not in page_html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;" in page_html
    assert not page.all("script") and not page.all("img") and not page.all("b") and not page.all("i")
    assert any(h.text == HOSTILE for h in page.all("h3")), "the hostile speaker's name is a heading's text"
    assert any(HOSTILE_TITLE == h.text for h in page.all("h3")), "the hostile title is text"
    assert any(b.text == HOSTILE for b in page.all("blockquote")), "the hostile quote is text"
    assert HOSTILE_MESSAGE in "".join(page.texts)
    assert 'He wrote <b>"a & b"</b> then said' in "".join(page.texts)


def test_the_page_loads_nothing(page: Page) -> None:
    assert not [e.tag for e in page.elements if e.tag in LOADING_TAGS]
    for element in page.elements:
        assert not {"src", "srcset", "action", "formaction", "data", "background", "poster"} & element.attrs.keys()
        assert "url(" not in (element.attrs.get("style") or "")
        href = element.attrs.get("href")
        assert href is None or href.startswith("#"), href
    style = "".join(e.text for e in page.all("style"))
    assert "@media print" in style
    assert "@import" not in style and "url(" not in style and "//" not in style and "http" not in style
    policy = [e.attrs.get("content") or "" for e in page.all("meta") if e.attrs.get("http-equiv")]
    assert policy and "default-src 'none'" in policy[0]


def test_head_has_charset_language_and_title(page: Page) -> None:
    assert page.all("html")[0].attrs.get("lang") == "en"
    assert any(e.attrs.get("charset") == "utf-8" for e in page.all("meta"))
    assert page.all("title")[0].text == "Quote ledger: 3 speakers, 5 utterances"


def test_anchors_resolve_and_ids_are_valid_and_unique(page: Page) -> None:
    ids = page.ids()
    assert len(ids) == len(set(ids))
    assert all(VALID_ID.fullmatch(each) for each in ids), ids
    targets = {element.attrs["href"] for element in page.all("a")}
    assert {target[1:] for target in targets if target} <= set(ids)
    contexts = [e.attrs["id"] for e in page.all("section", "context")]
    assert len(contexts) == 9, "one context per quote"
    assert all(f"#{each}" in targets for each in contexts), "every quote in context is linked to"


def test_the_same_ledger_gives_the_same_bytes(page_html: str) -> None:
    assert render_html(sample_ledger()).encode() == page_html.encode()


SAMPLE_TAGS = {e.tag for e in Page(render_html(sample_ledger())).elements}


@settings(max_examples=40, deadline=None)
@given(name=st.text(min_size=1), text=st.text(min_size=1), ident=st.text(min_size=1), title=st.text())
def test_any_text_stays_text(name: str, text: str, ident: str, title: str) -> None:
    source = Source(ident, ident, ident, "a", publisher=title or None, title=title)
    other = Source(ident, ident, ident, "b", publisher=name)
    one = quote(source, ident, 0, text, name, QuoteKind.DIRECT, text, ident)
    two = quote(other, ident, 0, text, name, QuoteKind.PARAPHRASE, ident, text)
    person = Person(name, name, (name, ident))
    said = Utterance(person, (one, two), (Comparison(one, two, 0.5, (Segment(text, ident, ChangeKind.CHANGED),)),))
    ledger = Ledger((SpeakerEntry(person, (said,)),), (one,), (source, other), 0.5, (ident,))
    page = Page(render_html(ledger))
    assert {e.tag for e in page.elements} <= SAMPLE_TAGS
    ids = page.ids()
    assert len(ids) == len(set(ids)) and all(VALID_ID.fullmatch(each) for each in ids)
    assert {e.attrs["href"][1:] for e in page.all("a")} <= set(ids)
    assert any(e.text == name for e in page.all("h3"))
    assert any(e.text == text for e in page.all("blockquote"))


def test_every_link_has_its_target_even_for_a_quote_only_a_flag_names() -> None:
    ledger = sample_ledger()
    stray = quote(D1, "t99", 5, "a quote no utterance lists", "Austin", QuoteKind.DIRECT, "", "")
    first = ledger.speakers[0].utterances[0]
    flagged = Utterance(first.person, first.quotes, first.comparisons, (Flag(FlagKind.WORDING, "odd", (stray,)),))
    entry = SpeakerEntry(first.person, (flagged,))
    page = Page(render_html(Ledger((entry,), (), ledger.sources, ledger.threshold)))
    assert {e.attrs["href"][1:] for e in page.all("a")} <= set(page.ids())
    assert "Q?" not in "".join(page.texts)


# What the page shows.


def test_header_counts(page: Page) -> None:
    counts = {dt.text: dd.text for dt, dd in zip(page.all("dt"), page.all("dd"), strict=True)}
    assert counts == {
        "documents": "3",
        "outlets": "3",
        "speakers": "3",
        "utterances": "5",
        "quotes": "9",
        "flags": "4",
        "unattributed": "1",
        "skipped": "2",
    }


def test_flags_come_first_most_important_first_and_link_to_their_utterance(page_html: str, page: Page) -> None:
    assert next(e.attrs["id"] for e in page.all("section") if e.attrs.get("id") in TOP) == "flags"
    flags = page_html.index('id="flags"')
    wording, paraphrase, missing = (page_html.index(f'class="badge flag-{kind}"', flags) for kind in FlagKind)
    assert flags < wording < paraphrase < missing < page_html.index('id="speakers"')
    links = re.findall(r'<li><span class="badge flag-(\w+)">.*?<a href="#(u-[\d-]+)">', page_html[flags:])
    assert links[:4] == [("wording", "u-1-1"), ("paraphrase", "u-2-1"), ("missing", "u-2-2"), ("missing", "u-3-1")]


def test_speakers_with_their_other_names_and_versions_side_by_side(page: Page) -> None:
    speakers = page.all("section", "speaker")
    assert [s.text.strip().split("\n")[0] for s in speakers] == ["Lloyd Austin", "Mark Milley", HOSTILE]
    aliases = [p.text for p in page.all("p", "aliases")]
    assert aliases[0] == "Also named: Defense Secretary Lloyd Austin, Austin"
    first = page.all("section", "version")[0].text
    for shown in (
        "Voice of America",
        "direct",
        "doc voa-2023-02-04",
        "2023-02-04",
        "chars [120, 155)",
        "In context: Q1",
    ):
        assert shown in first
    assert "paraphrase" in [e.text for e in page.all("span", "kind")]
    assert len(page.all("div", "versions")) == 6  # five utterances and the unattributed quotes


def test_differences_are_marked_by_kind(page: Page) -> None:
    assert [e.text for e in page.all("del", "dropped")][1:] == ["of logic"]  # the first is the legend's
    assert [e.text for e in page.all("mark", "changed")][1:] == ["posed no", "did not pose a"]
    assert [e.text for e in page.all("span", "punct")][1:] == [", and", ". And", "The", "the"]
    assert [e.text for e in page.all("ins", "added")][1:] == ["at the time"]
    gaps = [e.attrs.get("title") for e in page.all("span", "gap")]
    assert gaps[1:] == ["this version drops words here", "the other version adds words here"]
    sides = [e.text for e in page.all("div", "side")]
    assert "I would not make any leaps of logic" in sides[0]
    assert "We are going to do what we need to do, and we will." in sides[2]
    summaries = [e.text for e in page.all("p", "summary")]
    assert summaries == [
        "Differences: 1 dropped.",
        "Only punctuation differs (1).",
        "Differences: 1 changed, 1 added, 1 punctuation.",
    ]
    notes = [e.text for e in page.all("p", "note")]
    assert len(notes) == 1 and "shorter quote was aligned within the longer one" in notes[0]


def test_quotes_in_context_by_document_in_text_order(page: Page) -> None:
    documents = page.all("section", "document")
    assert [d.attrs["id"] for d in documents] == [
        "d-voa-2023-02-04.gold",
        "d-d1-balloon.alice",
        documents[2].attrs["id"],
    ]
    voa = documents[0].text
    assert "Austin: US will respond to Chinese balloon" in voa and "articles/voa/balloon.txt" in voa
    assert voa.index("leaps of logic") < voa.index("we need to do") < voa.index("posed no") < voa.index("sovereignty")
    passage = page.all("p", "passage")[0]
    assert passage.text.startswith("…Asked whether") and "I would not make any leaps of logic" in passage.text
    assert next(e.text for e in page.all("strong", "quoted")) == "I would not make any leaps of logic"
    labels = [e.text for e in page.elements if e.tag == "span" and "label" in e.classes and e.text.startswith("Q")]
    assert labels == [f"Q{n}" for n in range(1, 10)]


def test_unattributed_and_skipped_are_listed(page: Page) -> None:
    sections = {e.attrs["id"]: e.text for e in page.all("section") if e.attrs.get("id") in TOP}
    assert list(sections) == list(TOP), "in this order, skipped documents last"
    assert "It is a clear violation of our sovereignty" in sections["unattributed"]
    assert "articles/reuters/balloon.txt" in sections["skipped"] and "articles/<evil>&.txt" in sections["skipped"]


# In a real browser.


@dataclass
class Browsed:
    dom: str
    screenshot: bytes
    pdf: bytes | None
    seeds_dom: str  # the ledger of the shipped annotations, as `annotator quotes --format html` writes it


def seeds_page() -> str:
    """The page of the repository's own seeds and annotations."""
    from annotator.config import load_config
    from annotator.ledger.build import ledger_of

    repo = Path(__file__).resolve().parent.parent
    config = load_config(start=repo)
    built = ledger_of(sorted((repo / "annotations").rglob("*.json")), config)
    assert built.problems == ()
    return render_html(built.ledger)


def chromium(profile: Path, *args: str) -> list[str]:
    assert CHROMIUM is not None
    return [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
        "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
        f"--user-data-dir={profile}", *args,
    ]  # fmt: skip


@pytest.fixture(scope="module")
def browsed(tmp_path_factory: pytest.TempPathFactory, page_html: str) -> Browsed:
    """The page as chromium builds, draws and prints it: three starts at once, each with its own profile."""
    if CHROMIUM is None:
        pytest.skip("chromium is not installed")
    root = tmp_path_factory.mktemp("browser")
    path = root / "ledger.html"
    path.write_text(page_html, encoding="utf-8")
    url = path.resolve().as_uri()
    seeds = root / "seeds.html"
    seeds.write_text(seeds_page(), encoding="utf-8")
    runs = {
        "seeds": chromium(root / "p4", "--dump-dom", seeds.resolve().as_uri()),
        "dom": chromium(root / "p1", "--dump-dom", url),
        "png": chromium(
            root / "p2", f"--screenshot={root / 'page.png'}", "--window-size=1280,900", "--hide-scrollbars", url
        ),
        "pdf": chromium(root / "p3", f"--print-to-pdf={root / 'page.pdf'}", "--no-pdf-header-footer", url),
    }
    deadline = time.monotonic() + BROWSER_TIMEOUT
    started = {name: _start(argv) for name, argv in runs.items()}
    finished = {name: _finish(process, deadline) for name, process in started.items()}
    for name, problem in (("dom", "--dump-dom"), ("png", "--screenshot"), ("seeds", "--dump-dom")):
        assert finished[name].ok, f"chromium {problem} failed: {finished[name].why}"
    printed = finished["pdf"].ok and (root / "page.pdf").exists()
    return Browsed(
        finished["dom"].out.decode("utf-8"),
        (root / "page.png").read_bytes(),
        (root / "page.pdf").read_bytes() if printed else None,
        finished["seeds"].out.decode("utf-8"),
    )


@dataclass
class Run:
    out: bytes
    ok: bool
    why: str


def _start(argv: list[str]) -> subprocess.Popen[bytes]:
    # Its own process group, so a browser that hangs is killed with every process it started.
    return subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)


def _finish(process: subprocess.Popen[bytes], deadline: float) -> Run:
    """Its output by the deadline, or killed (with its children) then: no test hangs."""
    try:
        out, err = process.communicate(timeout=max(0.1, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        return Run(b"", False, f"no answer within {BROWSER_TIMEOUT} s")
    tail = err.decode("utf-8", "replace")[-2000:]
    return Run(out, process.returncode == 0, f"exit status {process.returncode}: {tail}")


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_in_a_browser(browsed: Browsed) -> None:
    """One test for the three outputs: under xdist, each worker that ran a browser test would start chromium again."""
    dom = Page(browsed.dom)
    _shows_speakers_outlets_and_differences(dom)
    _reads_hostile_text_as_text(dom)
    _draws_the_page(browsed.screenshot)
    _prints_the_page(browsed.pdf)
    _shows_the_seeds_discrepancies(Page(browsed.seeds_dom))


def _shows_the_seeds_discrepancies(dom: Page) -> None:
    """The two seed articles quote Austin and Milley differently; the browser shows exactly where."""
    assert {"Lloyd Austin", "Mark Milley"} <= {h.text for h in dom.all("h3")}
    assert {"Voice of America", "Defense One"} <= {e.text for e in dom.all("span", "outlet")}
    dropped = [e.text for e in dom.all("del", "dropped")]
    assert "of logic," in dropped and "from the past, and" in dropped
    assert "there" in [e.text for e in dom.all("mark", "changed")]


def _shows_speakers_outlets_and_differences(dom: Page) -> None:
    assert {"Lloyd Austin", "Mark Milley", HOSTILE} <= {h.text for h in dom.all("h3")}
    assert {"Voice of America", "Defense One"} <= {e.text for e in dom.all("span", "outlet")}
    assert "of logic" in [e.text for e in dom.all("del", "dropped")]
    assert "did not pose a" in [e.text for e in dom.all("mark", "changed")]


def _reads_hostile_text_as_text(dom: Page) -> None:
    assert not dom.all("script") and not dom.all("img") and not dom.all("link") and not dom.all("b")
    assert any(e.text == HOSTILE for e in dom.all("blockquote"))
    assert HOSTILE_MESSAGE in "".join(dom.texts)
    assert len(dom.all("style")) == 1, "the hostile title closed no <style>"


def _draws_the_page(png: bytes) -> None:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", png[16:24]) == (1280, 900)
    assert len(png) > 20_000, "a page of text, not a blank picture"


def _prints_the_page(pdf: bytes | None) -> None:
    if pdf is None:
        # Printing is the optional part: a chromium that cannot print fails no test, but says so.
        warnings.warn("chromium did not print the page to PDF", stacklevel=2)
        return
    assert pdf.startswith(b"%PDF-")
    assert len(pdf) > 10_000
