"""The built-in `hedges` suggester: a lexicon of hedging words and phrases, with its exceptions."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.suggest.base import Suggestion, check_identity
from annotator.suggest.builtin import BuiltinOptions, builtin
from annotator.suggest.builtin.hedges import APPROXIMATORS, LEXICON, VERSION, find_hedges, lexicon, suggester


def texts(text: str, extra: tuple[str, ...] = ()) -> list[str]:
    return [text[s.start : s.end] for s in find_hedges(text, extra)]


def assert_well_formed(text: str, found: list[Suggestion]) -> None:
    previous_end = 0
    for suggestion in found:
        assert previous_end <= suggestion.start < suggestion.end <= len(text)
        assert suggestion.label == "hedge" and dict(suggestion.attributes) == {}
        previous_end = suggestion.end


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # modality and likelihood
        ("The ferry may be late and might not sail.", ["may", "might"]),
        ("Rain could arrive; it will possibly flood.", ["could", "possibly"]),
        ("Perhaps the vote is probably lost.", ["Perhaps", "probably"]),
        ("A deal is likely, a strike unlikely.", ["likely", "unlikely"]),
        ("It is potentially the largest find.", ["potentially"]),
        # distance from the source
        ("The mayor reportedly resigned.", ["reportedly"]),
        ("The alleged fraud was allegedly hidden.", ["alleged", "allegedly"]),
        ("The so-called reform apparently stalled.", ["so-called", "apparently"]),
        ("He claimed to have seen it.", ["claimed to"]),
        ("Police stopped what was described as a riot.", ["what was described as"]),
        # appearance, belief, expectation
        ("The bridge appears to sway.", ["appears to"]),
        ("The coach seems calm; data suggests otherwise.", ["seems", "suggests"]),
        ("The painting is believed to be a fake.", ["believed to"]),
        ("The firm is expected to report a loss.", ["expected to"]),
        ("A suspected leak closed the road.", ["suspected"]),
        # not knowing
        ("It remains to be seen who wins.", ["It remains to be seen"]),
        ("Whether it works remains to be seen.", ["remains to be seen"]),
        ("It is unclear whether the dam holds.", ["It is unclear"]),
        ("Officials are unclear whether it holds.", ["unclear whether"]),
        ("We don't know yet.", ["We don't know"]),
        ("We don’t know yet.", ["We don’t know"]),
        ("The club did not rule out a sale.", ["did not rule out"]),
        ("The club is not ruling out a sale.", ["not ruling out"]),
        ("She wouldn’t rule it out.", ["wouldn’t rule it out"]),
        ("He hasn't ruled out running.", ["hasn't ruled out"]),
        # limited scope and estimates
        ("In some cases, at times, to some extent, it works.", ["In some cases", "at times", "to some extent"]),
        ("At least the museum reopened.", ["At least"]),
        ("An estimated 300 birds died.", ["An estimated"]),
        ("A dozen or so boats.", ["or so"]),
        # a pause or an open question after "we'll see"
        ("“We’ll see,” she said.", ["We’ll see"]),
        ("We'll see whether it lasts.", ["We'll see"]),
        ("Next year we'll see a new stadium.", []),
    ],
)
def test_lexicon(text: str, expected: list[str]) -> None:
    assert texts(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("About 40 sheep escaped.", ["About"]),
        ("Roughly $3 million was spent.", ["Roughly"]),
        ("Nearly half the town left.", ["Nearly"]),
        ("It lasted more than a decade.", ["more than"]),
        ("Some 2,000 runners started.", ["Some"]),
        ("Up to 15 cm of snow.", ["Up to"]),
        ("Just over three hours later.", ["Just over"]),
        ("As many as a thousand fans.", ["As many as"]),
        ("They talked about the weather.", []),
        ("Some runners started early.", []),
        ("More than ever, it matters.", []),
        ("Walk around the lake.", []),
        ("Look up to the sky.", []),
    ],
)
def test_approximators_hedge_only_a_number(text: str, expected: list[str]) -> None:
    assert texts(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the month and a name
        ("The vote is on May 5.", []),
        ("The vote was held in May, and May 2024 too.", []),
        ("Theresa May spoke.", []),
        ("May the council reconsider? It may.", ["May", "may"]),
        ("It may rain in May.", ["may"]),
        # the noun "might"
        ("The navy showed its might and its military might.", []),
        ("It might rain.", ["might"]),
        # "possible" meaning feasible
        ("Reply as soon as possible, if possible, where possible.", []),
        ("The best possible outcome; it made it possible.", []),
        ("A merger is possible.", ["possible"]),
        # a person, not a suspicion
        ("The suspect fled and two suspects were caught.", []),
        ("Analysts suspect fraud.", ["suspect"]),
        # doing one's utmost
        ("We moved as many crates as we possibly could.", []),
        ("They ran as fast as they could.", []),
        ("They could possibly win.", ["could", "possibly"]),
    ],
)
def test_uses_that_are_not_hedges(text: str, expected: list[str]) -> None:
    assert texts(text) == expected


def test_matching_ignores_case_spaces_and_the_kind_of_apostrophe() -> None:
    assert texts("IT REMAINS TO BE SEEN") == ["IT REMAINS TO BE SEEN"]
    assert texts("it  remains\tto be seen") == ["it  remains\tto be seen"]
    assert texts("We Don’t Know and we don't know") == ["We Don’t Know", "we don't know"]


def test_phrases_never_cross_a_line_break() -> None:
    assert texts("it remains\nto be seen") == []


def test_words_inside_other_words_do_not_match() -> None:
    assert texts("Mayor Maybelline dismayed the mightiest; the couldn't-care crowd; unlikelyhood") == []


def test_the_longest_phrase_wins_and_suggestions_never_overlap() -> None:
    text = "It is unclear whether it remains to be seen, and not ruling out that it is not clear."
    found = find_hedges(text)
    assert_well_formed(text, found)
    assert [text[s.start : s.end] for s in found] == [
        "It is unclear",
        "it remains to be seen",
        "not ruling out",
        "it is not clear",
    ]


def test_extra_phrases_join_the_lexicon() -> None:
    extra = ("According to", "sources say", "it’s (arguably)", "rumour has it")
    text = "According to aides, sources  say the plan, it's (arguably) bold; Rumour has it, may fail."
    assert texts(text, extra) == ["According to", "sources  say", "it's (arguably)", "Rumour has it", "may"]
    assert texts(text) == ["arguably", "may"]


def test_extra_phrases_longer_than_a_built_in_win() -> None:
    assert texts("It could well rain.", ("could well",)) == ["could well"]


def test_the_lexicon_lists_every_phrase() -> None:
    phrases = lexicon(("sources say",))
    assert "sources say" in phrases and "did not rule out" in phrases
    assert set(LEXICON) <= set(phrases) and set(APPROXIMATORS) <= set(phrases)


def test_offsets_are_code_points_after_emoji_and_combining_marks() -> None:
    text = "👨‍👩‍👧‍👦 Zoe\u0308 🇯🇵 said it may rain, e\u0301te\u0301 reportedly"
    found = find_hedges(text)
    assert [text[s.start : s.end] for s in found] == ["may", "reportedly"]
    assert found[0].start == text.index("may")
    assert found[1].end == len(text)


@pytest.mark.parametrize(
    "text",
    [
        "may " * 25_000,
        "about " * 20_000 + "5",
        "as " * 30_000 + "possibly could",
        "it remains to be " * 6_000,
        "not " * 25_000 + "ruling out",
        "a" * 100_000,
        "1," * 50_000,
        "'’" * 50_000,
    ],
)
def test_adversarial_input_completes_with_valid_offsets(text: str) -> None:
    began = time.perf_counter()
    found = find_hedges(text)
    assert time.perf_counter() - began < 10  # linear: a quadratic scan would take minutes
    assert_well_formed(text, found)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [" ", "\n", ",", "'", "’", "may", "May", "it", "remains", "to", "be", "seen", "about", "5", "a"]
        )
    ).map("".join)
)
def test_any_text_gives_sorted_valid_suggestions(text: str) -> None:
    assert_well_formed(text, find_hedges(text))


def test_the_suggester_uses_the_project_phrases() -> None:
    made = suggester(BuiltinOptions(hedges=("sources say",)))
    check_identity(made.name, made.version)
    assert (made.name, made.fast) == ("hedges", True)
    assert made.version.startswith(f"{VERSION}+") and len(made.version) == len(VERSION) + 9
    assert [s.start for s in made.find("Sources say it may work.")] == [0, 15]
    loaded = builtin("hedges")
    assert (loaded.name, loaded.version) == ("hedges", VERSION)
    assert [s.start for s in loaded.find("Sources say it may work.")] == [15]


def test_the_project_phrases_are_part_of_the_version() -> None:
    """Stored suggestions of another lexicon are found again, not kept as if nothing changed."""
    first = suggester(BuiltinOptions(hedges=("sources say", "as far as we know"))).version
    assert suggester(BuiltinOptions(hedges=("as far as we know", "sources say"))).version == first  # any order
    assert suggester(BuiltinOptions(hedges=("sources say",))).version != first
    assert suggester(BuiltinOptions()).version == VERSION
