"""Re-anchoring spans onto an edited text (annotator.anchoring), with and without the old text.

The property tests edit texts of distinct code points (emoji, combining marks,
CJK among them), so that every edit has one reading and "the right offsets"
of an untouched span is defined; inserted text is drawn from other code
points. Repeated words, where the context must decide, are tested on the
seed articles.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.anchoring.matching import Locator, Match, Miss
from annotator.anchoring.offset_map import OffsetMap
from annotator.anchoring.outcome import AnchoredSpan, Outcome, place_spans
from annotator.anchoring.text_quote import CONTEXT, quote_of
from annotator.model.document import decode_text

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

# The base texts' code points, all distinct; inserted text comes from INSERTED only.
BASE = (
    [chr(c) for c in range(ord("a"), ord("z") + 1)]
    + [chr(c) for c in range(0x4E00, 0x4E40)]  # CJK
    + ["👍", "🎉", "😀", "🚀", "🌍", "🔥"]
    + [chr(c) for c in range(0x0300, 0x0320)]  # combining marks
    + [" ", "\n", ",", ".", "“", "”"]
)
INSERTED = [chr(c) for c in range(ord("A"), ord("Z") + 1)] + ["é", "ß", "漢", "🙂", "\u0358"]
assert not set(BASE) & set(INSERTED)


@dataclass(frozen=True)
class Edit:
    at: int  # old offset
    delete: int  # old code points removed from `at`
    insert: str


@st.composite
def edited(draw) -> tuple[str, list[tuple[int, int]], list[Edit]]:
    old = "".join(draw(st.lists(st.sampled_from(BASE), min_size=8, max_size=len(BASE), unique=True)))
    spans = draw(
        st.lists(
            st.tuples(st.integers(0, len(old) - 1), st.integers(1, 12)).map(
                lambda p: (p[0], min(len(old), p[0] + p[1]))
            ),
            min_size=1,
            max_size=10,
            unique=True,
        )
    )
    positions = sorted(draw(st.lists(st.integers(0, len(old)), min_size=1, max_size=5, unique=True)))
    edits, last_end = [], 0
    for at in positions:
        if at < last_end:
            continue
        delete = draw(st.integers(0, min(6, len(old) - at)))
        insert = "".join(draw(st.lists(st.sampled_from(INSERTED), max_size=6)))
        if delete == 0 and not insert:
            continue
        edits.append(Edit(at, delete, insert))
        last_end = at + delete + 1
    return old, spans, edits


def apply(old: str, edits: list[Edit]) -> str:
    parts, at = [], 0
    for edit in edits:
        parts += [old[at : edit.at], edit.insert]
        at = edit.at + edit.delete
    return "".join([*parts, old[at:]])


def touched(span: tuple[int, int], edits: list[Edit]) -> bool:
    start, end = span
    for edit in edits:
        if edit.delete and edit.at < end and start < edit.at + edit.delete:
            return True
        if not edit.delete and start < edit.at < end:
            return True
    return False


def expected_start(start: int, edits: list[Edit]) -> int:
    return start + sum(len(e.insert) - e.delete for e in edits if e.at + e.delete <= start)


def anchored(text: str, spans: list[tuple[int, int]]) -> list[AnchoredSpan]:
    return [AnchoredSpan(f"s{number}", quote_of(text, start, end)) for number, (start, end) in enumerate(spans)]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edited())
def test_with_the_old_text_untouched_spans_move_exactly_and_touched_ones_are_reported(case) -> None:
    old, spans, edits = case
    new = apply(old, edits)
    for (start, end), placed in zip(spans, place_spans(anchored(old, spans), new, old), strict=True):
        if not touched((start, end), edits):
            assert placed.outcome in (Outcome.MOVED, Outcome.UNCHANGED), placed
            assert placed.start == expected_start(start, edits) and placed.text == old[start:end]
        else:
            assert placed.outcome in (Outcome.CHANGED, Outcome.ORPHANED), placed
        if placed.outcome is Outcome.CHANGED:
            assert placed.old.text == old[start:end] and placed.text == new[placed.start : placed.end]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edited())
def test_without_the_old_text_nothing_is_altered_silently(case) -> None:
    old, spans, edits = case
    new = apply(old, edits)
    for (start, end), placed in zip(spans, place_spans(anchored(old, spans), new), strict=True):
        if placed.outcome in (Outcome.MOVED, Outcome.UNCHANGED):
            # The same words in the same surroundings: an edit that touched the span shows in its text.
            assert placed.text == old[start:end] and not touched((start, end), edits)
            assert placed.start == expected_start(start, edits)
        elif placed.outcome is Outcome.CHANGED and not touched((start, end), edits):
            # Its context was rewritten around it: found at the right place, to be reviewed.
            assert placed.text == old[start:end] and placed.start == expected_start(start, edits), placed


@settings(max_examples=100, deadline=None)
@given(edited(), st.sampled_from(["crlf", "bom"]))
def test_line_endings_and_a_bom_do_not_change_the_text_a_span_is_on(case, change: str) -> None:
    old, spans, _ = case
    raw = old.replace("\n", "\r\n").encode() if change == "crlf" else "\ufeff".encode() + old.encode()
    again = decode_text(raw)
    assert again == old  # the document text policy: the same text, offsets and hash
    assert {p.outcome for p in place_spans(anchored(old, spans), again, old)} == {Outcome.UNCHANGED}


def test_a_moved_paragraph_carries_its_spans() -> None:
    first = "The minister said the bridge would open in May, officials confirmed on Tuesday."
    second = "Engineers found cracks in two of the supports after the storm last week."
    third = "Residents have been told to use the ferry until further notice from the council."
    old, new = f"{first}\n\n{second}\n\n{third}\n", f"{second}\n\n{first}\n\n{third}\n"
    span = (old.index("cracks in two"), old.index("cracks in two") + len("cracks in two"))
    for old_text in (old, None):
        (placed,) = place_spans(anchored(old, [span]), new, old_text)
        assert placed.outcome is Outcome.MOVED and placed.start == new.index("cracks in two")


# -- the seed articles ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def article() -> str:
    return (SEEDS / "000_386033cfb5d56fdc.txt").read_text(encoding="utf-8")


def spans_of(text: str, *needles: str) -> list[tuple[int, int]]:
    return [(text.index(needle), text.index(needle) + len(needle)) for needle in needles]


@pytest.mark.parametrize("with_old", [True, False], ids=["old text", "quotes only"])
def test_a_corrected_quote_is_changed_and_the_rest_moved(article: str, with_old: bool) -> None:
    quote = "“I would not make any leaps of logic"
    assert quote in article
    new = article.replace(quote, "“I would not make any great leaps of logic")
    new = "Updated Sept. 2 with comments from the Pentagon.\n\n" + new
    spans = spans_of(article, quote, "Austin", "Taliban")
    placed = place_spans(anchored(article, spans), new, article if with_old else None)
    assert placed[0].outcome is Outcome.CHANGED and placed[0].text.startswith("“I would not make any great leaps")
    assert placed[0].old.text == quote
    for (start, end), other in zip(spans[1:], placed[1:], strict=True):
        assert other.outcome is Outcome.MOVED and other.text == article[start:end]
        assert other.start == start + len("Updated Sept. 2 with comments from the Pentagon.\n\n")


@pytest.mark.parametrize("with_old", [True, False], ids=["old text", "quotes only"])
def test_a_deleted_sentence_orphans_its_spans_and_nothing_else(with_old: bool) -> None:
    article = (SEEDS / "001_caaeb1a50e16237d.txt").read_text(encoding="utf-8")
    start = article.index("The U.S. could leverage")
    sentence = article[start : article.index("common enemy. ", start) + len("common enemy. ")]
    new = article.replace(sentence, "")
    spans = spans_of(article, "could leverage", "Austin")
    placed = place_spans(anchored(article, spans), new, article if with_old else None)
    assert placed[0].outcome is Outcome.ORPHANED and placed[0].start is None
    assert placed[1].outcome in (Outcome.MOVED, Outcome.UNCHANGED) and placed[1].text == "Austin"


@pytest.mark.parametrize("with_old", [True, False], ids=["old text", "quotes only"])
def test_a_revised_number_is_changed_between_its_unchanged_context(with_old: bool) -> None:
    old = "Officials said at least 13 service members were killed in the attack at the airport gate.\n"
    new = old.replace("13", "thirteen")
    (placed,) = place_spans(anchored(old, spans_of(old, "13")), new, old if with_old else None)
    assert (placed.outcome, placed.text) == (Outcome.CHANGED, "thirteen")


@pytest.mark.parametrize("with_old", [True, False], ids=["old text", "quotes only"])
def test_the_same_quote_twice_stays_with_its_own_context(with_old: bool) -> None:
    said = "“We will not stop,” the spokesman said"
    old = f"On Monday, {said} at the briefing.\n\nOn Friday, {said} again, after the vote.\n"
    new = "A new first paragraph.\n\n" + old.replace("On Monday", "Early on Monday")
    second = (old.rindex(said), old.rindex(said) + len(said))
    first = (old.index(said), old.index(said) + len(said))
    placed = place_spans(anchored(old, [first, second]), new, old if with_old else None)
    assert [p.start for p in placed] == [new.index(said), new.rindex(said)]
    assert all(p.text == said for p in placed)


def test_a_quote_whose_words_occur_twice_with_the_same_context_is_orphaned_not_guessed() -> None:
    old = "He said “yes” to that.\n"
    new = old * 2
    span = spans_of(old, "“yes”")
    # Without the old text, two places fit equally and nothing says which: never a guess.
    quote = anchored(old, span)[0].quote
    found = Locator(new).locate(quote, len(old))
    assert isinstance(found, Miss) and "2 times" in found.reason


def test_a_span_is_not_moved_to_the_same_words_in_other_surroundings() -> None:
    old = "The mayor said the plan may work for the north district this year.\n"
    new = "The mayor said the plan was dropped. Elsewhere, it may rain in the south all week.\n"
    may = old.index("plan may") + len("plan ")
    for old_text in (old, None):
        (placed,) = place_spans(anchored(old, [(may, may + 3)]), new, old_text)
        assert placed.outcome is Outcome.ORPHANED and "below the threshold" in placed.reason


def test_the_context_is_what_surrounds_the_span() -> None:
    text = "x" * 40 + "QUOTE" + "y" * 40
    quote = quote_of(text, 40, 45)
    assert (quote.prefix, quote.text, quote.suffix) == ("x" * CONTEXT, "QUOTE", "y" * CONTEXT)
    assert quote_of("ab", 0, 1).prefix == ""


def test_the_offset_map_counts_code_points() -> None:
    old, new = "👍🏽 é café 漢字 end", "NEW 👍🏽 é café 漢字 end"
    offsets = OffsetMap(old, new)
    assert offsets.moved(old.index("漢"), old.index("漢") + 2) == (new.index("漢"), new.index("漢") + 2)
    assert offsets.edits == 1


def test_a_match_found_at_its_place_scores_one() -> None:
    text = "alpha beta gamma"
    match = Locator(text).locate(quote_of(text, 6, 10), 6)
    assert isinstance(match, Match) and match.score == 1.0 and match.same_place
