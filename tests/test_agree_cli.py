"""`annotator agree` end to end, in a scratch project."""

from __future__ import annotations

import orjson
import pytest

from tests.conftest import TEXT, Project, run_cli, span_of

SECOND = "Officials say 3 ships 👩‍🔬 arrived, e\u0301 probably.\n"


def annotate(project: Project, annotator: str, marks: list[tuple[str, str]], doc: str = "docs/a.txt") -> None:
    """Write `annotator`'s file for `doc` with a span of each (needle, label)."""
    aset = project.new_set(doc, annotator)
    text = TEXT if doc == "docs/a.txt" else SECOND
    for needle, label in marks:
        aset.create(*span_of(text, needle), label)
    doc_id = doc.removeprefix("docs/").removesuffix(".txt")
    project.write(f"{doc_id}/{annotator}.json", aset)


@pytest.fixture
def team(project: Project) -> Project:
    """alice and bob on two documents (one with emoji and a combining accent), and a gold file."""
    project.write_doc("docs/b.txt", SECOND)
    annotate(project, "alice", [("we will act soon", "quote"), ("42", "number"), ("may", "hedge")])
    annotate(project, "bob", [("we will act soon", "quote"), ("42 people", "number"), ("reportedly", "hedge")])
    annotate(project, "gold", [("we will act soon", "quote"), ("42", "number")])
    annotate(project, "alice", [("3 ships", "number"), ("probably", "hedge")], doc="docs/b.txt")
    annotate(project, "bob", [("3 ships", "number"), ("probably", "hedge")], doc="docs/b.txt")
    return project


def agree_json(project: Project, *args: str) -> dict:
    result = run_cli(["agree", "--format", "json", *args], project.root)
    assert result.returncode == 0, result.stderr
    return orjson.loads(result.stdout)


def test_table_shows_the_pair_labels_and_disagreements(team: Project) -> None:
    result = run_cli(["agree"], team.root)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "alice vs bob" in out
    for label in ("quote", "claim", "hedge", "number", "all labels"):
        assert label in out
    assert "gold" not in out  # the gold file is left out by default
    # The number "42" vs "42 people" and the two hedges are the disagreements on document a.
    assert "disagreements: 3" in out
    (start, end), (_, end_long) = span_of(TEXT, "42"), span_of(TEXT, "42 people")
    assert f"alice  number [{start}, {end})" in out and f"bob    number [{start}, {end_long})" in out
    assert "nothing" in out  # alice has no span where bob's "reportedly" is
    assert "Traceback" not in result.stderr


def test_json_has_the_documented_keys_and_values(team: Project) -> None:
    report = agree_json(team)
    assert sorted(report) == ["annotators", "disagreements", "documents", "overall", "pairs"]
    assert report["annotators"] == ["alice", "bob"]
    assert report["documents"] == 2
    (pair,) = report["pairs"]
    assert sorted(pair) == ["a", "alpha_u", "b", "documents", "exact", "kappa", "overlap"]
    assert sorted(pair["exact"]["overall"]) == ["a", "b", "f1", "matched", "precision", "recall"]
    # Exact: quote, "3 ships", "probably" match: 3 of 5 each side.
    assert pair["exact"]["overall"]["matched"] == 3
    assert pair["exact"]["overall"]["f1"] == pytest.approx(3 / 5)
    # Overlap: "42" ~ "42 people" also matches; "may" and "reportedly" do not touch.
    assert pair["overlap"]["overall"]["matched"] == 4
    assert pair["kappa"]["claim"] is None and pair["alpha_u"]["claim"] is None  # nobody used claim
    assert pair["kappa"]["quote"] == 1.0
    assert report["overall"]["exact"]["overall"]["f1"] == pytest.approx(3 / 5)
    first = report["disagreements"][0]
    assert sorted(first) == ["annotators", "document", "end", "start", "text"]
    assert first["text"] == "42 people"


def test_emoji_document_offsets_are_code_points(team: Project) -> None:
    annotate(team, "carol", [("3 ships 👩‍🔬", "number"), ("e\u0301 probably", "hedge")], doc="docs/b.txt")
    report = agree_json(team, "--annotators", "alice,carol")
    texts = [d["text"] for d in report["disagreements"]]
    assert texts == ["3 ships 👩‍🔬", "e\u0301 probably"]


def test_gold_is_included_on_request(team: Project) -> None:
    report = agree_json(team, "--include-gold")
    assert report["annotators"] == ["alice", "bob", "gold"]
    assert [(p["a"], p["b"]) for p in report["pairs"]] == [("alice", "bob"), ("alice", "gold"), ("bob", "gold")]
    assert report["overall"]["alpha_u_documents"] == 1  # only document a has all three
    report = agree_json(team, "--gold", "bob")
    assert report["annotators"] == ["alice", "gold"]


def test_min_f1_gates_the_exit_status(team: Project) -> None:
    passing = run_cli(["agree", "--min-f1", "0.6"], team.root)
    assert passing.returncode == 0, passing.stderr
    failing = run_cli(["agree", "--min-f1", "0.7"], team.root)
    assert failing.returncode == 1
    assert "exact F1 0.600 is below --min-f1 0.7" in failing.stderr
    # Overlap F1 is 4/5 = 0.8: it passes 0.7 under --match overlap.
    assert run_cli(["agree", "--min-f1", "0.7", "--match", "overlap"], team.root).returncode == 0


def test_a_corrupt_file_is_named_without_a_traceback(team: Project) -> None:
    team.write("a/carol.json", b'{"schema_version": 1, "spans": [')
    result = run_cli(["agree"], team.root)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if "carol.json" in line]
    assert len(lines) == 1 and "A103 invalid JSON" in lines[0]
    assert "alice vs bob" in result.stdout  # the other files are still compared


def test_nothing_to_compare_is_a_usage_error(project: Project) -> None:
    annotate(project, "alice", [("42", "number")])
    result = run_cli(["agree"], project.root)
    assert result.returncode == 2
    assert "no document is annotated by two of the selected annotators (alice)" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_annotator_and_bad_options_are_usage_errors(team: Project) -> None:
    result = run_cli(["agree", "--annotators", "alice,zed"], team.root)
    assert result.returncode == 2
    assert "unknown annotator(s) zed; the files have: alice, bob, gold" in result.stderr
    assert run_cli(["agree", "--disagreements", "-1"], team.root).returncode == 2
    assert run_cli(["agree", "--min-f1", "2"], team.root).returncode == 2
    assert run_cli(["agree", "no-such-folder"], team.root).returncode == 2


def test_disagreement_list_is_capped_in_the_table(team: Project) -> None:
    result = run_cli(["agree", "--disagreements", "1"], team.root)
    assert result.returncode == 0
    assert "… 2 more" in result.stdout


def test_different_document_text_is_reported(team: Project) -> None:
    path = team.root / "annotations" / "b" / "bob.json"
    data = orjson.loads(path.read_bytes())
    data["document"]["sha256"] = "0" * 64
    path.write_bytes(orjson.dumps(data))
    result = run_cli(["agree", "--format", "json"], team.root)
    assert result.returncode == 1
    assert "has different text here" in result.stderr
    assert orjson.loads(result.stdout)["documents"] == 1


def test_files_the_fast_path_declines_still_load_through_the_validator(team: Project) -> None:
    # A byte-order mark and an integral float are valid (the schema allows both) but unusual.
    path = team.root / "annotations" / "b" / "bob.json"
    data = orjson.loads(path.read_bytes())
    data["document"]["length"] = float(data["document"]["length"])
    path.write_bytes(b"\xef\xbb\xbf" + orjson.dumps(data))
    report = agree_json(team)
    assert report["documents"] == 2
    assert report["pairs"][0]["exact"]["overall"]["matched"] == 3


def test_a_span_outside_the_document_is_named(team: Project) -> None:
    path = team.root / "annotations" / "b" / "bob.json"
    data = orjson.loads(path.read_bytes())
    data["spans"][0]["end"] = 10_000
    path.write_bytes(orjson.dumps(data))
    result = run_cli(["agree"], team.root)
    assert result.returncode == 1
    assert "bob.json: spans[0]" in result.stderr and "does not fit the document" in result.stderr
    assert "Traceback" not in result.stderr
