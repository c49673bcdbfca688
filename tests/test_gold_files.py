"""Gold (adjudicated) files are recognised by name or by content, under any name, by one rule
(annotator.review.gold) that review, agree and history share."""

from __future__ import annotations

import orjson
import pytest
from conftest import TEXT, Project, span_of

from annotator.cli.main import main
from annotator.cli.review_cmd import review_sources
from annotator.model.annotation import AnnotationFile, Rejection, SourceSpan
from annotator.review.gold import is_gold, is_gold_data
from annotator.storage import dumps
from annotator.storage.documents import load_document


def annotator_file(project: Project, name: str, marks: list[tuple[str, str]]) -> AnnotationFile:
    aset = project.new_set(annotator=name)
    for needle, label in marks:
        aset.create(*span_of(TEXT, needle), label)
    return aset.to_file()


def gold_file(project: Project, name: str, accepted: list[tuple[str, str, str]], rejected: bool = False):
    """`name`'s gold file, adjudicated by carol: each (needle, label, annotator) accepted from that annotator."""
    aset = project.new_set(annotator=name)
    for needle, label, source in accepted:
        aset.create(
            *span_of(TEXT, needle),
            label,
            origin="adjudicated",
            by="carol",
            adjudicated_from=[SourceSpan(annotator=source, span="s1")],
        )
    if rejected:
        start, end = span_of(TEXT, "may")
        aset.set_rejected(
            [
                Rejection(
                    annotator="alice",
                    span="s3",
                    start=start,
                    end=end,
                    label="hedge",
                    text="may",
                    by="carol",
                    at="2026-02-01T00:00:00.000Z",
                )
            ]
        )
    return aset.to_file()


@pytest.fixture
def reviewed(project: Project) -> Project:
    """alice and bob annotated a.txt; an earlier review left gold.json."""
    project.write("a/alice.json", annotator_file(project, "alice", [("we will act soon", "quote"), ("42", "number")]))
    project.write("a/bob.json", annotator_file(project, "bob", [("we will act soon", "quote"), ("may", "hedge")]))
    project.write("a/gold.json", gold_file(project, "gold", [("we will act soon", "quote", "alice")]))
    return project


# -- the rule -------------------------------------------------------------------------------


def test_the_rule_reads_the_same_from_models_and_from_json(project: Project) -> None:
    cases = {
        "plain": annotator_file(project, "alice", [("42", "number")]),
        "named gold": annotator_file(project, "gold", [("42", "number")]),
        "adjudicated": gold_file(project, "final", [("42", "number", "alice")]),
        "rejections only": gold_file(project, "final", [], rejected=True),
        "nothing accepted yet": gold_file(project, "final", []),
    }
    verdicts = {name: is_gold(file) for name, file in cases.items()}
    assert verdicts == {
        "plain": False,
        "named gold": True,
        "adjudicated": True,
        "rejections only": True,
        "nothing accepted yet": False,  # an empty file under another name is nobody's work yet
    }
    assert {name: is_gold_data(orjson.loads(dumps(file))) for name, file in cases.items()} == verdicts
    assert is_gold(cases["plain"], ("alice",)) and is_gold_data({"annotator": "alice"}, ("alice",))
    # Odd shapes are read as far as they go, never raise.
    assert not is_gold_data({"annotator": ["gold"], "spans": "x", "history": [1, None], "rejected": {}})


# -- review ---------------------------------------------------------------------------------


def sources_of(project: Project, gold: str) -> list[str]:
    sha256 = load_document(project.root, "docs/a.txt").sha256
    sources = review_sources(project.root / "annotations" / "a", gold, sha256, "docs/a.txt")
    assert sources is not None
    return sorted(sources)


def test_review_into_a_new_gold_file_leaves_the_old_gold_file_out(reviewed: Project) -> None:
    assert sources_of(reviewed, "gold") == ["alice", "bob"]
    assert sources_of(reviewed, "second") == ["alice", "bob"]


def test_review_leaves_out_gold_files_recognised_by_content(reviewed: Project) -> None:
    reviewed.write("a/final.json", gold_file(reviewed, "final", [("42", "number", "alice")]))
    reviewed.write("a/draft.json", gold_file(reviewed, "draft", [], rejected=True))
    assert sources_of(reviewed, "second") == ["alice", "bob"]


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    """What `annotator review` opens, recorded by a stand-in for the review UI, which is never started."""
    import annotator.ui.review_app as review_app

    calls: list[tuple] = []

    class FakeReviewApp:
        failure, return_code = None, 0

        def __init__(self, document, config, gold, adjudicator, out_dir, sources) -> None:
            calls.append((document, gold, adjudicator, sorted(sources)))

        def theme_problem(self) -> None:
            return None

        def run(self) -> None:
            pass

    monkeypatch.setattr(review_app, "ReviewApp", FakeReviewApp)
    return calls


def test_review_command_hands_only_the_annotators_to_the_app(reviewed: Project, opened: list[tuple]) -> None:
    assert main(["review", "docs/a.txt", "--gold", "second", "--annotator", "carol"]) == 0
    assert opened == [("docs/a.txt", "second", "carol", ["alice", "bob"])]


def test_review_with_only_gold_files_has_nobody_to_review(project: Project, opened: list[tuple], capsys) -> None:
    project.write("a/gold.json", gold_file(project, "gold", [("42", "number", "alice")]))
    assert main(["review", "docs/a.txt", "--gold", "second", "--annotator", "carol"]) == 2
    assert "nobody has annotated docs/a.txt yet" in capsys.readouterr().err
    assert opened == []


# -- agree ----------------------------------------------------------------------------------


def agreement(capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    code = main(["agree", "--format", "json", *args])
    out, err = capsys.readouterr()
    assert code == 0, err
    return orjson.loads(out)


@pytest.fixture
def two_reviews(reviewed: Project) -> Project:
    """Besides gold.json, a second review wrote its gold file as 'second', and a draft review only rejected."""
    reviewed.write("a/second.json", gold_file(reviewed, "second", [("42", "number", "alice")]))
    reviewed.write("a/draft.json", gold_file(reviewed, "draft", [], rejected=True))
    return reviewed


def test_agree_leaves_out_every_gold_file(two_reviews: Project, capsys) -> None:
    assert agreement(capsys)["annotators"] == ["alice", "bob"]
    # --gold names one more gold annotator; the others are still recognised by their content.
    assert agreement(capsys, "--gold", "second")["annotators"] == ["alice", "bob"]


def test_agree_compares_gold_files_on_request(two_reviews: Project, capsys) -> None:
    assert agreement(capsys, "--include-gold")["annotators"] == ["alice", "bob", "draft", "gold", "second"]
    assert agreement(capsys, "--annotators", "alice,second")["annotators"] == ["alice", "second"]
