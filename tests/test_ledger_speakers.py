"""Speaker names to persons (annotator.ledger.speakers): titles, initials, surnames, descriptions, aliases."""

from __future__ import annotations

import random

import pytest

from annotator.ledger.model import Person
from annotator.ledger.speakers import Mention, resolve


def keys(*mentions: tuple[str, str], aliases: dict[str, str] | None = None) -> list[str]:
    """The key of each (name, document), in order."""
    found = resolve([Mention(name, doc) for name, doc in mentions], aliases)
    return [found[Mention(name, doc)].key for name, doc in mentions]


def key_of(name: str, *context: tuple[str, str], doc: str = "a", aliases: dict[str, str] | None = None) -> str:
    """The key of `name` in document `doc`, among the other mentions `context`."""
    return keys((name, doc), *context, aliases=aliases)[0]


def person(name: str, *context: tuple[str, str], doc: str = "a") -> Person:
    return resolve([Mention(name, doc), *(Mention(n, d) for n, d in context)])[Mention(name, doc)]


# -- titles -----------------------------------------------------------------------------

MILLEY = [
    "Mark Milley",
    "Gen. Mark Milley",
    "Gen Mark Milley",
    "General Milley",
    "general Milley",
    "Milley",
    "Mark A. Milley",
    "Chairman Mark Milley",
    "Joint Chiefs Chairman Gen. Mark Milley",
    "Chairman of the Joint Chiefs of Staff Gen. Mark Milley",
    "Army Gen. Mark Milley",
    "Milley's",
    "Milley’s",
    "Gen. Milley’s",
    "  Mark   Milley ",
    "“Mark Milley”",
    '"Milley"',
    "Mark Milley Jr.",
    "Mark Milley, chairman of the Joint Chiefs",
    "Mark Milley (Joint Chiefs)",
]


@pytest.mark.parametrize("written", MILLEY)
def test_every_way_of_writing_milley_is_one_person(written: str) -> None:
    assert key_of(written, ("Mark Milley", "b")) == "milley/mark"


def test_all_of_them_together_are_one_person_named_without_titles() -> None:
    found = resolve([Mention(name, f"doc-{n % 3}") for n, name in enumerate(MILLEY)])
    assert {p.key for p in found.values()} == {"milley/mark"}
    milley = next(iter(found.values()))
    assert milley.name == "Mark Milley"
    assert milley.names == tuple(sorted(set(MILLEY)))


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("Defense Secretary Lloyd Austin", "austin/lloyd"),
        ("Secretary of Defense Lloyd J. Austin III", "austin/lloyd"),
        ("SecDef Lloyd Austin", "austin/lloyd"),
        ("Secretary of State Antony Blinken", "blinken/antony"),
        ("Secretary of Transportation Pete Buttigieg", "buttigieg/pete"),
        ("Assistant Secretary of State for Consular Affairs Omar Haddad", "haddad/omar"),
        ("White House press secretary Karine Jean-Pierre", "jean-pierre/karine"),
        ("former president Donald Trump", "trump/donald"),
        ("U.N. Secretary-General Antonio Guterres", "guterres/antonio"),
        ("Lt. Gen. Ruth Okafor", "okafor/ruth"),
        ("Lt Gen Ruth Okafor", "okafor/ruth"),
        ("Maj. Gen. Pat Ryder", "ryder/pat"),
        ("Sen. Elizabeth Warren", "warren/elizabeth"),
        ("Rep. Jim Jordan", "jordan/jim"),
        ("Dr. Anthony Fauci", "fauci/anthony"),
        ("Mr Biden", "biden"),
        ("President Biden", "biden"),
        ("CIA Director William Burns", "burns/william"),
        ("Taliban spokesman Zabihullah Mujahid", "mujahid/zabihullah"),
        ("senior fellow Bill Roggio", "roggio/bill"),
        ("economist Jane Doe", "doe/jane"),
        ("the ministry’s spokesman, Ali Hassan", "hassan/ali"),
        ("Martin Luther King, Jr.", "king/martin luther"),
        ("Robert “Bobby” Keane", "keane/robert"),
    ],
)
def test_titles_roles_and_job_title_phrases_are_dropped(written: str, key: str) -> None:
    assert key_of(written) == key


def test_the_name_is_the_fullest_written_without_titles() -> None:
    assert person("Defense Secretary Lloyd Austin", ("Austin", "a")).name == "Lloyd Austin"
    assert person("Austin", ("Lloyd J. Austin III", "b")).name == "Lloyd J. Austin III"
    # As many names: the one written most often, then the one with more words.
    context = [("Mark Milley", "b"), ("Mark Milley", "c"), ("Mark A. Milley", "d")]
    assert person("Milley", *context).name == "Mark Milley"


def test_particles_stay_in_the_surname() -> None:
    assert (
        keys(("Ursula von der Leyen", "a"), ("von der Leyen", "b"), ("Von der Leyen", "c"))
        == ["von der leyen/ursula"] * 3
    )
    assert key_of("Mr. de Mistura", ("Staffan de Mistura", "b")) == "de mistura/staffan"


def test_an_arabic_article_joined_by_a_hyphen_is_not_part_of_the_surname() -> None:
    assert keys(("Bashar al-Assad", "a"), ("Assad", "b"), ("Bashar Assad", "c")) == ["assad/bashar"] * 3


def test_case_and_accents_do_not_matter() -> None:
    assert keys(("José Núñez", "a"), ("Jose Nunez", "b"), ("JOSÉ NÚÑEZ", "c"), ("Núñez", "d")) == ["nunez/jose"] * 4
    assert person("Jose Nunez", ("José Núñez", "b")).name == "José Núñez"
    assert keys(("Conan O’Brien", "a"), ("Conan O'Brien", "b")) == ["o'brien/conan"] * 2


def test_a_name_written_in_lower_case_is_the_capitalised_name_of_the_corpus() -> None:
    assert keys(("mark milley", "a"), ("Mark Milley", "b")) == ["milley/mark"] * 2
    assert keys(("the pentagon", "a"), ("the Pentagon", "b")) == ["pentagon"] * 2
    assert key_of("mark milley") == "mark milley@a"  # no capitalised "Mark Milley": read as written


# -- surnames and initials --------------------------------------------------------------


def test_a_surname_joins_the_full_name_in_its_own_document_first() -> None:
    assert keys(("John Smith", "a"), ("Smith", "a"), ("Jane Smith", "b"), ("Smith", "b")) == [
        "smith/john",
        "smith/john",
        "smith/jane",
        "smith/jane",
    ]


def test_a_surname_joins_the_only_full_name_of_the_corpus() -> None:
    assert key_of("Milley", ("Mark Milley", "b"), ("Mark Milley", "c")) == "milley/mark"
    assert key_of("Gen. Milley", ("Gen. Mark Milley", "b")) == "milley/mark"


def test_a_surname_of_two_people_elsewhere_stays_its_own_person_in_its_document() -> None:
    context = [("John Smith", "b"), ("Jane Smith", "c")]
    assert key_of("Smith", *context, doc="a") == "smith@a"
    # Another document's undecided "Smith" is not the same person.
    assert keys(("Smith", "a"), ("Smith", "d"), ("Smith", "a"), *context)[:3] == ["smith@a", "smith@d", "smith@a"]


def test_a_surname_of_two_people_in_its_own_document_stays_its_own_person() -> None:
    assert key_of("Smith", ("John Smith", "a"), ("Jane Smith", "a"), ("John Smith", "b")) == "smith@a"


def test_a_surname_with_no_full_name_anywhere_is_one_person_across_the_corpus() -> None:
    assert keys(("Okonkwo", "a"), ("Okonkwo", "b"), ("Mr. Okonkwo", "c")) == ["okonkwo"] * 3


def test_two_people_with_one_surname_in_different_articles_stay_apart() -> None:
    assert keys(("John Smith", "a"), ("Jane Smith", "b"), ("Sen. John Smith", "c")) == [
        "smith/john",
        "smith/jane",
        "smith/john",
    ]


def test_initials_join_the_only_compatible_full_name() -> None:
    assert key_of("J. Smith", ("John Smith", "b"), ("Mary Smith", "c")) == "smith/john"
    assert key_of("J Smith", ("John Smith", "b")) == "smith/john"
    assert key_of("J.R. Smith", ("John Smith", "b")) == "smith/john"


def test_initials_that_fit_two_people_stay_apart() -> None:
    context = [("John Smith", "b"), ("Jane Smith", "c")]
    assert key_of("J. Smith", *context) == "smith/j@a"
    # In its own document, the full name there decides.
    assert key_of("J. Smith", ("Jane Smith", "a"), *context) == "smith/jane"


def test_initials_with_no_compatible_full_name_are_one_person_across_the_corpus() -> None:
    assert keys(("J. Smith", "a"), ("J. Smith", "b"), ("Mary Smith", "c"))[:2] == ["smith/j"] * 2


def test_middle_initials_and_suffixes_do_not_make_another_person() -> None:
    assert keys(("Lloyd J. Austin III", "a"), ("Lloyd Austin", "b"), ("Lloyd Austin Jr.", "c")) == ["austin/lloyd"] * 3


# -- descriptions and organisations -----------------------------------------------------

DESCRIPTIONS = [
    "officials",
    "Officials",
    "U.S. officials",
    "counterterrorism officials",
    "a senior U.S. official",
    "unnamed military official",
    "anonymous sources",
    "Experts",
    "experts",
    "Two Pentagon officials",
    "Some analysts",
    "intelligence agencies",
    "the company",
    "a spokesperson",
    "Police",
    "officials at the Pentagon",
    "a spokesman for Human Rights Watch",
    "Pentagon press secretary",
    "Pentagon Spokesman",
    "Pentagon Press Secretary",
    "Finance Minister",
    "Joint Chiefs Chairman",
    "the President",
    "Prime Minister",
    "Secretary of State",
    "the Ministry",
]


@pytest.mark.parametrize("written", DESCRIPTIONS)
def test_a_description_is_not_merged_across_documents(written: str) -> None:
    first, second = keys((written, "a"), (written, "b"))
    assert first != second
    assert first.endswith("@a")
    assert second.endswith("@b")


@pytest.mark.parametrize("written", DESCRIPTIONS)
def test_a_description_is_one_speaker_within_its_document(written: str) -> None:
    assert len(set(keys((written, "a"), (written.upper(), "a"), (written.lower(), "a")))) == 1


def test_a_descriptions_article_and_case_do_not_make_another_speaker() -> None:
    written = ["officials", "Officials", "the officials"]
    assert set(keys(*((name, "a") for name in written))) == {"officials@a"}
    written = ["a military official", "unnamed military official", "the military official"]
    assert set(keys(*((name, "a") for name in written))) == {"military official@a"}


def test_a_description_is_named_as_written() -> None:
    found = person("officials", ("Officials", "a"), ("officials", "a"))
    assert found == Person("officials@a", "officials", ("Officials", "officials"))
    assert person("unnamed military official").name == "unnamed military official"


ORGANISATIONS = [
    ("the UN", "un"),
    ("UN", "un"),
    ("U.N.", "un"),
    ("the Pentagon", "pentagon"),
    ("NATO", "nato"),
    ("Human Rights Watch", "human rights watch"),
    ("the State Department", "state department"),
    ("Bank of England", "bank of england"),
    ("U.S. Central Command", "us central command"),
    ("Reuters", "reuters"),
]


@pytest.mark.parametrize(("written", "key"), ORGANISATIONS)
def test_an_organisation_named_by_a_proper_name_merges_across_documents(written: str, key: str) -> None:
    assert keys((written, "a"), (written, "b")) == [key, key]


def test_the_un_however_written() -> None:
    found = resolve([Mention("the UN", "a"), Mention("UN", "b"), Mention("U.N.", "c")])
    assert {p.key for p in found.values()} == {"un"}
    assert next(iter(found.values())).names == ("U.N.", "UN", "the UN")


def test_an_organisation_is_not_a_surname() -> None:
    assert key_of("the Pentagon", ("Jane Pentagon", "a")) == "pentagon"


# -- aliases ----------------------------------------------------------------------------

ALIASES = {"SecDef": "Lloyd Austin", "Austin": "Lloyd Austin", "POTUS": "Joe Biden", "Hamas": "Hamas"}


def test_an_alias_gives_the_canonical_name() -> None:
    assert keys(("SecDef", "a"), ("POTUS", "b"), ("Joe Biden", "c"), aliases=ALIASES) == [
        "austin/lloyd",
        "biden/joe",
        "biden/joe",
    ]
    assert person_with_aliases("SecDef").name == "Lloyd Austin"


def person_with_aliases(name: str, *context: tuple[str, str]) -> Person:
    mentions = [Mention(name, "a"), *(Mention(n, d) for n, d in context)]
    return resolve(mentions, ALIASES)[mentions[0]]


@pytest.mark.parametrize("written", ["secdef", "SECDEF", "  SecDef ", "SecDef’s", "“SecDef”"])
def test_an_alias_is_matched_case_insensitively_with_spaces_collapsed(written: str) -> None:
    assert key_of(written, aliases=ALIASES) == "austin/lloyd"
    assert key_of(written, aliases={"  secDEF   ": "Lloyd Austin"}) == "austin/lloyd"


def test_an_alias_wins_over_the_surname_rules() -> None:
    # Without the alias, "Austin" in a story that names Tracy Austin is Tracy Austin.
    context = [("Tracy Austin", "a"), ("Lloyd Austin", "b")]
    assert key_of("Austin", *context) == "austin/tracy"
    assert key_of("Austin", *context, aliases=ALIASES) == "austin/lloyd"
    assert key_of("Secretary Austin", *context, aliases=ALIASES) == "austin/lloyd"
    # Two Smiths, one alias: what the rules cannot tell, the alias settles.
    context = [("John Smith", "b"), ("Jane Smith", "c")]
    assert key_of("Smith", *context) == "smith@a"
    assert key_of("Smith", *context, aliases={"Smith": "Jane Smith"}) == "smith/jane"


def test_an_alias_settles_a_surname_that_is_a_post() -> None:
    assert keys(("Gov. Howard Dean", "a"), ("Gov. Howard Dean", "b")) == ["gov howard dean@a", "gov howard dean@b"]
    aliases = {"Gov. Howard Dean": "Howard Dean"}
    assert keys(("Gov. Howard Dean", "a"), ("Gov. Howard Dean", "b"), aliases=aliases) == ["dean/howard"] * 2


def test_an_aliased_name_gives_its_full_name_to_the_surname_rules() -> None:
    assert keys(("SecDef", "a"), ("Gen. Austin", "b"), aliases={"SecDef": "Lloyd Austin"}) == ["austin/lloyd"] * 2


def test_an_alias_canonical_name_keeps_its_words() -> None:
    # A canonical name is taken as written: "General" is not a title in it.
    assert key_of("GM", aliases={"GM": "General Motors"}) == "motors/general"


# -- stability --------------------------------------------------------------------------


def corpus() -> list[Mention]:
    names = [
        *MILLEY,
        *DESCRIPTIONS,
        *(name for name, _ in ORGANISATIONS),
        "John Smith",
        "Jane Smith",
        "Smith",
        "J. Smith",
        "SecDef",
        "Lloyd Austin",
        "Austin",
        "mark milley",
        "José Núñez",
        "Jose Nunez",
        "Okonkwo",
    ]
    return [Mention(name, f"doc-{n % 7}") for n, name in enumerate(names * 2)] + [
        Mention(name, f"doc-{n % 5}") for n, name in enumerate(names)
    ]


@pytest.mark.parametrize("seed", range(5))
def test_the_result_does_not_depend_on_the_order_of_the_mentions(seed: int) -> None:
    mentions = corpus()
    shuffled = random.Random(seed).sample(mentions, len(mentions))
    assert resolve(shuffled, ALIASES) == resolve(mentions, ALIASES)


def test_every_mention_has_a_person_and_one_person_per_key() -> None:
    mentions = corpus()
    found = resolve(mentions)
    assert set(found) == set(mentions)
    by_key: dict[str, Person] = {}
    for found_person in found.values():
        assert by_key.setdefault(found_person.key, found_person) == found_person
        assert list(found_person.names) == sorted(set(found_person.names))


def test_nothing_in_nothing_out_and_a_blank_name_is_its_documents_own() -> None:
    assert resolve([]) == {}
    assert keys(("", "a"), ("  ", "a"), ("", "b")) == ["@a", "@a", "@b"]


def test_a_mention_is_a_small_frozen_record() -> None:
    mention = Mention("Mark Milley", "a")
    assert mention == Mention("Mark Milley", "a")
    assert len({mention, Mention("Mark Milley", "a")}) == 1
    with pytest.raises(AttributeError):
        mention.name = "Milley"  # type: ignore[misc]
