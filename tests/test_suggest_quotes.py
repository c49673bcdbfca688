"""The built-in "quotes" suggester: direct quotations, reported speech and their speakers.

Every example is a news sentence written for these tests; each test (or table
row) shows one behaviour of the rules in `annotator/suggest/builtin/quotes.py`.
"""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.suggest.base import DocumentInput, Suggestion, TextSuggester
from annotator.suggest.builtin import BuiltinOptions, builtin
from annotator.suggest.builtin.quotes import VERSION, find_quotes, suggester

Found = list[tuple[str, str | None]]


def found(text: str) -> Found:
    """Each suggestion as (the text it covers, its speaker or None)."""
    return [(text[s.start : s.end], s.attributes.get("speaker")) for s in find_quotes(text)]


def spans(text: str) -> list[str]:
    return [covered for covered, _ in found(text)]


def speakers(text: str) -> list[str | None]:
    return [speaker for _, speaker in found(text)]


def assert_well_formed(text: str, suggestions: list[Suggestion]) -> None:
    for suggestion in suggestions:
        assert 0 <= suggestion.start < suggestion.end <= len(text)
        assert suggestion.label == "quote"
        assert set(suggestion.attributes) <= {"speaker"}
    assert suggestions == sorted(suggestions, key=lambda s: (s.start, s.end))
    for before, after in itertools.pairwise(suggestions):
        assert before.end <= after.start  # spans never overlap


# -- the suggester itself ------------------------------------------------------------


def test_suggester_is_a_versioned_text_suggester() -> None:
    made = suggester(BuiltinOptions())
    assert isinstance(made, TextSuggester)
    assert (made.name, made.version, made.find) == ("quotes", VERSION, find_quotes)


def test_builtin_loads_it_and_reads_documents() -> None:
    made = builtin("quotes")
    [result] = list(made.suggest([DocumentInput("d1", "“We are ready,” the mayor said.")]))
    assert [(s.start, s.end, s.label) for s in result] == [(0, 15, "quote")]


def test_nothing_in_plain_text_or_empty_text() -> None:
    assert find_quotes("") == []
    assert find_quotes("The bridge reopened on Monday after two years of repairs.") == []


# -- direct quotations -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("“We will rebuild,” Mayor Jane Porter said.", ["“We will rebuild,”"]),
        ('"We will rebuild," Mayor Jane Porter said.', ['"We will rebuild,"']),
        ("Porter said: “The bridge will open in May.”", ["“The bridge will open in May.”"]),
        ("‘We will rebuild,’ Porter said.", ["‘We will rebuild,’"]),
        ("'We will rebuild,' Porter said.", ["'We will rebuild,'"]),
        ("“Is it safe?” Porter asked.", ["“Is it safe?”"]),
    ],
    ids=["curly", "straight", "after-colon", "curly-single", "straight-single", "question"],
)
def test_direct_quotation_runs_from_mark_to_mark_with_inner_punctuation(text: str, expected: list[str]) -> None:
    assert spans(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "“He told me, ‘Don’t worry about it,’ and walked away,” the witness said.",
        "“They call it ‘the plan’ but nobody has read it,” Porter said.",
        "\"They call it 'the plan' but nobody has read it,\" Porter said.",
    ],
    ids=["curly", "scare-inside", "straight"],
)
def test_single_quotes_inside_double_quotes_stay_one_span(text: str) -> None:
    [only] = spans(text)
    assert only.endswith(("”", '"')) and only[0] in '“"'


def test_double_quotes_inside_a_single_quoted_headline_stay_one_span() -> None:
    text = "‘He Said “Never,” and Meant It,’ Rival Says"
    assert spans(text) == ["‘He Said “Never,” and Meant It,’"]


@pytest.mark.parametrize(
    "text",
    [
        "The council’s vote didn’t settle the dispute, which dates to the ’90s.",
        "The council's vote didn't settle the dispute, which dates to the '90s.",
        "The guard, who is 6'2\" tall, stood at the door of the senators’ lounge.",
        "Rock ’n’ roll fans filled the stadium.",
        "The ‘90s boom ended when the plant closed.",
    ],
    ids=["curly-apostrophes", "straight-apostrophes", "measurement", "rock-n-roll", "misprinted-90s"],
)
def test_apostrophes_are_not_quotation_marks(text: str) -> None:
    assert find_quotes(text) == []


def test_an_apostrophe_inside_a_single_quotation_does_not_close_it() -> None:
    text = "‘It’s the workers’ money,’ the union leader said."
    assert spans(text) == ["‘It’s the workers’ money,’"]


def test_quotation_split_by_its_attribution_is_two_spans_with_one_speaker() -> None:
    text = "“We don’t know,” Porter said, “whether the money will last.”"
    assert found(text) == [("“We don’t know,”", "Porter"), ("“whether the money will last.”", "Porter")]


def test_quotation_over_several_paragraphs_is_one_span() -> None:
    text = (
        "Mayor Jane Porter spoke at the opening.\n\n"
        "“This bridge connects two towns that waited years,” she said. “We never gave up.\n\n"
        "“Today the wait is over.”\n\n"
        "Residents applauded."
    )
    assert found(text) == [
        ("“This bridge connects two towns that waited years,”", "Jane Porter"),
        ("“We never gave up.\n\n“Today the wait is over.”", "Jane Porter"),
    ]


def test_an_unclosed_quotation_not_continued_is_left_out() -> None:
    text = "“The vote was rigged, the candidate wrote.\n\nOfficials rejected the claim on Monday."
    assert spans(text) == []


def test_a_quotation_with_no_word_inside_is_left_out() -> None:
    assert find_quotes("The sign read “ … ” and nothing else.") == []


# -- scare quotes, nicknames and titles --------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "The so-called “moderate” faction has not responded.",
        "The ‘temporary’ closure has lasted three years.",
        "Critics of the “clean energy” bill gathered outside.",
    ],
    ids=["one-word", "single-marks", "two-words"],
)
def test_scare_quotes_without_attribution_are_left_out(text: str) -> None:
    assert find_quotes(text) == []


def test_a_short_quote_with_an_attribution_in_its_sentence_is_kept() -> None:
    assert found("Porter calls the plan ‘reckless’ and ‘cruel.’") == [("‘reckless’", "Porter"), ("‘cruel.’", "Porter")]


def test_a_short_quote_in_a_headline_with_its_attribution_is_kept() -> None:
    assert found("Porter Calls Tax Plan ‘Reckless’") == [("‘Reckless’", "Porter")]


def test_a_headline_quote_takes_the_speaker_of_the_body_quote_it_repeats() -> None:
    text = (
        "‘Reckless’ Tax Plan Draws Fire\n\n"
        "Senator Ana Ruiz attacked the plan on Tuesday. “It is reckless and cruel,” Ruiz said."
    )
    assert found(text) == [("‘Reckless’", "Ana Ruiz"), ("“It is reckless and cruel,”", "Ana Ruiz")]


def test_a_short_headline_quote_found_nowhere_in_the_body_is_a_scare_quote() -> None:
    text = "The ‘Miracle’ Harvest\n\nFarmers brought in a record crop this year."
    assert find_quotes(text) == []


def test_a_longer_headline_quotation_found_nowhere_is_kept_without_speaker() -> None:
    text = "‘We Will Not Back Down’\n\nFarmers blocked the highway on Monday."
    assert found(text) == [("‘We Will Not Back Down’", None)]


def test_a_nickname_is_not_a_quotation_and_leaves_the_name() -> None:
    text = "“The river is rising,” Sheriff Robert “Bobby” Keane said."
    assert found(text) == [("“The river is rising,”", "Robert Keane")]


@pytest.mark.parametrize(
    "text",
    [
        "The film, titled “The Long Road Home,” opens Friday.",
        "Protesters carried signs reading “Hands Off Our Parks” through the square.",
    ],
    ids=["titled", "title-case"],
)
def test_names_of_works_and_slogans_are_not_quotations(text: str) -> None:
    assert find_quotes(text) == []


# -- attribution forms ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("“The river is rising,” Lena Brandt said.", "Lena Brandt"),
        ("“The river is rising,” said Lena Brandt.", "Lena Brandt"),
        ("“The river is rising,” Lena Brandt says.", "Lena Brandt"),
        ("“The river is rising,” Lena Brandt told reporters on Sunday.", "Lena Brandt"),
        ("“The river is rising,” Lena Brandt told CNN.", "Lena Brandt"),
        ("“The river is rising,” Lena Brandt added.", "Lena Brandt"),
        ("“The river is rising,” Lena Brandt wrote on social media.", "Lena Brandt"),
        ("“The river is rising,” Lena Brandt, the director of the flood agency, said.", "Lena Brandt"),
        ("“The river is rising,” said Lena Brandt, a hydrologist at the university.", "Lena Brandt"),
        ("Lena Brandt said: “The river is rising.”", "Lena Brandt"),
        ("Lena Brandt put it bluntly: “The river is rising.”", None),
        ("“The river is rising,” according to Lena Brandt.", "Lena Brandt"),
        ("Lena Brandt, 52, who has studied the basin for decades, said: “The river is rising.”", "Lena Brandt"),
    ],
    ids=[
        "x-said",
        "said-x",
        "x-says",
        "told-reporters",
        "told-cnn",
        "added",
        "wrote",
        "appositive",
        "said-x-appositive",
        "colon",
        "no-reporting-verb",
        "according-to",
        "two-appositives",
    ],
)
def test_attribution_forms(text: str, speaker: str | None) -> None:
    assert speakers(text) == [speaker]


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("“We are ready,” Gen. Laura Diaz said.", "Laura Diaz"),
        ("“We are ready,” Defense Minister Paolo Ricci said.", "Paolo Ricci"),
        ("“We are ready,” Army Chief of Staff Gen. Ruth Okafor said.", "Ruth Okafor"),
        ("“We are ready,” Assistant Secretary of State for Consular Affairs Omar Haddad said.", "Omar Haddad"),
        ("“We are ready,” U.N. Secretary-General Ines Moreau said.", "Ines Moreau"),
        ("“We are ready,” Prime Minister Kofi Mensah told parliament.", "Kofi Mensah"),
        ("“We are ready,” Dr. Amir Khan said.", "Amir Khan"),
        ("“We are ready,” DefSec Ricci said.", "Ricci"),
        ("“We are ready,” European Commission President Ursula von der Leyen said.", "Ursula von der Leyen"),
        ("“We are ready,” Crown Prince Faisal bin Nayef said.", "Faisal bin Nayef"),
    ],
    ids=[
        "abbreviated-rank",
        "title",
        "service-and-rank",
        "title-with-department",
        "hyphenated-title",
        "two-word-title",
        "doctor",
        "camel-case-title",
        "particles",
        "particle-bin",
    ],
)
def test_titles_and_roles_are_dropped_from_a_name(text: str, speaker: str) -> None:
    assert speakers(text) == [speaker]


def test_a_surname_resolves_to_the_full_name_mentioned_earlier() -> None:
    text = "“The vote is final,” Governor Elena Vasquez said on Monday.\n\n“There will be no recount,” Vasquez added."
    assert speakers(text) == ["Elena Vasquez", "Elena Vasquez"]


def test_a_surname_in_a_headline_resolves_to_the_full_name_given_later() -> None:
    text = "‘No Recount,’ Vasquez Says\n\n“There will be no recount,” Governor Elena Vasquez said."
    assert speakers(text) == ["Elena Vasquez", "Elena Vasquez"]


def test_a_surname_resolves_to_the_nearest_earlier_person_of_that_name() -> None:
    text = (
        "“I will run,” Maria Santos said.\n\n"
        "Her brother, Paulo Santos, disagreed. “It is too soon,” Paulo Santos said.\n\n"
        "“We will see,” Santos added."
    )
    assert speakers(text) == ["Maria Santos", "Paulo Santos", "Paulo Santos"]


def test_a_surname_with_no_full_name_stays_as_written() -> None:
    assert speakers("“The market will recover,” Okonkwo said.") == ["Okonkwo"]


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("Coach Tom Harris was asked about the loss. “We were outplayed,” he said.", "Tom Harris"),
        ("Senator Ana Ruiz left the chamber early. “I have nothing to add,” she said.", "Ana Ruiz"),
        (
            "Mayor Jane Porter met Harris on Friday.\n\n“The talks went well,” said Porter. “He listened,” she added.",
            "Jane Porter",
        ),
    ],
    ids=["he", "she", "last-named-speaker"],
)
def test_a_pronoun_resolves_to_the_last_person_named(text: str, speaker: str) -> None:
    assert speakers(text)[-1] == speaker


def test_a_pronoun_with_nobody_named_has_no_speaker() -> None:
    assert speakers("“We were outplayed,” he said.") == [None]


def test_names_inside_a_quotation_are_not_antecedents() -> None:
    text = "Coach Tom Harris spoke after the game. “I called President Lee Kim last night,” he said."
    assert speakers(text) == ["Tom Harris"]


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("“The talks have stalled,” a senior European diplomat said.", "unnamed senior European diplomat"),
        ("“The talks have stalled,” an official said.", "unnamed official"),
        (
            "“The talks have stalled,” one Ukrainian official, who asked not to be named, said.",
            "unnamed Ukrainian official",
        ),
        ("“The talks have stalled,” said a spokesman for the ministry.", "unnamed spokesman for the ministry"),
        ("A spokeswoman for the mayor said the office would review it.", "unnamed spokeswoman for the mayor"),
    ],
    ids=["described", "bare", "anonymity-appositive", "inverted-with-employer", "reported"],
)
def test_a_described_unnamed_source(text: str, speaker: str) -> None:
    assert speakers(text) == [speaker]


def test_a_definite_reference_resolves_to_the_source_described_before() -> None:
    text = "“The strike was lawful,” a military official said.\n\n“We followed every rule,” the official added."
    assert speakers(text) == ["unnamed military official", "unnamed military official"]


def test_a_definite_role_resolves_to_the_person_who_holds_it() -> None:
    text = "Police Chief Maria Gonzalez spoke first. “He did not resist,” the chief said."
    assert speakers(text) == ["Maria Gonzalez"]


def test_an_affiliation_after_a_name_is_dropped() -> None:
    text = "Analyst Ken Moore of Bernstein said the recall would cost $500 million."
    assert found(text) == [("the recall would cost $500 million", "Ken Moore")]


def test_they_resolves_to_the_last_group_that_spoke() -> None:
    text = "Union leaders said the strike would go on. “We are not going back,” they said."
    assert speakers(text) == ["Union leaders", "Union leaders"]


def test_a_document_cited_as_a_source() -> None:
    text = "The mayor took bribes for a decade, the indictment says."
    assert found(text) == [("The mayor took bribes for a decade", "the indictment")]


def test_a_name_in_apposition_is_the_speaker() -> None:
    text = "The ministry’s spokesman, Ali Hassan, said the talks had failed."
    assert found(text) == [("the talks had failed", "Ali Hassan")]


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("“Prices will keep rising,” economists said.", "economists"),
        ("“Prices will keep rising,” U.S. officials said.", "U.S. officials"),
        ("Experts say prices will keep rising.", "Experts"),
        ("Some analysts have also warned that prices will keep rising.", "analysts"),
        ("Prices will keep rising, according to the IMF.", "the IMF"),
        ("“Prices will keep rising,” the State Department said.", "the State Department"),
        ("Police said the driver was arrested at the scene.", "Police"),
        ("Officials at the central bank said rates would stay high.", "Officials at the central bank"),
        ("People familiar with the talks said a deal was close.", "People familiar with the talks"),
    ],
    ids=[
        "plural",
        "plural-modifier",
        "sentence-start",
        "quantifier-dropped",
        "according-to-the",
        "organisation",
        "institution",
        "with-place",
        "familiar-with",
    ],
)
def test_groups_and_institutions_as_written(text: str, speaker: str) -> None:
    assert speakers(text) == [speaker]


# -- reported speech -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "span", "speaker"),
    [
        ("Officials said that the bridge was unsafe.", "the bridge was unsafe", "Officials"),
        ("Officials said the bridge was unsafe.", "the bridge was unsafe", "Officials"),
        ("Officials said on Tuesday that the bridge was unsafe.", "the bridge was unsafe", "Officials"),
        ("Officials said Thursday the bridge was unsafe.", "the bridge was unsafe", "Officials"),
        (
            "Engineers warned that, despite the repairs, the bridge was unsafe.",
            "despite the repairs, the bridge was unsafe",
            "Engineers",
        ),
        ("Porter told reporters the bridge was unsafe.", "the bridge was unsafe", "Porter"),
        (
            "Inspectors believe the bridge has been unsafe for years.",
            "the bridge has been unsafe for years",
            "Inspectors",
        ),
        ("The bridge was unsafe, Porter said.", "The bridge was unsafe", "Porter"),
        ("The bridge was unsafe, said Tom Reyes, an engineer at the firm.", "The bridge was unsafe", "Tom Reyes"),
        (
            "The bridge carries 40,000 cars a day, according to the city.",
            "The bridge carries 40,000 cars a day",
            "the city",
        ),
        (
            "According to the city, the bridge carries 40,000 cars a day.",
            "the bridge carries 40,000 cars a day",
            "the city",
        ),
        ("However, the bridge was never inspected, Porter said.", "the bridge was never inspected", "Porter"),
        ("But the repairs were late, engineers said Wednesday.", "the repairs were late", "engineers"),
    ],
    ids=[
        "that",
        "without-that",
        "time-before-that",
        "time-without-that",
        "that-and-comma",
        "told-object",
        "belief-verb",
        "closing-attribution",
        "closing-inverted",
        "according-to-end",
        "according-to-start",
        "connective-dropped",
        "conjunction-dropped",
    ],
)
def test_reported_speech_is_the_reported_clause(text: str, span: str, speaker: str) -> None:
    assert found(text) == [(span, speaker)]


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("Officials cautioned against expecting much help.", "cautioned against expecting much help"),
        ("The embassy urged citizens to leave the country.", "urged citizens to leave the country"),
        ("Forecasters warned of flooding along the coast.", "warned of flooding along the coast"),
    ],
    ids=["caution-against", "urge-to", "warn-of"],
)
def test_warn_caution_and_urge_without_a_clause_span_from_the_verb(text: str, span: str) -> None:
    assert spans(text) == [span]


def test_a_quotation_inside_a_reported_clause_joins_it() -> None:
    text = "Given the damage, “it is possible” that the bridge will close, Porter said Tuesday."
    assert found(text) == [("“it is possible” that the bridge will close", "Porter")]


def test_a_reported_clause_may_follow_its_speaker_mid_sentence() -> None:
    text = "The city reopened the bridge, though engineers cautioned against heavy traffic."
    assert found(text) == [("cautioned against heavy traffic", "engineers")]


@pytest.mark.parametrize(
    "text",
    [
        "He was said to be hiding in the mountains.",
        "The company declined to say how many jobs would be cut.",
        "Porter did not say whether the bridge would close.",
        "The rebel group claimed responsibility for the attack.",
        "There are those who think the bridge should be torn down.",
        "The report said nothing about the cost.",
        "She wrote the report in 2019.",
        "Analysts expect higher prices.",
        "The bridge, built in 1932, carries 40,000 cars a day.",
    ],
    ids=[
        "passive",
        "infinitive",
        "negated",
        "claim-with-object",
        "not-a-source",
        "document-subject",
        "write-with-object",
        "no-clause",
        "no-verb",
    ],
)
def test_sentences_that_are_not_reported_speech(text: str) -> None:
    assert find_quotes(text) == []


def test_said_inside_a_direct_quotation_makes_no_reported_speech() -> None:
    text = "“Officials said the bridge was safe. They were wrong,” Porter said."
    assert found(text) == [("“Officials said the bridge was safe. They were wrong,”", "Porter")]


def test_no_reported_clause_after_the_attribution_of_a_quotation() -> None:
    text = "“The bridge is closed,” officials said Tuesday, the third closure this year."
    assert found(text) == [("“The bridge is closed,”", "officials")]


def test_reported_speech_is_not_read_in_headlines() -> None:
    assert find_quotes("Bridge Is Unsafe, Engineers Say") == []


# -- quotes without an attribution of their own ------------------------------------------------


def test_the_attribution_of_a_previous_sentence_in_the_paragraph() -> None:
    text = "“The river is rising,” Lena Brandt said. “We expect the peak on Friday.”"
    assert speakers(text) == ["Lena Brandt", "Lena Brandt"]


def test_the_attribution_of_a_later_sentence_in_the_paragraph() -> None:
    text = "“The river is rising.” “We expect the peak on Friday,” Lena Brandt said."
    assert speakers(text) == ["Lena Brandt", "Lena Brandt"]


def test_a_quote_alone_in_its_paragraph_takes_the_speaker_of_the_span_before() -> None:
    text = (
        "The river will crest on Friday, said Lena Brandt, a hydrologist.\n\n"
        "“We have sandbags ready, but the levees are old.”"
    )
    assert speakers(text) == ["Lena Brandt", "Lena Brandt"]


def test_the_speaker_is_not_carried_past_a_paragraph_without_quotes() -> None:
    text = (
        "“The river is rising,” Lena Brandt said.\n\n"
        "Rain fell through the night.\n\n"
        "“The levees held but the roads are closed.”"
    )
    assert speakers(text) == ["Lena Brandt", None]


# -- offsets and hostile input ------------------------------------------------------------------


def test_offsets_are_code_points_after_emoji_and_combining_marks() -> None:
    prefix = "👩‍🚒🔥 Cafe\u0301 owners 🇺🇸 said nothing new.\n\n"
    text = prefix + "“We will reopen,” the owner said."
    [suggestion] = find_quotes(text)
    assert suggestion.start == len(prefix)
    assert text[suggestion.start : suggestion.end] == "“We will reopen,”"


def test_a_long_article_is_read_whole() -> None:
    paragraph = (
        "“The river is rising,” Lena Brandt said. Officials said the levees were old, "
        "and the so-called “safe” zones were not safe.\n\n"
    )
    text = paragraph * (200_000 // len(paragraph) + 1)
    suggestions = find_quotes(text)
    assert_well_formed(text, suggestions)
    assert len(suggestions) == 2 * text.count("Lena Brandt said")


@pytest.mark.parametrize(
    "mark",
    ["“", "”", '"', "‘", "’", "'", "“a ", "a” ", "‘a ", "\n“", "“\n\n"],
)
def test_fifty_thousand_unmatched_marks_finish(mark: str) -> None:
    text = mark * 50_000
    assert_well_formed(text, find_quotes(text))


def test_a_run_on_sentence_of_reporting_verbs_finishes() -> None:
    text = "the talks failed, officials said, " * 5_000 + "and he said so."
    assert_well_formed(text, find_quotes(text))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([*"ab Z.,\n“”‘’\"'", " said ", " Ann Lee ", " he ", "according to "]), max_size=80))
def test_any_text_gives_well_formed_suggestions(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert_well_formed(text, find_quotes(text))
