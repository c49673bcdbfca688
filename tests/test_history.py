"""`annotator history`: the audit trail as a timeline, the chain check, and gold files' paths."""

from __future__ import annotations

import orjson
import pytest
from conftest import TEXT, Project, build_sample, run_cli, span_of

from annotator.cli.main import main
from annotator.model.annotation import AuditEvent, Rejection, SourceSpan, SpanState
from annotator.model.audit import GENESIS_HASH, chain_hash, event_body
from annotator.model.editing import AnnotationSet
from annotator.reports.history import clip, clip_pair, describe, dumps_json, one_line

SAMPLE_LINES = [
    "annotations/a/alice.json: document a, annotator alice, 11 event(s)",
    "   1  2026-01-01T00:00:00.000Z  alice  create      s1  typed  quote [19, 35) 'we will act soon', "
    "speaker: 'the minister'",
    "   2  2026-01-01T00:00:01.000Z  alice  create      s2  typed  number [44, 46) '42', unit: 'people', value: 42",
    "   3  2026-01-01T00:00:02.000Z  alice  create      s3  typed  hedge [54, 57) 'may'",
    "   4  2026-01-01T00:00:03.000Z  alice  resize      s3  typed  [54, 57) 'may' -> [64, 74) 'reportedly'",
    "   5  2026-01-01T00:00:04.000Z  alice  note        s2  typed  note: (none) -> 'rounded'",
    "   6  2026-01-01T00:00:05.000Z  alice  create      s4  typed  quote [38, 62) 'About 42 people may come'",
    "   7  2026-01-01T00:00:06.000Z  alice  relabel     s4  typed  quote -> claim",
    "   8  2026-01-01T00:00:07.000Z  alice  attributes  s4  typed  check_worthiness: (none) -> 'high'",
    "   9  2026-01-01T00:00:08.000Z  alice  create      s5  typed  hedge [76, 80) 'Café'",
    "  10  2026-01-01T00:00:09.000Z  alice  delete      s5  typed  hedge [76, 80) 'Café'",
    "  11  2026-01-01T00:00:10.000Z  alice  attributes  s1  typed  speaker: 'the minister' -> 'minister'",
    "audit chain intact (11 event(s))",
]


def history(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str], str]:
    code = main(["history", *args])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


def test_every_operation_as_a_line(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    project.write("a/alice.json", build_sample(project))
    assert history(capsys, "annotations/a/alice.json") == (0, SAMPLE_LINES, "")


def test_span_filter(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    project.write("a/alice.json", build_sample(project))
    code, lines, _ = history(capsys, "annotations/a/alice.json", "--span", "s4")
    assert code == 0
    assert lines == [
        "annotations/a/alice.json: document a, annotator alice, 11 event(s), span s4",
        "  6  2026-01-01T00:00:05.000Z  alice  create      s4  typed  quote [38, 62) 'About 42 people may come'",
        "  7  2026-01-01T00:00:06.000Z  alice  relabel     s4  typed  quote -> claim",
        "  8  2026-01-01T00:00:07.000Z  alice  attributes  s4  typed  check_worthiness: (none) -> 'high'",
        "audit chain intact (11 event(s))",
    ]
    code, lines, err = history(capsys, "annotations/a/alice.json", "--span", "nope")
    assert (code, lines, err) == (1, [], "annotator: annotations/a/alice.json: no events for span 'nope'\n")


def test_imported_and_suggested_origins(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    aset = project.new_set()
    aset.create(*span_of(TEXT, "42"), "number", origin="imported", source="corpus.ann#T3")
    aset.create(*span_of(TEXT, "may"), "hedge", origin="suggested")
    project.write("a/alice.json", aset)
    _, lines, _ = history(capsys, "annotations/a/alice.json")
    assert lines[1:3] == [
        "  1  2026-01-01T00:00:00.000Z  alice  create      s1  imported   number [44, 46) '42'  (source: corpus.ann#T3)",
        "  2  2026-01-01T00:00:01.000Z  alice  create      s2  suggested  hedge [54, 57) 'may'",
    ]


def test_text_is_single_line_clipped_and_terminal_safe(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    text = "Line one\x1b[31m red\nline two [bold]not markup[/bold] and a long tail of words to clip here.\n"
    project.write_doc("docs/a.txt", text)
    aset = project.new_set()
    aset.create(0, len(text) - 1, "claim", note="see\u202eevil")
    project.write("a/alice.json", aset)
    _, lines, _ = history(capsys, "annotations/a/alice.json")
    assert lines[1] == (
        "  1  2026-01-01T00:00:00.000Z  alice  create      s1  typed  "
        "claim [0, 89) 'Line one␛[31m red↵line two [bold]not ma…', note: 'see\ufffdevil'"
    )
    assert clip("x" * 50) == "x" * 39 + "…"
    assert one_line("a\tb\nc") == "a␉b↵c"


def test_broken_chain_names_the_event(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    data = orjson.loads(project.write("a/alice.json", build_sample(project)).read_bytes())
    data["history"][3]["after"]["text"] = "forged"  # event 4's content no longer matches its hash
    project.write("a/alice.json", data)
    code, lines, err = history(capsys, "annotations/a/alice.json")
    assert code == 1
    assert lines[4].endswith("[54, 57) 'may' -> [64, 74) 'forged'  [hash mismatch]")
    assert "[hash mismatch]" not in "".join(lines[1:4] + lines[5:-1])
    assert lines[-1] == ("audit chain BROKEN at event 4: its hash does not match the event and the one before it")
    assert err == "annotator: annotations/a/alice.json: audit chain broken at event 4\n"


def test_tampered_hash_breaks_chain_in_json(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    data = orjson.loads(project.write("a/alice.json", build_sample(project)).read_bytes())
    data["history"][6]["hash"] = "f" * 64
    project.write("a/alice.json", data)
    assert main(["history", "annotations/a/alice.json", "--format", "json"]) == 1
    report = orjson.loads(capsys.readouterr().out)
    assert report["chain_intact"] is False
    assert report["chain_broken_at"] == 7
    # Event 7's own hash is wrong, and event 8 was chained to the real one.
    assert [event["seq"] for event in report["events"] if not event["hash_ok"]] == [7, 8]


def test_json_shape(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    project.write("a/alice.json", build_sample(project))
    assert main(["history", "annotations/a/alice.json", "--format", "json", "--span", "s3"]) == 0
    report = orjson.loads(capsys.readouterr().out)
    assert list(report) == [
        "annotator",
        "chain_broken_at",
        "chain_intact",
        "document",
        "events",
        "file",
        "gold",
        "rejected",
        "span",
    ]
    assert (report["file"], report["document"], report["annotator"]) == ("annotations/a/alice.json", "a", "alice")
    assert (report["chain_intact"], report["rejected"], report["span"], report["gold"]) == (True, [], "s3", False)
    resize = report["events"][1]
    assert {key: resize[key] for key in ("seq", "by", "op", "span", "origin", "source", "hash_ok")} == {
        "seq": 4,
        "by": "alice",
        "op": "resize",
        "span": "s3",
        "origin": "manual",
        "source": None,
        "hash_ok": True,
    }
    assert resize["origin_described"] == "typed"
    assert resize["description"] == "[54, 57) 'may' -> [64, 74) 'reportedly'"
    assert (resize["before"]["text"], resize["after"]["text"]) == ("may", "reportedly")


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("{oops", "1:2: A103 invalid JSON"),
        ("[1, 2]", "1:1: A201 expected a JSON object at the top level, got array"),
        ('{"schema_version": 1, "annotator": "x"}', "1:1: A202 "),
        ("", "1:1: A104 file is empty"),
    ],
)
def test_bad_input_is_one_line(project: Project, content: str, problem: str) -> None:
    project.write("a/alice.json", content)
    result = run_cli(["history", "annotations/a/alice.json"], project.root)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"annotator: annotations/a/alice.json:{problem}")  # where, then what
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_missing_file_and_folder(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    assert history(capsys, "annotations/none.json") == (1, [], "annotator: annotations/none.json: no such file\n")
    assert history(capsys, "annotations") == (
        1,
        [],
        "annotator: annotations: is a folder, not an annotation file\n",
    )


# -- gold files -----------------------------------------------------------------------------


def adjudicate(gold: AnnotationSet, span_id: str, start: int, end: int, label: str, sources: list[tuple[str, str]]):
    """Append an adjudicated create event by hand, chained like any other, with fixed times and adjudicator."""
    previous = gold.history[-1].hash if gold.history else GENESIS_HASH
    event = AuditEvent(
        seq=len(gold.history) + 1,
        at=f"2026-02-01T00:00:{len(gold.history):02d}.000Z",
        by="carol",
        op="create",
        span=span_id,
        origin="adjudicated",
        adjudicated_from=[SourceSpan(annotator=name, span=source) for name, source in sources],
        after=SpanState(start=start, end=end, label=label, text=gold.text[start:end]),
        hash=GENESIS_HASH,
    )
    gold.apply_event(event.model_copy(update={"hash": chain_hash(previous, event_body(event))}))


@pytest.fixture
def gold_project(project: Project) -> Project:
    """alice and bob annotate a.txt; the gold file takes from both, from a missing dave, and adds one itself."""
    alice = project.new_set("docs/a.txt", "alice")  # s1, s2
    alice.create(*span_of(TEXT, "we will act"), "quote")
    alice.resize("s1", *span_of(TEXT, "we will act soon"))
    alice.create(*span_of(TEXT, "may"), "hedge")
    project.write("a/alice.json", alice)
    bob = project.new_set("docs/a.txt", "bob")  # s3
    bob.create(*span_of(TEXT, "we will act soon"), "quote", attributes={"speaker": "minister"})
    project.write("a/bob.json", bob)

    gold = project.new_set("docs/a.txt", "gold")
    adjudicate(gold, "g1", *span_of(TEXT, "we will act soon"), "quote", [("alice", "s1"), ("bob", "s3"), ("bob", "s9")])
    adjudicate(gold, "g2", *span_of(TEXT, "42"), "number", [("dave", "d1")])
    gold.create(*span_of(TEXT, "reportedly"), "hedge", by="carol", span_id="g3")  # typed by the adjudicator
    gold.set_attributes("g1", {"speaker": "the minister"}, by="carol")
    rejected = {"start": 54, "end": 57, "label": "hedge", "text": "may", "at": "2026-02-01T00:00:05.000Z"}
    gold.set_rejected([Rejection(annotator="alice", span="s2", by="carol", **rejected)])
    project.write("a/gold.json", gold)
    return project


GOLD_LINES = [
    "annotations/a/gold.json: document a, annotator gold, 4 event(s)",
    "  1  2026-02-01T00:00:00.000Z  carol  create      g1  adjudicated  quote [19, 35) 'we will act soon'",
    "      from alice span s1 (annotations/a/alice.json):",
    "        1  2026-01-01T00:00:00.000Z  alice  create      s1  typed  quote [19, 30) 'we will act'",
    "        2  2026-01-01T00:00:01.000Z  alice  resize      s1  typed  [19, 30) 'we will act' -> [19, 35) 'we will act soon'",
    "      from bob span s3 (annotations/a/bob.json):",
    "        1  2026-01-01T00:00:03.000Z  bob  create      s3  typed  quote [19, 35) 'we will act soon', speaker: 'minister'",
    "      from bob span s9: annotations/a/bob.json: no span s9 in this file (not in its spans or its history)",
    "  2  2026-02-01T00:00:01.000Z  carol  create      g2  adjudicated  number [44, 46) '42'",
    "      from dave span d1: annotations/a/dave.json: file not found",
    "  3  2026-02-01T00:00:01.000Z  carol  create      g3  typed        hedge [64, 74) 'reportedly'  (added by the adjudicator)",
    "  4  2026-02-01T00:00:01.000Z  carol  attributes  g1  typed        speaker: (none) -> 'the minister'",
    "rejected (1):",
    "  2026-02-01T00:00:05.000Z  carol rejected alice span s2: hedge [54, 57) 'may'",
    "audit chain intact (4 event(s))",
]


def test_gold_follows_each_span_into_the_annotators_files(
    gold_project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    code, lines, err = history(capsys, "annotations/a/gold.json")
    assert (code, err) == (0, "")
    assert lines == GOLD_LINES


def test_gold_span_filter_shows_one_path(gold_project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    _, lines, _ = history(capsys, "annotations/a/gold.json", "--span", "g1")
    # g1's whole path: the annotators' events it was taken from, then the gold events; nothing of g2, g3.
    assert lines == [
        "annotations/a/gold.json: document a, annotator gold, 4 event(s), span g1",
        *GOLD_LINES[1:8],
        GOLD_LINES[11],
        "audit chain intact (4 event(s))",
    ]


def test_gold_json_sources(gold_project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["history", "annotations/a/gold.json", "--format", "json"]) == 0
    report = orjson.loads(capsys.readouterr().out)
    first = report["events"][0]
    assert first["origin"] == "adjudicated"
    assert first["adjudicated_from"] == [
        {"annotator": "alice", "span": "s1"},
        {"annotator": "bob", "span": "s3"},
        {"annotator": "bob", "span": "s9"},
    ]
    alice, bob, missing = first["sources"]
    assert (alice["file"], alice["problem"], alice["chain_intact"]) == ("annotations/a/alice.json", None, True)
    assert [(event["seq"], event["op"]) for event in alice["events"]] == [(1, "create"), (2, "resize")]
    assert [event["description"] for event in bob["events"]] == [
        "quote [19, 35) 'we will act soon', speaker: 'minister'"
    ]
    assert missing["events"] == [] and missing["problem"].endswith(
        "no span s9 in this file (not in its spans or its history)"
    )
    assert report["events"][1]["sources"][0]["problem"] == "annotations/a/dave.json: file not found"
    assert report["gold"] is True
    assert [event["added_by_adjudicator"] for event in report["events"]] == [False, False, True, False]
    assert report["events"][2]["adjudicated_from"] is None and "sources" not in report["events"][2]
    assert report["rejected"] == [
        {
            "annotator": "alice",
            "span": "s2",
            "start": 54,
            "end": 57,
            "label": "hedge",
            "text": "may",
            "by": "carol",
            "at": "2026-02-01T00:00:05.000Z",
        }
    ]


def test_gold_with_unreadable_sibling(gold_project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    gold_project.write("a/bob.json", "{broken")
    _, lines, _ = history(capsys, "annotations/a/gold.json", "--span", "g1")
    assert lines[5].startswith("      from bob span s3: annotations/a/bob.json:1:2: A103 invalid JSON")


def test_json_output_escapes_what_a_terminal_would_act_on() -> None:
    # C1 controls and bidi overrides are valid raw in JSON; escaped, the JSON means the same and prints safely.
    assert dumps_json({"text": "a\x9bb\u202ec\x1b"}) == '{\n  "text": "a\\u009bb\\u202ec\\u001b"\n}'
    assert orjson.loads(dumps_json({"text": "a\x9bb\u202ec"})) == {"text": "a\x9bb\u202ec"}


def test_bad_config_is_usage_error(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    project.write("a/alice.json", build_sample(project))
    (project.root / "annotator.toml").write_text("annotations = [", encoding="utf-8")
    code, lines, err = history(capsys, "annotations/a/alice.json")
    assert (code, lines) == (2, [])
    assert err.startswith("annotator: config error: ")


# -- long resizes: where the two texts differ ------------------------------------------------

ARTICLE = (
    "WASHINGTON — The United States is not ruling out potentially working with the Taliban government on "
    "counterterrorism, a senior defense official said on Wednesday, as officials weighed how to respond to "
    "threats.\n"
)


def resized(project: Project, capsys: pytest.CaptureFixture[str], first: str, then: str, text: str = ARTICLE) -> str:
    """The description of the resize event of a span made on `first` and resized to `then`."""
    project.write_doc("docs/a.txt", text)
    aset = project.new_set()
    span = aset.create(*span_of(text, first), "claim")
    aset.resize(span.id, *span_of(text, then))
    project.write("a/alice.json", aset)
    code, lines, _ = history(capsys, "annotations/a/alice.json")
    assert code == 0 and " resize " in lines[2]
    return lines[2].split("  typed  ", 1)[1]


def test_long_resize_growing_the_end_shows_the_added_words(project: Project, capsys) -> None:
    # The span was cut mid-word ("pot"); the resize takes in "potentially working with the Taliban".
    shown = resized(
        project,
        capsys,
        "The United States is not ruling out pot",
        "The United States is not ruling out potentially working with the Taliban",
    )
    assert shown == "[13, 52) '…ruling out pot' -> [13, 85) '…ruling out potentially working with the Taliban'"


def test_long_resize_shrinking_the_end(project: Project, capsys) -> None:
    shown = resized(
        project,
        capsys,
        "The United States is not ruling out potentially working with the Taliban government",
        "The United States is not ruling out potentially working with the Taliban",
    )
    assert shown == "[13, 96) '…with the Taliban government' -> [13, 85) '…with the Taliban'"


def test_long_resize_shrinking_the_start_shows_the_dropped_words(project: Project, capsys) -> None:
    shown = resized(
        project,
        capsys,
        "WASHINGTON — The United States is not ruling out potentially working",
        "not ruling out potentially working",
    )
    assert shown == "[0, 68) 'WASHINGTON — The United States is not ruling out…' -> [34, 68) 'not ruling out…'"


def test_long_resize_moving_both_edges_shows_both(project: Project, capsys) -> None:
    # The start moves in by three words, the end out by two: both changes show, the shared middle is elided.
    shown = resized(
        project,
        capsys,
        "The United States is not ruling out potentially working with the Taliban",
        "not ruling out potentially working with the Taliban government on counterterrorism",
    )
    assert shown == (
        "[13, 85) 'The United States is not ruling…the Taliban' -> "
        "[34, 116) 'not ruling…the Taliban government on counterterrorism'"
    )


def test_long_span_moved_to_other_text_shows_both_ends(project: Project, capsys) -> None:
    # Nothing is shared: each side shows where it starts and where it ends.
    shown = resized(
        project,
        capsys,
        "The United States is not ruling out potentially working with the Taliban",
        "a senior defense official said on Wednesday, as officials weighed",
    )
    assert shown == (
        "[13, 85) 'The United States is not ruling…working with the Taliban' -> "
        "[118, 183) 'a senior defense official…Wednesday, as officials weighed'"
    )


def test_long_resize_keeps_control_characters_visible(project: Project, capsys) -> None:
    text = (
        "Markets fell sharply on Monday as the central bank\x1b[2J signalled\u202e another rise in rates.\n"
        "Traders said the move was expected.\n"
    )
    first = "Markets fell sharply on Monday as the central bank\x1b[2J signalled"
    shown = resized(project, capsys, first, first + "\u202e another rise in rates.\nTraders", text)
    assert "\x1b" not in shown and "\u202e" not in shown and "\n" not in shown
    assert shown == (
        "[0, 64) '…bank␛[2J signalled' -> [0, 96) '…bank␛[2J signalled\ufffd another rise in rates.↵Traders'"
    )


def test_short_texts_are_shown_whole() -> None:
    assert clip_pair("may", "reportedly") == ("may", "reportedly")
    assert clip_pair("we will act", "we will act soon") == ("we will act", "we will act soon")
    assert clip_pair("x" * 40, "x" * 39 + "y") == ("x" * 40, "x" * 39 + "y")
    assert clip_pair("a\tb", "a\tb\nc") == ("a␉b", "a␉b↵c")


def combined(before: SpanState, after: SpanState, op: str = "relabel") -> AuditEvent:
    return AuditEvent(
        seq=1, at="2026-01-01T00:00:00.000Z", by="alice", op=op, span="s1", before=before, after=after, hash="0" * 64
    )


def test_combined_change_lines_show_where_texts_differ() -> None:
    start, end = span_of(ARTICLE, "The United States is not ruling out pot")
    _, longer = span_of(ARTICLE, "The United States is not ruling out potentially working with")
    note = "Checked against the Pentagon briefing transcript of Wednesday"
    before = SpanState(start=start, end=end, label="quote", text=ARTICLE[start:end], note=note)
    after = SpanState(
        start=start, end=longer, label="claim", text=ARTICLE[start:longer], note=note + " and the Reuters report"
    )
    assert describe(combined(before, after)) == (
        "quote -> claim, [13, 52) '…ruling out pot' -> [13, 73) '…ruling out potentially working with', "
        "note: '…of Wednesday' -> '…of Wednesday and the Reuters report'"
    )


def test_json_keeps_the_full_texts_of_a_long_resize(project: Project, capsys) -> None:
    first = "The United States is not ruling out pot"
    then = "The United States is not ruling out potentially working with the Taliban government on counterterrorism"
    resized(project, capsys, first, then)
    assert main(["history", "annotations/a/alice.json", "--format", "json"]) == 0
    event = orjson.loads(capsys.readouterr().out)["events"][1]
    assert (event["before"]["text"], event["after"]["text"]) == (first, then)
    # Too much was added to show whole: both of its ends show, where it starts and the span's new end.
    assert event["description"] == (
        "[13, 52) '…ruling out pot' -> [13, 116) '…ruling out potentially working with…counterterrorism'"
    )
