"""`annotator suggest` on the command line, and what validate, stats and agree make of its files.

In process through `main([...])` in the scratch project of conftest (docs/a.txt, cwd at its
root), with one subprocess smoke test. External commands are small Python scripts in
tmp_path run with sys.executable; spaCy pipelines are built here and loaded from disk.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import orjson
import pytest
from conftest import REPO, TEXT, Project, span_of

from annotator.cli.main import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, build_parser, main
from annotator.review.adjudication import rejection_of
from annotator.storage.documents import load_document
from annotator.storage.loading import load_annotation_file
from annotator.suggest.pending import Suggestions
from annotator.suggest.store import load_for

BUILTINS = ("quotes", "numbers", "hedges")
DOC_ID = "a"  # docs/a.txt


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def suggestions_of(project: Project, name: str) -> Path:
    return project.root / "suggestions" / DOC_ID / f"{name}.json"


def spans_of(path: Path) -> list:
    file, _ = load_annotation_file(path)
    return file.spans


def summary(project: Project, label: str, found: int, written: int, unchanged: int) -> str:
    return (
        f"annotator: {label}: {found} suggestion(s) in 1 document(s), {written} file(s) written, "
        f"{unchanged} unchanged, in {project.config.suggestions_path}"
    )


def only_our_lines(err: str) -> bool:
    """Every stderr line is annotator's own message or a quoted line of a command's stderr:
    no traceback of annotator itself."""
    return all(line.startswith(("annotator: ", "  | ", "  '")) for line in err.splitlines())


# -- the built-ins ---------------------------------------------------------------------


def test_by_builtins_stores_one_file_per_suggester_and_says_so(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["suggest", "--by", "quotes,numbers,hedges"], capsys)
    assert code == EXIT_OK, err
    assert out == ""
    found = {}
    for name in BUILTINS:
        path = suggestions_of(project, name)
        assert path.is_file(), name
        assert project.validate(path) == [], name
        spans = spans_of(path)
        assert spans, f"{name} found nothing in {TEXT!r}"
        assert {(span.origin, span.source) for span in spans} == {("suggested", f"{name}@1")}
        found[name] = len(spans)
    assert err.splitlines() == [summary(project, f"{name}@1", found[name], 1, 0) for name in BUILTINS]
    assert sorted(p.name for p in (project.root / "suggestions" / DOC_ID).iterdir()) == sorted(
        f"{name}.json" for name in BUILTINS
    )

    before = {name: suggestions_of(project, name).read_bytes() for name in BUILTINS}
    code, out, err = run(["suggest", "--by", "quotes,numbers,hedges"], capsys)
    assert code == EXIT_OK, err
    assert err.splitlines() == [summary(project, f"{name}@1", found[name], 0, 1) for name in BUILTINS]
    assert {name: suggestions_of(project, name).read_bytes() for name in BUILTINS} == before


def test_python_m_annotator_suggest_runs_the_command_not_the_ui(project: Project) -> None:
    # Regression: --command once had dest "command", which reset the subcommand's dest to
    # None, so `annotator suggest ...` opened the annotation UI instead.
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONIOENCODING": "utf-8", "NO_COLOR": "1"}
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "annotator", "suggest", "--by", "quotes,numbers,hedges"],
        cwd=project.root,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        encoding="utf-8",
        timeout=60,
    )
    assert result.returncode == EXIT_OK, result.stderr
    assert time.monotonic() - started < 30
    assert result.stdout == ""  # the UI would draw here
    assert [line.split(":")[1].strip() for line in result.stderr.splitlines()] == [f"{n}@1" for n in BUILTINS]
    assert all(suggestions_of(project, name).is_file() for name in BUILTINS)


def test_suggest_options_keep_the_subcommand() -> None:
    args = build_parser().parse_args(["suggest", "--command", "python x.py", "--version", "2", "--name", "llm"])
    assert args.command == "suggest"
    assert (args.suggester_command, args.suggester_version, args.name) == ("python x.py", "2", "llm")
    assert build_parser().parse_args(["suggest"]).command == "suggest"


def test_no_suggester_named_and_none_configured_is_a_usage_error(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["suggest"], capsys)
    assert code == EXIT_USAGE
    assert out == ""
    assert err == (
        "annotator: name a suggester: --by quotes,numbers,hedges, --spacy PIPELINE, --command CMD or --plugin NAME\n"
    )
    assert not (project.root / "suggestions").exists()


def test_an_unknown_builtin_is_named_and_nothing_runs(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["suggest", "--by", "quotes,quips"], capsys)
    assert code == EXIT_USAGE
    assert err == "annotator: no built-in suggester 'quips' (choose from: quotes, numbers, hedges)\n"
    assert not (project.root / "suggestions").exists()  # not even quotes


def test_a_path_that_does_not_exist_is_a_usage_error(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["suggest", "docs/a.txt", "nowhere", "--by", "numbers"], capsys)
    assert code == EXIT_USAGE
    assert err == "annotator: no such file or folder: nowhere\n"
    assert not (project.root / "suggestions").exists()


def test_without_by_the_configs_on_open_suggesters_run(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    (project.root / "annotator.toml").write_text(
        'documents = ["docs"]\n[suggest]\non_open = ["numbers"]\n', encoding="utf-8"
    )
    code, _, err = run(["suggest"], capsys)
    assert code == EXIT_OK, err
    assert [p.name for p in (project.root / "suggestions" / DOC_ID).iterdir()] == ["numbers.json"]
    assert err.startswith("annotator: numbers@1: ")
    # --by, when given, is what runs.
    code, _, err = run(["suggest", "--by", "quotes"], capsys)
    assert code == EXIT_OK, err
    assert err.startswith("annotator: quotes@1: ") and "numbers" not in err


def test_the_configs_own_hedges_are_suggested(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    (project.root / "annotator.toml").write_text(
        'documents = ["docs"]\nsuggestions = "machine"\n[suggest]\nhedges = ["the  minister said"]\n',
        encoding="utf-8",
    )
    code, _, err = run(["suggest", "--by", "hedges"], capsys)
    assert code == EXIT_OK, err
    path = project.root / "machine" / DOC_ID / "hedges.json"
    assert (0, len("The minister said")) in {(span.start, span.end) for span in spans_of(path)}
    assert str(project.root / "machine") in err


# -- --command ---------------------------------------------------------------------------

# A HEDGE for every "reportedly", with a score the tag set does not allow on a hedge.
GOOD = """
import json, re, sys
for line in sys.stdin.buffer:
    if not line.strip():
        continue
    doc = json.loads(line)
    spans = [{"start": m.start(), "end": m.end(), "label": "HEDGE", "attributes": {"score": 0.9}}
             for m in re.finditer("reportedly", doc["text"])]
    print(json.dumps({"id": doc["id"], "spans": spans}), flush=True)
"""

CRASHES = """
import sys
sys.stdin.read()
raise RuntimeError("model exploded")
"""

SLEEPS = """
import sys, time
sys.stdin.read()
time.sleep(60)
"""

MALFORMED = """
import sys
sys.stdin.read()
print("Sure! Here are the spans:")
"""

OFF_THE_TEXT = """
import json, sys
for line in sys.stdin:
    doc = json.loads(line)
    print(json.dumps({"id": doc["id"], "spans": [{"start": 0, "end": len(doc["text"]) + 5, "label": "HEDGE"}]}))
"""


def command(tmp_path: Path, source: str, name: str) -> str:
    """The command line of a script in tmp_path (outside the project), run with this Python."""
    folder = tmp_path / "commands"
    folder.mkdir(exist_ok=True)
    path = folder / f"{name}.py"
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return shlex.join([sys.executable, str(path)])


def test_a_commands_suggestions_are_stored_under_its_name_and_version(
    project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["suggest", "--command", command(tmp_path, GOOD, "good"), "--name", "llm", "--version", "2"]
    code, out, err = run([*args, "--map", "HEDGE=hedge"], capsys)
    assert code == EXIT_OK, err
    assert out == ""
    path = suggestions_of(project, "llm")
    assert project.validate(path) == []
    file, _ = load_annotation_file(path)
    assert file.annotator == "llm"
    start, end = span_of(TEXT, "reportedly")
    assert [(s.start, s.end, s.label, s.source, dict(s.attributes)) for s in file.spans] == [
        (start, end, "hedge", "llm@2", {})
    ]
    assert err.splitlines() == [
        "annotator: llm@2: warning: dropped attribute 'score' from 1 hedge suggestion(s): not allowed or wrong type",
        summary(project, "llm@2", 1, 1, 0),
    ]

    # Without --map the label is not in the tag set: exit 1, the file stays as it was.
    before = path.read_bytes()
    code, _, err = run(args, capsys)
    assert code == EXIT_FINDINGS
    assert "llm@2: 1 label(s) are not in the tag set" in err and "'HEDGE': 1 suggestion(s)" in err
    assert err.endswith("annotator: llm@2: nothing was stored\n")
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        pytest.param(
            CRASHES,
            r" failed with exit status 1; its stderr ended with:\n(.*\n)*  \| RuntimeError: model exploded",
            id="crash",
        ),
        pytest.param(SLEEPS, r" did not finish within 1 s\n", id="timeout"),
        pytest.param(
            MALFORMED,
            r": line 1 of its output is not JSON: Expecting value at column 1: 'Sure! Here are the spans:'\n",
            id="malformed",
        ),
        pytest.param(
            OFF_THE_TEXT,
            rf": line 1 of its output \(document 'a'\): span 0: \[0, {len(TEXT) + 5}\): "
            rf"outside the text of {len(TEXT)} code points\n",
            id="off-the-text",
        ),
    ],
)
def test_a_failing_command_exits_1_naming_the_problem_and_stores_nothing(
    project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str], source: str, problem: str
) -> None:
    # An earlier good run under the same name: a failed run must leave its file as it was.
    good = ["suggest", "--command", command(tmp_path, GOOD, "good"), "--name", "llm", "--map", "HEDGE=hedge"]
    assert main(good) == EXIT_OK
    path = suggestions_of(project, "llm")
    before = path.read_bytes()
    capsys.readouterr()

    bad = command(tmp_path, source, "bad")
    started = time.monotonic()
    code, out, err = run(["suggest", "--command", bad, "--name", "llm", "--timeout", "1"], capsys)
    assert time.monotonic() - started < 10  # a time-out kills the command; nothing waits for its sleep
    assert code == EXIT_FINDINGS
    assert out == ""
    # The command is shown as given, cut short past a length (tmp_path can be long).
    described = r"annotator: suggester llm \(command: " + re.escape(bad[:40]) + r"[^\n]*\)"
    assert re.match(described + problem, err), err
    assert err.endswith("annotator: llm@1: nothing was stored\n")
    assert only_our_lines(err), err
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir()] == ["llm.json"]


def test_a_failing_command_does_not_stop_the_other_suggesters(
    project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(["suggest", "--by", "numbers", "--command", command(tmp_path, CRASHES, "crash")], capsys)
    assert code == EXIT_FINDINGS
    assert suggestions_of(project, "numbers").is_file()
    assert not suggestions_of(project, "command").exists()  # the default name of a --command
    assert "annotator: command@1: nothing was stored" in err


def test_two_suggesters_of_one_name_are_refused_before_either_runs(
    project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Regression: both ran and the second replaced the first's files, each saying "1 file(s) written".
    good = command(tmp_path, GOOD, "good")
    # A built-in's name is not for a model: its file would replace the built-in's.
    code, _, err = run(["suggest", "--by", "quotes", "--command", good, "--name", "quotes"], capsys)
    assert code == EXIT_USAGE
    assert err == "annotator: --name quotes: that is a built-in suggester's name; choose another\n"
    code, _, err = run(["suggest", "--command", good, "--name", "numbers"], capsys)
    assert code == EXIT_USAGE and "built-in suggester's name" in err
    assert not (project.root / "suggestions").exists()
    # A built-in named twice runs once.
    code, _, err = run(["suggest", "--by", "quotes, quotes"], capsys)
    assert code == EXIT_OK, err
    assert err.splitlines() == [summary(project, "quotes@1", len(spans_of(suggestions_of(project, "quotes"))), 1, 0)]


# -- --spacy -----------------------------------------------------------------------------


def test_a_pipeline_and_a_command_of_one_name_are_refused_before_either_runs(
    project: Project, tmp_path: Path, pipeline: str, capsys: pytest.CaptureFixture[str]
) -> None:
    good = command(tmp_path, GOOD, "good")
    code, _, err = run(["suggest", "--spacy", pipeline, "--command", good, "--name", "llm"], capsys)
    assert code == EXIT_USAGE
    assert err == (
        "annotator: two suggesters are named 'llm' and would be stored in the same files; give --name another name\n"
    )
    assert not (project.root / "suggestions").exists()


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> str:
    """An entity ruler: HEDGE for "reportedly", ORG for "Café"; saved to disk, named and versioned."""
    spacy = pytest.importorskip("spacy")
    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns(
        [{"label": "HEDGE", "pattern": "reportedly"}, {"label": "ORG", "pattern": "Café"}]
    )
    nlp.meta["name"], nlp.meta["version"] = "news_hedges", "1.2.0"
    folder = tmp_path_factory.mktemp("pipelines") / "news_hedges"
    nlp.to_disk(folder)
    return str(folder)


def test_a_spacy_pipelines_labels_are_mapped_and_the_unmapped_dropped(
    project: Project, pipeline: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["suggest", "--spacy", pipeline, "--map", "HEDGE=hedge", "--drop-unmapped"], capsys)
    assert code == EXIT_OK, err
    assert out == ""
    path = suggestions_of(project, "spacy.news_hedges")
    assert project.validate(path) == []
    start, end = span_of(TEXT, "reportedly")
    assert [(s.start, s.end, s.label, s.source) for s in spans_of(path)] == [
        (start, end, "hedge", "spacy.news_hedges@1.2.0")
    ]
    assert err.splitlines() == [
        "annotator: spacy.news_hedges@1.2.0: warning: dropped 1 suggestion(s) with labels not in the tag set: "
        "'ORG' (1)",
        summary(project, "spacy.news_hedges@1.2.0", 1, 1, 0),
    ]


def test_a_spacy_label_left_unmapped_stores_nothing(
    project: Project, pipeline: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(["suggest", "--spacy", pipeline, "--map", "HEDGE=hedge", "--name", "ents"], capsys)
    assert code == EXIT_FINDINGS
    assert "ents@1.2.0: 1 label(s) are not in the tag set" in err and "'ORG': 1 suggestion(s)" in err
    assert not (project.root / "suggestions").exists()


def test_spacy_usage_errors(project: Project, pipeline: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["suggest", "--spacy", pipeline, "--map", "HEDGE=hunch"], capsys)
    assert code == EXIT_USAGE
    assert "'hunch' is not a label of the tag set" in err
    code, _, err = run(["suggest", "--spacy", str(project.root / "no_pipeline")], capsys)
    assert code == EXIT_USAGE
    assert err.startswith("annotator: cannot load the spaCy pipeline ")
    code, _, err = run(["suggest", "--spacy", pipeline, "--name", "My Model"], capsys)
    assert code == EXIT_USAGE
    assert "'My Model' cannot name a suggester" in err
    assert not (project.root / "suggestions").exists()


# -- validate, stats and agree on stored suggestions -------------------------------------------


def test_validate_without_arguments_checks_the_suggestions_folder(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["suggest", "--by", "quotes,numbers,hedges"]) == EXIT_OK
    capsys.readouterr()
    code, out, err = run(["validate"], capsys)
    assert code == EXIT_OK, out
    assert err == "annotator: 3 file(s) valid\n"

    (project.root / "annotations").rmdir()  # suggestions and no annotations yet: still checked
    suggestions_of(project, "numbers").write_text("{", encoding="utf-8")
    code, out, err = run(["validate"], capsys)
    assert code == EXIT_FINDINGS
    assert re.fullmatch(rf"suggestions/{DOC_ID}/numbers\.json:\d+:\d+: A103 invalid JSON: .*\n", out), out
    assert err == "annotator: 1 finding(s) in 1 of 3 file(s)\n"


def test_stats_counts_suggestions_pending_accepted_and_rejected(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["suggest", "--by", "hedges"]) == EXIT_OK
    capsys.readouterr()
    code, out, _ = run(["stats", "--format", "json"], capsys)
    assert code == EXIT_OK
    assert "suggestions" not in orjson.loads(out)  # no annotator's file yet: nothing to count against

    # alice accepts the suggestion on "may" and rejects the one on "reportedly", as the UI does.
    document = load_document(project.root, "docs/a.txt")
    stored, problems = load_for(project.config, document)
    assert problems == []
    suggestions = Suggestions.of(stored)
    by_text = {candidate.text: candidate for candidate in suggestions.candidates}
    suggested = len(by_text)
    assert {"may", "reportedly"} <= set(by_text) and suggested >= 3
    alice = project.new_set()
    made = suggestions.provenance(by_text["may"])
    alice.create(by_text["may"].start, by_text["may"].end, "hedge", origin=made.origin, source=made.source)
    alice.set_rejected(rejection_of(by_text["reportedly"], "alice", alice.now()))
    project.write(f"{DOC_ID}/alice.json", alice)
    assert main(["validate"]) == EXIT_OK  # alice's file and the suggestions
    capsys.readouterr()

    code, out, err = run(["stats", "--format", "json"], capsys)
    assert code == EXIT_OK, err
    assert orjson.loads(out)["suggestions"] == {
        "hedges": {
            "alice": {"suggested": suggested, "accepted": 1, "rejected": 1, "marked": 0, "pending": suggested - 2}
        }
    }
    code, out, _ = run(["stats"], capsys)
    assert code == EXIT_OK
    lines = out.splitlines()
    assert "suggester  annotator  suggested  accepted  rejected  marked  pending" in lines
    assert re.search(rf"^hedges +alice +{suggested} +1 +1 +0 +{suggested - 2}$", out, re.MULTILINE), out


def test_agree_compares_a_suggester_with_the_gold_file(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["suggest", "--by", "quotes"]) == EXIT_OK
    quote = span_of(TEXT, '"we will act soon"')
    assert [(s.start, s.end) for s in spans_of(suggestions_of(project, "quotes"))] == [quote]
    gold = project.new_set(annotator="gold")
    gold.create(*quote, "quote")
    gold.create(*span_of(TEXT, "42"), "number")
    project.write(f"{DOC_ID}/gold.json", gold)
    capsys.readouterr()

    code, _, err = run(["agree", "--annotators", "gold,quotes"], capsys)
    assert code == EXIT_USAGE  # without --suggestions the suggester is not among the files
    assert "unknown annotator(s) quotes" in err

    code, out, err = run(["agree", "--suggestions", "--annotators", "gold,quotes", "--format", "json"], capsys)
    assert code == EXIT_OK, err
    report = orjson.loads(out)
    assert report["annotators"] == ["gold", "quotes"]
    (pair,) = report["pairs"]
    assert (pair["a"], pair["b"]) == ("gold", "quotes")
    assert pair["exact"]["labels"]["quote"]["f1"] == 1.0
    assert pair["exact"]["overall"]["matched"] == 1
    assert pair["exact"]["overall"]["f1"] == pytest.approx(2 / 3)  # the number is gold's alone

    code, out, err = run(["agree", "--suggestions", "--annotators", "gold,quotes"], capsys)
    assert code == EXIT_OK, err
    assert "gold vs quotes" in out
