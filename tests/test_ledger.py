"""The quote ledger: quotes gathered, grouped by person and utterance, differences and flags.

Hand-made corpora, one per kind of difference, written as news writes them:
each a few short articles from different outlets quoting the same people.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.cli.main import main
from annotator.ledger import grouping
from annotator.ledger.alignment import Vocabulary, match, segments
from annotator.ledger.build import ledger_of
from annotator.ledger.model import Change, ChangeKind, FlagKind, Ledger, Quote, QuoteKind, Source, SpanRef
from annotator.ledger.words import spoken_words
from tests.conftest import Project

REPO = Path(__file__).resolve().parent.parent


def article(project: Project, doc_id: str, publisher: str, text: str, quotes: list[tuple[str, str | None]]) -> None:
    """An article of `publisher` whose gold file marks each (needle, speaker) as a quote."""
    project.write_doc(f"docs/{doc_id}.txt", text, meta={"id": doc_id, "publisher": publisher})
    aset = project.new_set(f"docs/{doc_id}.txt", "gold")
    for needle, speaker in quotes:
        start = text.index(needle)
        attributes = {"speaker": speaker} if speaker else {}
        aset.create(start, start + len(needle), "quote", attributes=attributes)
    project.write(f"{doc_id}/gold.json", aset)


def ledger(project: Project, **options) -> Ledger:
    paths = sorted((project.root / "annotations").rglob("*.json"))
    built = ledger_of(paths, project.config, **options)
    assert built.problems == ()
    return built.ledger


def changes(ledger: Ledger, person: str) -> list[tuple[ChangeKind, str, str]]:
    entry = next(e for e in ledger.speakers if e.person.name == person)
    return [
        (change.kind, change.left, change.right)
        for utterance in entry.utterances
        for comparison in utterance.comparisons
        for change in comparison.changes
    ]


def flag_kinds(ledger: Ledger) -> list[FlagKind]:
    return [flag.kind for flag in ledger.flags]


# -- words and alignment --------------------------------------------------------------


def test_spoken_words_are_inside_the_quotation_marks_curly_or_straight() -> None:
    curly, kind = spoken_words("“We don’t know,” he said, “what comes.”")
    straight, _ = spoken_words('"We don\'t know," he said, "what comes."')
    assert kind is QuoteKind.PARTIAL  # "he said" stands outside the marks
    assert [w.norm for w in curly] == [w.norm for w in straight] == ["we", "don't", "know", ",", "what", "comes", "."]
    assert spoken_words("the Taliban could help")[1] is QuoteKind.PARAPHRASE
    assert spoken_words("‘It’s possible’")[1] is QuoteKind.DIRECT


def test_words_keep_their_offsets_in_the_document() -> None:
    text = "He said: “Taliban’s 2,000 fighters…”"
    start = text.index("“")
    words, _ = spoken_words(text[start:], start)
    assert [(w.text, text[w.start : w.end]) for w in words][:3] == [
        ("Taliban’s", "Taliban’s"),
        ("2,000", "2,000"),
        ("fighters", "fighters"),
    ]


def _diff(a: str, b: str):
    vocabulary = Vocabulary()
    left, right = spoken_words(a)[0], spoken_words(b)[0]
    return match(vocabulary.encode(left), vocabulary.encode(right)), segments(left, right)


def test_a_sentence_break_is_a_quiet_difference_and_words_are_not() -> None:
    found, parts = _diff("“It is, but I can tell you that.”", "“It is. But I can tell you this.”")
    assert found.score > 0.8
    kinds = [(p.change, p.left, p.right) for p in parts if p.change]
    assert kinds == [(ChangeKind.PUNCTUATION, ", but", ". But"), (ChangeKind.CHANGED, "that", "this")]


# -- the seeds -------------------------------------------------------------------------


@pytest.fixture
def seeds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    root = tmp_path / "seeds-project"
    root.mkdir()
    shutil.copytree(REPO / "seeds", root / "seeds")
    shutil.copytree(REPO / "annotations", root / "annotations")
    (root / "annotator.toml").write_text('annotations = "annotations"\ndocuments = ["seeds"]\n', encoding="utf-8")
    monkeypatch.chdir(root)
    return Project(root)


def test_the_seeds_show_how_each_outlet_quoted_austin_and_milley(seeds: Project) -> None:
    found = ledger(seeds)
    assert [source.outlet for source in found.sources] == ["Voice of America", "Defense One"]
    austin = changes(found, "Lloyd Austin")
    assert (ChangeKind.DROPPED, "of logic,", "") in austin  # “…any leaps of logic” (VOA), “…any leaps” (Defense One)
    assert (ChangeKind.CHANGED, "there", "that,") in austin  # “it was just there to get…” / “it was just that, to…”
    milley = changes(found, "Mark Milley")
    assert (ChangeKind.PUNCTUATION, ", but", ". But") in milley  # “…the Taliban is, but I…” / “…is. But I…”
    assert (ChangeKind.DROPPED, "from the past, and", "") in milley
    assert FlagKind.WORDING in flag_kinds(found)


def test_the_command_prints_the_discrepancies_of_the_shipped_annotations(seeds: Project, capsys) -> None:
    assert main(["quotes"]) == 0
    out = capsys.readouterr().out
    assert "Lloyd Austin" in out and "Mark Milley" in out
    assert "I would not make any leaps [-of logic,-]" in out
    assert "the Taliban is ⟨, but | . But⟩ I can tell you" in out
    assert out.index("Flags (") < out.index("Lloyd Austin\n") or "Flags (" in out.split("\n\n")[1]


def test_speaker_filter_and_json(seeds: Project, capsys) -> None:
    assert main(["quotes", "--speaker", "milley", "--format", "json"]) == 0
    data = orjson.loads(capsys.readouterr().out)
    assert [entry["person"]["name"] for entry in data["speakers"]] == ["Mark Milley"]
    assert data["unattributed"] == []
    versions = [v for u in data["speakers"][0]["utterances"] for v in u["versions"]]
    assert {v["publisher"] for v in versions} == {"Voice of America", "Defense One"}


def test_out_writes_the_file(seeds: Project, capsys) -> None:
    assert main(["quotes", "--format", "json", "--out", "ledger.json"]) == 0
    assert orjson.loads((seeds.root / "ledger.json").read_bytes())["threshold"] == 0.6
    assert capsys.readouterr().out == ""


# -- hand-made corpora ---------------------------------------------------------------

A = 'The mayor spoke on Monday. "We will rebuild the bridge by June," Mayor Ann Lee said.\n'
B = "Lee addressed reporters. “We will rebuild the bridge before July,” Lee said.\n"


def test_changed_words_across_outlets_and_titles_resolved(project: Project) -> None:
    article(project, "a", "Daily", A, [('"We will rebuild the bridge by June,"', "Mayor Ann Lee")])
    article(project, "b", "Herald", B, [("“We will rebuild the bridge before July,”", "Lee")])
    found = ledger(project)
    assert [entry.person.name for entry in found.speakers] == ["Ann Lee"]
    assert changes(found, "Ann Lee") == [(ChangeKind.CHANGED, "by June", "before July")]
    (flag,) = found.flags
    assert flag.kind is FlagKind.WORDING and "Daily and Herald differ" in flag.message


def test_curly_and_straight_quotes_and_apostrophes_are_the_same_words(project: Project) -> None:
    article(project, "a", "Daily", '"We don\'t know," she said.\n', [('"We don\'t know,"', "Ann Lee")])
    article(project, "b", "Herald", "“We don’t know,” she said.\n", [("“We don’t know,”", "Ann Lee")])
    found = ledger(project)
    (utterance,) = found.speakers[0].utterances
    assert len(utterance.quotes) == 2 and changes(found, "Ann Lee") == []
    assert found.flags == ()


def test_added_and_dropped_words(project: Project) -> None:
    article(
        project,
        "a",
        "Daily",
        "“We will act now and we will act fast,” Lee said.\n",
        [("“We will act now and we will act fast,”", "Ann Lee")],
    )
    article(project, "b", "Herald", "“We will act now,” Lee said.\n", [("“We will act now,”", "Ann Lee")])
    article(
        project,
        "c",
        "Courier",
        "“We will act now and we will act very fast,” Lee said.\n",
        [("“We will act now and we will act very fast,”", "Ann Lee")],
    )
    found = ledger(project)
    (utterance,) = found.speakers[0].utterances  # the fragment joins the longer versions
    assert len(utterance.quotes) == 3
    pairs = {(c.left.source.outlet, c.right.source.outlet): c for c in utterance.comparisons}
    assert pairs[("Daily", "Courier")].changes == (Change(ChangeKind.ADDED, "", "very"),)
    assert not pairs[("Daily", "Herald")].wording_differs  # a fragment: the rest is context
    assert pairs[("Daily", "Herald")].partial


def test_a_quote_split_by_an_attribution_is_one_utterance(project: Project) -> None:
    joined = "“We were ready,” Lee said. “And we acted.”\n"
    article(project, "a", "Daily", joined, [("“We were ready,”", "Ann Lee"), ("“And we acted.”", "Ann Lee")])
    article(
        project,
        "b",
        "Herald",
        "“We were ready and we acted,” Lee said.\n",
        [("“We were ready and we acted,”", "Ann Lee")],
    )
    found = ledger(project)
    (utterance,) = found.speakers[0].utterances
    daily = next(q for q in utterance.quotes if q.source.doc_id == "a")
    assert len(daily.spans) == 2 and daily.text == "“We were ready,” … “And we acted.”"
    assert changes(found, "Ann Lee") == [(ChangeKind.PUNCTUATION, ", And", "and")]


def test_a_paraphrase_of_a_direct_quote_is_flagged(project: Project) -> None:
    article(
        project,
        "a",
        "Daily",
        "“The bridge will reopen in June after repairs,” Lee said.\n",
        [("“The bridge will reopen in June after repairs,”", "Ann Lee")],
    )
    article(
        project,
        "b",
        "Herald",
        "Lee said the bridge would reopen in June once repairs end.\n",
        [("the bridge would reopen in June once repairs end", "Ann Lee")],
    )
    found = ledger(project)
    assert FlagKind.PARAPHRASE in flag_kinds(found)
    assert FlagKind.WORDING not in flag_kinds(found)


def test_a_quote_other_outlets_lack_is_flagged_missing(project: Project) -> None:
    article(
        project,
        "a",
        "Daily",
        "“We will rebuild,” Lee said.\n\nOn taxes: “Taxes stay flat,” she added.\n",
        [("“We will rebuild,”", "Ann Lee"), ("“Taxes stay flat,”", "Ann Lee")],
    )
    article(project, "b", "Herald", "“We will rebuild,” Lee said.\n", [("“We will rebuild,”", "Ann Lee")])
    found = ledger(project)
    (missing,) = [flag for flag in found.flags if flag.kind is FlagKind.MISSING]
    assert "Taxes stay flat" in missing.message and "not by Herald" in missing.message


def test_two_people_with_one_surname_in_different_articles_stay_apart(project: Project) -> None:
    article(project, "a", "Daily", "“Prices will rise,” John Smith said.\n", [("“Prices will rise,”", "John Smith")])
    article(project, "b", "Herald", "“Prices will rise,” Jane Smith said.\n", [("“Prices will rise,”", "Jane Smith")])
    found = ledger(project)
    assert sorted(entry.person.name for entry in found.speakers) == ["Jane Smith", "John Smith"]
    assert all(len(u.quotes) == 1 for e in found.speakers for u in e.utterances)


def test_unattributed_quotes_are_listed_as_such(project: Project, capsys) -> None:
    article(project, "a", "Daily", "“Nobody knows,” a sign read.\n", [("“Nobody knows,”", None)])
    found = ledger(project)
    assert found.speakers == () and len(found.unattributed) == 1
    assert main(["quotes"]) == 0
    assert "No speaker (1 quotes)" in capsys.readouterr().out


def test_without_gold_the_chosen_annotator_is_taken_and_others_are_named(project: Project, capsys) -> None:
    project.write_doc("docs/a.txt", A, meta={"id": "a", "publisher": "Daily"})
    aset = project.new_set("docs/a.txt", "alice")
    start = A.index('"We')
    aset.create(start, A.index(',"') + 2, "quote", attributes={"speaker": "Ann Lee"})
    project.write("a/alice.json", aset)
    assert main(["quotes"]) == 0
    assert "have no gold file" in capsys.readouterr().err
    assert main(["quotes", "--annotator", "alice", "--format", "json"]) == 0
    assert orjson.loads(capsys.readouterr().out)["speakers"][0]["person"]["name"] == "Ann Lee"


def test_bad_input_is_named_not_a_traceback(project: Project, capsys) -> None:
    article(project, "a", "Daily", A, [('"We will rebuild the bridge by June,"', "Mayor Ann Lee")])
    project.write("b/gold.json", "{")
    assert main(["quotes"]) == 1
    err = capsys.readouterr().err
    assert "left out: " in err and "b/gold.json" in err and "Traceback" not in err
    assert main(["quotes", "--threshold", "2"]) == 2


# -- the candidate pairs are every pair that can match ---------------------------------


@st.composite
def one_persons_quotes(draw) -> list[Quote]:
    vocabulary = ["we", "will", "act", "now", "the", "bridge", "taxes", "stay", "flat", "june"]
    quotes = []
    for index in range(draw(st.integers(2, 12))):
        words = draw(st.lists(st.sampled_from(vocabulary), min_size=1, max_size=12))
        paraphrased = draw(st.booleans())
        text = " ".join(words) if paraphrased else "“" + " ".join(words) + "”"
        spoken, kind = spoken_words(text)
        source = Source(f"d{index % 4}", f"docs/d{index % 4}.txt", "a.json", "gold")
        quotes.append(Quote(source, (SpanRef(f"s{index}", 0, len(text)),), text, "Ann Lee", kind, spoken))
    return quotes


@settings(max_examples=150, deadline=None)
@given(quotes=one_persons_quotes(), threshold=st.sampled_from([0.3, 0.6, 0.9]))
def test_candidates_hold_every_pair_that_matches(quotes: list[Quote], threshold: float) -> None:
    vocabulary = Vocabulary()
    codes = [vocabulary.encode(quote.words) for quote in quotes]
    content = [grouping._content(quote) for quote in quotes]
    matching = {
        (i, j)
        for i in range(len(quotes))
        for j in range(i + 1, len(quotes))
        if grouping._pair(quotes[i], quotes[j], codes[i], codes[j], content[i], content[j], threshold) is not None
    }
    assert matching <= grouping._candidates(quotes, codes, content, threshold)


def test_speaker_finds_whole_names_only(project: Project, capsys) -> None:
    article(project, "a", "Daily", "“We will rebuild,” Lee said.\n", [("“We will rebuild,”", "Ann Lee")])
    article(project, "b", "Herald", "“Rates stay,” Leeds said.\n", [("“Rates stay,”", "Ann Leeds")])
    assert main(["quotes", "--speaker", "lee", "--format", "json"]) == 0
    names = [entry["person"]["name"] for entry in orjson.loads(capsys.readouterr().out)["speakers"]]
    assert names == ["Ann Lee"]
