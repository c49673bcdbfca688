"""The external-command suggester: the protocol, and every way a command can break it.

Each command is a small Python script in tmp_path run with sys.executable.
"""

from __future__ import annotations

import json
import os
import sys
import textwrap
import time
from pathlib import Path

import pytest

from annotator.suggest import command as command_module
from annotator.suggest.base import DocumentInput, SuggesterError, Suggestion
from annotator.suggest.command import CommandSuggester

# An emoji and a combining accent before the match: 2 code points, 3 UTF-16 units, 8 UTF-8 bytes.
EMOJI_TEXT = "👍 e\u0301 Officials reportedly said so."
DOCS = [
    DocumentInput("doc-1", EMOJI_TEXT, "en"),
    DocumentInput("doc-2", "Nothing here.\nSecond line\u2028after a line separator.", None),
    DocumentInput("doc-3", "It reportedly rained, reportedly.", "en-GB"),
]

# Reads every line as it comes and answers at once; each text's length and language
# come back as attributes, so the test sees exactly what the command received.
GOOD = """
import json, re, sys
for line in sys.stdin.buffer:
    if not line.strip():
        continue
    doc = json.loads(line)
    spans = [
        {"start": m.start(), "end": m.end(), "label": "HEDGE",
         "attributes": {"length": len(doc["text"]), "language": doc["language"] or "", "sure": False, "p": 0.5}}
        for m in re.finditer("reportedly", doc["text"])
    ]
    print(json.dumps({"id": doc["id"], "spans": spans}), flush=True)
"""

# Reads all input, then prints the lines given as a JSON list in argv[1], verbatim.
PRINTS = """
import json, sys
sys.stdin.read()
for line in json.loads(sys.argv[1]):
    sys.stdout.write(line + "\\n")
"""


def script(tmp_path: Path, source: str, name: str = "plugin.py") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return path


def suggester(tmp_path: Path, source: str, *args: str, timeout: float = 10.0) -> CommandSuggester:
    path = script(tmp_path, source)
    return CommandSuggester([sys.executable, str(path), *args], name="test.command", version="1.0", timeout=timeout)


def printing(tmp_path: Path, lines: list[str]) -> CommandSuggester:
    """A command that prints `lines` whatever it is sent."""
    return suggester(tmp_path, PRINTS, json.dumps(lines))


def record(doc_id: str, spans: list) -> str:
    return json.dumps({"id": doc_id, "spans": spans})


def run(made: CommandSuggester, documents=DOCS) -> list[list[Suggestion]]:
    return list(made.suggest(documents))


def error_of(made: CommandSuggester, documents=DOCS) -> str:
    with pytest.raises(SuggesterError) as caught:
        run(made, documents)
    return str(caught.value)


# -- a command that keeps the protocol


def test_good_command_yields_one_list_per_document_in_order(tmp_path):
    found = run(suggester(tmp_path, GOOD))
    assert len(found) == 3
    start = EMOJI_TEXT.index("reportedly")
    assert start == 15  # code points: "👍" counts 1, "e\u0301" counts 2
    assert found[0] == [
        Suggestion(start, start + 10, "HEDGE", {"length": len(EMOJI_TEXT), "language": "en", "sure": False, "p": 0.5})
    ]
    assert found[1] == []
    assert [(s.start, s.end) for s in found[2]] == [(3, 13), (22, 32)]
    assert found[2][0].attributes["language"] == "en-GB"


def test_text_arrives_exactly_with_its_line_breaks(tmp_path):
    # The U+2028 and "\n" in doc-2 must neither split its input line nor change its length.
    found = run(suggester(tmp_path, GOOD), [DocumentInput("x", DOCS[1].text + " reportedly")])
    assert found[0][0].attributes["length"] == len(DOCS[1].text) + 11
    assert found[0][0].attributes["language"] == ""  # null arrived as null


def test_the_example_in_the_module_docstring_works(tmp_path):
    doc = command_module.__doc__
    example = textwrap.dedent(doc[doc.index("    #!/usr/bin/env python3") :])
    made = CommandSuggester([sys.executable, str(script(tmp_path, example))], name="hedges", version="1")
    found = run(made, [DocumentInput("doc-1", "Officials reportedly said ..."), DocumentInput("b", EMOJI_TEXT)])
    assert found == [
        [Suggestion(10, 20, "HEDGE", {"word": "reportedly"})],
        [Suggestion(15, 25, "HEDGE", {"word": "reportedly"})],
    ]


def test_blank_lines_and_crlf_are_accepted(tmp_path):
    lines = ["", record("doc-1", []) + "\r", "   ", record("doc-2", []), record("doc-3", [])]
    assert run(printing(tmp_path, lines)) == [[], [], []]


def test_no_documents_no_records(tmp_path):
    assert run(suggester(tmp_path, GOOD), []) == []


def test_a_command_that_writes_before_reading_everything_does_not_deadlock(tmp_path):
    # 1 MB on stderr before reading anything, then an answer per line: the pipes fill both
    # ways unless stdin is fed, and stderr drained, while stdout is read.
    source = "import sys\nsys.stderr.write('x' * 1_000_000)\n" + textwrap.dedent(GOOD)
    documents = [DocumentInput(f"d{i}", "word " * 40_000 + "reportedly") for i in range(30)]  # 6 MB in all
    started = time.monotonic()
    found = run(suggester(tmp_path, source), documents)
    assert [len(spans) for spans in found] == [1] * 30
    assert time.monotonic() - started < 5


def test_cwd_is_the_working_folder(tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    (work / "label.txt").write_text("FROM_CWD", encoding="utf-8")
    source = """
    import json, sys
    label = open("label.txt").read()
    for line in sys.stdin:
        doc = json.loads(line)
        print(json.dumps({"id": doc["id"], "spans": [{"start": 0, "end": 1, "label": label}]}))
    """
    path = script(tmp_path, source)
    made = CommandSuggester([sys.executable, str(path)], name="cwd", version="1", cwd=work)
    assert run(made, DOCS[:1]) == [[Suggestion(0, 1, "FROM_CWD", {})]]


def test_stopping_early_kills_the_command(tmp_path):
    pid_file = tmp_path / "pid"
    source = f"""
    import json, os, sys, time
    open({str(pid_file)!r}, "w").write(str(os.getpid()))
    for line in sys.stdin:
        print(json.dumps({{"id": json.loads(line)["id"], "spans": []}}), flush=True)
    time.sleep(30)
    """
    results = suggester(tmp_path, source).suggest(DOCS)
    assert next(results) == []
    results.close()
    pid = int(pid_file.read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


# -- a command that cannot run, or runs badly


def test_missing_executable(tmp_path):
    made = CommandSuggester([str(tmp_path / "no-such-model")], name="missing", version="1")
    message = error_of(made)
    assert "suggester missing" in message and "not found" in message and "no-such-model" in message


def test_file_that_is_not_executable(tmp_path):
    path = script(tmp_path, "print('hi')\n")
    path.chmod(0o644)
    message = error_of(CommandSuggester([str(path)], name="plain", version="1"))
    assert "not executable" in message


def test_missing_working_folder(tmp_path):
    made = CommandSuggester([sys.executable, "-c", "pass"], name="x", version="1", cwd=tmp_path / "nowhere")
    assert "no folder" in error_of(made)


def test_time_out_kills_the_command(tmp_path):
    made = suggester(tmp_path, "import time\ntime.sleep(30)\n", timeout=0.5)
    started = time.monotonic()
    message = error_of(made)
    assert "did not finish within 0.5 s" in message and "test.command" in message
    assert time.monotonic() - started < 3


def test_time_out_kills_a_grandchild_holding_stdout(tmp_path):
    # The command exits at once, but a child it started keeps stdout open: only killing
    # the whole process group ends the run.
    source = """
    import subprocess, sys
    subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    """
    started = time.monotonic()
    assert "did not finish within 0.5 s" in error_of(suggester(tmp_path, source, timeout=0.5))
    assert time.monotonic() - started < 3


def test_non_zero_exit_quotes_stderr_made_terminal_safe(tmp_path):
    source = r"""
    import sys
    sys.stdin.read()
    print("loading model", file=sys.stderr)
    print("boom: \x1b[31mred\x1b[0m failure", file=sys.stderr)
    sys.exit(3)
    """
    message = error_of(suggester(tmp_path, source))
    assert "exit status 3" in message
    assert "boom: ␛[31mred␛[0m failure" in message  # as every message shows control characters
    assert "loading model" in message
    assert "\x1b" not in message


def test_killed_by_a_signal(tmp_path):
    source = "import os, signal, sys\nsys.stdin.read()\nos.kill(os.getpid(), signal.SIGTERM)\n"
    assert "killed by signal SIGTERM" in error_of(suggester(tmp_path, source))


def test_non_zero_exit_after_good_records_is_still_an_error(tmp_path):
    source = textwrap.dedent(GOOD) + "sys.exit(1)\n"
    assert "exit status 1" in error_of(suggester(tmp_path, source))


def test_line_that_is_not_json(tmp_path):
    message = error_of(printing(tmp_path, [record("doc-1", []), '{"id": "doc-2", "spans": [}']))
    assert "line 2 of its output is not JSON" in message and "column 27" in message


def test_line_that_is_not_utf8(tmp_path):
    source = "import sys\nsys.stdin.read()\nsys.stdout.buffer.write(b'\\xff\\n')\n"
    assert "line 1 of its output is not UTF-8" in error_of(suggester(tmp_path, source))


def test_line_longer_than_the_cap(tmp_path, monkeypatch):
    monkeypatch.setattr(command_module, "MAX_LINE_BYTES", 100)
    long_record = record("doc-1", [{"start": 0, "end": 1, "label": "X" * 200}])
    assert "line 1 of its output is longer than 100 bytes" in error_of(printing(tmp_path, [long_record]))


def test_wrong_id(tmp_path):
    message = error_of(printing(tmp_path, [record("doc-1", []), record("doc-3", [])]))
    assert "line 2" in message and "\"doc-3\" where 'doc-2' was expected" in message


def test_too_few_records(tmp_path):
    message = error_of(printing(tmp_path, [record("doc-1", [])]))
    assert "printed 1 record for 3 documents" in message and "none for document 'doc-2'" in message


def test_too_many_records(tmp_path):
    lines = [record(doc.id, []) for doc in DOCS] + [record("doc-4", [])]
    message = error_of(printing(tmp_path, lines))
    assert "line 4 of its output is a record too many" in message


def test_records_are_yielded_before_a_later_error(tmp_path):
    results = printing(tmp_path, [record("doc-1", []), "oops"]).suggest(DOCS)
    assert next(results) == []
    with pytest.raises(SuggesterError, match="line 2 of its output is not JSON"):
        next(results)


SPAN = {"start": 0, "end": 4, "label": "HEDGE"}


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("[1, 2]", "expected a JSON object, got a list"),
        (json.dumps({"spans": []}), "has no 'id'"),
        (json.dumps({"id": "doc-1", "spans": {}}), "'spans' must be a list, not an object"),
        (json.dumps({"id": "doc-1"}), "'spans' must be a list, not missing"),
        (json.dumps({"id": "doc-1", "spans": [], "score": 1}), 'unknown key "score"'),
        (record("doc-1", ["x"]), "span 0: expected a JSON object, got a string"),
        (record("doc-1", [{**SPAN, "start": True}]), "span 0: 'start' must be an integer, not a boolean"),
        (record("doc-1", [{**SPAN, "end": 4.0}]), "'end' must be an integer, not a number"),
        (record("doc-1", [{"end": 4, "label": "X"}]), "'start' must be an integer, not missing"),
        (record("doc-1", [SPAN, {**SPAN, "start": 4}]), "span 1: [4, 4): start must be before end"),
        (record("doc-1", [{**SPAN, "start": 5, "end": 2}]), "[5, 2): start must be before end"),
        (record("doc-1", [{**SPAN, "end": 200}]), f"[0, 200): outside the text of {len(EMOJI_TEXT)} code points"),
        (record("doc-1", [{**SPAN, "start": -1}]), "[-1, 4): outside the text"),
        (record("doc-1", [{**SPAN, "label": ""}]), "'label' must be a non-empty string"),
        (record("doc-1", [{**SPAN, "label": 7}]), "'label' must be a non-empty string, not 7"),
        (record("doc-1", [{"start": 0, "end": 4}]), "'label' must be a non-empty string, not missing"),
        (record("doc-1", [{**SPAN, "attributes": []}]), "'attributes' must be an object, not a list"),
        (record("doc-1", [{**SPAN, "attributes": {"a": [1]}}]), 'attribute "a" must be a string, boolean or number'),
        (record("doc-1", [{**SPAN, "attributes": {"a": None}}]), "not null"),
        (record("doc-1", [{**SPAN, "attrs": {}}]), 'unknown key "attrs"'),
        ('{"id": "doc-1", "spans": [{"start": 0, "end": 4, "label": "H", "attributes": {"p": 1e999}}]}', "finite"),
        ('{"id": "doc-1", "spans": [{"start": 0, "end": 4, "label": "H", "attributes": {"p": NaN}}]}', "not JSON"),
    ],
)
def test_malformed_records(tmp_path, line, expected):
    message = error_of(printing(tmp_path, [line]))
    assert expected in message
    assert "suggester test.command" in message and "line 1" in message


def test_record_errors_name_the_document(tmp_path):
    message = error_of(printing(tmp_path, [record("doc-1", [{**SPAN, "end": 999}])]))
    assert "(document 'doc-1')" in message


def test_the_callers_iterable_failing_is_raised_unchanged(tmp_path):
    def documents():
        yield DOCS[0]
        raise RuntimeError("the corpus went away")

    with pytest.raises(RuntimeError, match="the corpus went away"):
        run(suggester(tmp_path, GOOD), documents())


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"argv": [], "name": "ok", "version": "1"}, "non-empty list"),
        ({"argv": "python model.py", "name": "ok", "version": "1"}, "non-empty list"),
        ({"argv": ["x"], "name": "Bad Name", "version": "1"}, "cannot name a suggester"),
        ({"argv": ["x"], "name": "ok", "version": "1 0"}, "cannot be a suggester version"),
        ({"argv": ["x"], "name": "ok", "version": "1", "timeout": 0}, "positive number of seconds"),
    ],
)
def test_bad_construction(kwargs, expected):
    argv = kwargs.pop("argv")
    with pytest.raises(SuggesterError, match=expected):
        CommandSuggester(argv, **kwargs)


def test_fast_is_false():
    assert CommandSuggester(["x"], name="ok", version="1").fast is False


def test_a_text_that_cannot_be_sent_as_utf8(tmp_path):
    documents = [DocumentInput("doc-1", "fine"), DocumentInput("bad", "half a pair \ud83d")]
    message = error_of(suggester(tmp_path, GOOD), documents)
    assert "document 'bad' cannot be sent as UTF-8" in message
