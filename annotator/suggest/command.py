"""An external command as a suggester: the protocol for plug-in authors.

A team connects any model (a transformers model, an LLM behind an API, a
script in another language) by writing a command that speaks this protocol;
annotator depends on none of it.

Running
    annotator starts the command once per run, with the argv it was given
    (no shell), in the given working folder, with annotator's environment,
    as the leader of a new process group. The whole run must finish within
    the time-out (120 s by default). When the run ends, fails or times out,
    whatever is left of that process group is killed: leave nothing running.

Input (the command's stdin)
    One JSON object per line per document, UTF-8, each line ending in "\\n";
    then stdin is closed:

        {"id": "doc-1", "text": "Officials reportedly said ...", "language": "en"}

    "language" is null when unknown. A line holds no other line break (the
    text's newlines, and even U+2028, U+2029 and U+0085, are escaped): split
    the input on "\\n" only. annotator writes the input from a thread while
    it reads the output, so the command may answer each line at once or read
    everything first.

Output (the command's stdout)
    One JSON object per line per document, UTF-8, in the order of the input:

        {"id": "doc-1", "spans": [{"start": 10, "end": 20, "label": "HEDGE", "attributes": {"score": 0.93}}]}

    - "id": the id of the document of the same rank in the input;
    - "spans": a list, empty when nothing was found; each span has
      - "start", "end": integers (not true/false), 0 <= start < end <= the
        text's length, counted in Unicode code points: Python string indices,
        not UTF-8 bytes and not UTF-16 units ("👍" counts 1, "é" written as
        "e" + U+0301 counts 2);
      - "label": a non-empty string, as the model gives it ("PERSON",
        "QUOTE"); annotator maps it onto the tag set (`--map FROM=TO`);
      - "attributes" (optional): an object whose values are strings, booleans,
        integers or finite numbers.
    No other key is allowed in a record or a span, so a misspelt one is an
    error rather than silently lost. Blank lines are ignored; a line may be
    up to 64 MB. Print each record as soon as it is ready if you can:
    annotator reads them as they come.

stderr and the exit status
    stderr is shown only when something fails: its last lines are quoted,
    control characters escaped. Exit with 0 after the last record; any other
    status is an error, whatever was printed.

Errors
    A command that cannot start (not found, not executable), runs past the
    time-out, exits with a non-zero status, prints a line that is not JSON or
    a record that breaks the rules above, or prints fewer or more records
    than there are documents stops the run with a SuggesterError naming the
    suggester, the command and the line or document at fault. Records are
    yielded one document at a time as they arrive, so such an error may come
    after some documents were yielded: the caller stores nothing of a run
    that raised.

A complete plug-in, hedges.py: a "HEDGE" for every "reportedly", run as
`CommandSuggester(["python3", "hedges.py"], name="hedges", version="1")`::

    #!/usr/bin/env python3
    import json
    import re
    import sys

    WORD = re.compile(r"\\breportedly\\b", re.IGNORECASE)

    for line in sys.stdin.buffer:  # bytes: split on "\\n" only
        if not line.strip():
            continue
        document = json.loads(line)
        spans = [
            {"start": m.start(), "end": m.end(), "label": "HEDGE", "attributes": {"word": m.group().lower()}}
            for m in WORD.finditer(document["text"])  # str indices: code points
        ]
        print(json.dumps({"id": document["id"], "spans": spans}), flush=True)
"""

from __future__ import annotations

import json
import math
import os
import shlex
import signal
import subprocess
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from annotator.model.annotation import AttributeValue
from annotator.suggest.base import DocumentInput, SuggesterError, Suggestion, check_identity
from annotator.text import display_text

MAX_LINE_BYTES = 64 * 1024 * 1024  # one record; far above any article's spans, far below running out of memory
STDERR_LINES = 5  # how many of stderr's last lines an error quotes
STDERR_LINE_CHARS = 300
COMMAND_CHARS = 120  # how much of the command line an error quotes
RECORD_KEYS = frozenset({"id", "spans"})
SPAN_KEYS = frozenset({"start", "end", "label", "attributes"})

# Inside a JSON string these are legal as they are, but str.splitlines() and some JSON
# readers take them for line breaks: escaped, a plug-in may split its input any way.
_LINE_BREAKS = str.maketrans({"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"})


class _Writer:
    """Feeds the documents to the command's stdin from a thread, so that a command
    that writes before it has read all its input cannot deadlock with annotator."""

    def __init__(self, documents: Sequence[DocumentInput], stdin: IO[bytes], described: str) -> None:
        self.documents = documents
        self.stdin = stdin
        self.described = described
        self.error: SuggesterError | None = None  # a document that could not be sent
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="suggest-command-stdin", daemon=True)

    def _run(self) -> None:
        try:
            for document in self.documents:
                if self.stop.is_set():
                    break
                try:
                    line = _input_line(document, self.described)
                except SuggesterError as err:
                    self.error = err  # set before stdin closes, so before the command can see its end
                    break
                self.stdin.write(line)
                self.stdin.flush()
        except (BrokenPipeError, ValueError, OSError):
            pass  # the command closed its stdin or exited: the reader reports what it printed
        finally:
            try:
                self.stdin.close()
            except (BrokenPipeError, ValueError, OSError):
                pass


def _input_line(document: DocumentInput, described: str) -> bytes:
    record = {"id": document.id, "text": document.text, "language": document.language}
    try:
        return (json.dumps(record, ensure_ascii=False).translate(_LINE_BREAKS) + "\n").encode("utf-8")
    except UnicodeEncodeError:
        raise SuggesterError(
            f"{described}: document {document.id!r} cannot be sent as UTF-8 (a lone surrogate in its text)"
        ) from None


class _StderrTail:
    """Drains stderr from a thread (a full pipe would block the command) and keeps its last lines."""

    def __init__(self, stderr: IO[bytes]) -> None:
        self.stderr = stderr
        self.lines: deque[str] = deque(maxlen=STDERR_LINES)
        self.thread = threading.Thread(target=self._run, name="suggest-command-stderr", daemon=True)

    def _run(self) -> None:
        try:
            # readline(limit): a line without end cannot fill memory; its pieces count as lines.
            while chunk := self.stderr.readline(64 * 1024):
                # After a "\r" (a progress bar redrawing itself) only the last part is what a
                # terminal would show.
                line = chunk.decode("utf-8", "replace").rstrip("\r\n").rsplit("\r", 1)[-1]
                if line.strip():
                    self.lines.append(line[:STDERR_LINE_CHARS])
        except (OSError, ValueError):
            pass  # the pipe was closed under us: the process was killed

    def text(self) -> str:
        self.thread.join(timeout=1.0)  # a grandchild may still hold stderr open: do not wait for it
        return "\n".join(f"  | {display_text(line)}" for line in self.lines)


class CommandSuggester:
    """Suggestions from an external command speaking the protocol in the module docstring.

    `suggest` reads all the documents it is given before it starts the command (they
    are sent from a thread, which must not run the caller's iterable), then yields a
    list per record as the command prints it."""

    fast = False  # a process per run, and a model behind it

    def __init__(
        self,
        argv: Sequence[str],
        *,
        name: str,
        version: str,
        timeout: float = 120.0,
        cwd: Path | None = None,
    ) -> None:
        check_identity(name, version)
        if isinstance(argv, str) or not argv:
            raise SuggesterError(f"{name}: the command must be a non-empty list of arguments")
        if not timeout > 0:
            raise SuggesterError(f"{name}: the time-out must be a positive number of seconds, not {timeout}")
        self.argv = tuple(str(arg) for arg in argv)
        self.name = name
        self.version = version
        self.timeout = timeout
        self.cwd = cwd

    @property
    def described(self) -> str:
        """The suggester and its command, for messages."""
        command = shlex.join(self.argv)
        if len(command) > COMMAND_CHARS:
            command = command[: COMMAND_CHARS - 1] + "…"
        return f"suggester {self.name} (command: {display_text(command)})"

    def suggest(self, documents: Iterable[DocumentInput]) -> Iterator[list[Suggestion]]:
        # A list, read here: the writer thread then never runs the caller's iterable, which
        # may not be thread-safe (a database cursor), and every count is known.
        documents = list(documents)
        run = _Run(self, self._start())
        try:
            yield from run.records(documents)
        finally:
            run.close()

    def _start(self) -> subprocess.Popen[bytes]:
        if self.cwd is not None and not Path(self.cwd).is_dir():
            raise SuggesterError(f"{self.described} cannot start: no folder {str(self.cwd)!r}")
        try:
            return subprocess.Popen(
                self.argv,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                cwd=self.cwd,
                # Its own process group, so a time-out kills whatever it started as well.
                start_new_session=True,
            )
        except FileNotFoundError:
            raise SuggesterError(f"{self.described} cannot start: {self.argv[0]!r} not found") from None
        except PermissionError:
            raise SuggesterError(f"{self.described} cannot start: {self.argv[0]!r} is not executable") from None
        except OSError as err:
            raise SuggesterError(f"{self.described} cannot start: {err.strerror or err}") from None


class _Run:
    """One run of the command: its threads, its deadline, and the checks on its output."""

    def __init__(self, suggester: CommandSuggester, process: subprocess.Popen[bytes]) -> None:
        self.suggester = suggester
        self.described = suggester.described
        self.process = process
        self.deadline = time.monotonic() + suggester.timeout
        self.timed_out = threading.Event()
        self.timer = threading.Timer(suggester.timeout, self._time_out)
        self.timer.daemon = True
        self.stderr = _StderrTail(process.stderr)  # type: ignore[arg-type]
        self.writer: _Writer | None = None

    def records(self, documents: Sequence[DocumentInput]) -> Iterator[list[Suggestion]]:
        self.writer = _Writer(documents, self.process.stdin, self.described)  # type: ignore[arg-type]
        self.timer.start()
        self.stderr.thread.start()
        self.writer.thread.start()
        stdout: IO[bytes] = self.process.stdout  # type: ignore[assignment]
        answered = 0
        line_number = 0
        # readline(limit): one line at a time, never more than the cap, never the whole output.
        while line := stdout.readline(MAX_LINE_BYTES + 1):
            line_number += 1
            if len(line) > MAX_LINE_BYTES:
                raise self._fail(f"line {line_number} of its output is longer than {MAX_LINE_BYTES} bytes")
            if not line.strip():
                continue  # blank lines are allowed
            record = self._parse(line, line_number)
            if answered == len(documents):
                raise self._fail(
                    f"line {line_number} of its output is a record too many: "
                    f"it was sent {_count(len(documents), 'document')} and has answered them all"
                )
            document = documents[answered]
            try:
                suggestions = _suggestions(record, document)
            except _BadRecord as bad:
                raise self._fail(f"line {line_number} of its output (document {document.id!r}): {bad}") from None
            yield suggestions
            answered += 1
        self._finish(documents, answered)

    def _parse(self, line: bytes, line_number: int) -> Any:
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError as err:
            raise self._fail(f"line {line_number} of its output is not UTF-8 (byte {err.start + 1})") from None
        try:
            return json.loads(text, parse_constant=_no_constant)
        except json.JSONDecodeError as err:
            raise self._fail(
                f"line {line_number} of its output is not JSON: {err.msg} at column {err.colno}: {_excerpt(text)}"
            ) from None
        except ValueError as err:  # NaN or Infinity
            raise self._fail(f"line {line_number} of its output is not JSON: {err}: {_excerpt(text)}") from None

    def _finish(self, documents: Sequence[DocumentInput], answered: int) -> None:
        """After the end of stdout: the time-out, then the exit status, then whether every
        document was answered: the first that failed is the likeliest cause of the rest."""
        status = self._wait()
        assert self.writer is not None
        if self.writer.error is not None:
            raise self.writer.error
        if status != 0:
            raise SuggesterError(f"{self.described} failed with {_status(status)}{self._stderr_text()}")
        if answered < len(documents):
            after = " and the ones after it" if answered + 1 < len(documents) else ""
            raise SuggesterError(
                f"{self.described} printed {_count(answered, 'record')} for {len(documents)} documents: "
                f"none for document {documents[answered].id!r}{after} (one record per document, in input order)"
            )

    def _wait(self) -> int:
        """The command's exit status, or the time-out error."""
        try:
            status = self.process.wait(timeout=max(0.0, self.deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            self._time_out()
        if self.timed_out.is_set():  # the timer may have fired first, making stdout end early
            raise self._timed_out()
        return status

    def _fail(self, problem: str) -> SuggesterError:
        """Stop the command and describe `problem`, with what it said on stderr."""
        self._kill()
        return SuggesterError(f"{self.described}: {problem}{self._stderr_text()}")

    def _timed_out(self) -> SuggesterError:
        return SuggesterError(f"{self.described} did not finish within {self.suggester.timeout:g} s")

    def _stderr_text(self) -> str:
        text = self.stderr.text()
        return f"; its stderr ended with:\n{text}" if text else ""

    def _time_out(self) -> None:
        self.timed_out.set()
        self._kill()

    def _kill(self) -> None:
        """Kill the command's process group: the command and whatever it started."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass  # the group is gone
        except (AttributeError, PermissionError):  # no process groups (Windows), or not ours any more
            self.process.kill()

    def close(self) -> None:
        """Whatever happened: no process, thread or pipe left behind."""
        self.timer.cancel()
        if self.writer is not None:
            self.writer.stop.set()
        self._kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            try:
                stream.close()  # type: ignore[union-attr]
            except OSError:
                pass
        if self.writer is not None:
            self.writer.thread.join(timeout=1.0)


def _no_constant(name: str) -> Any:
    # Python's json accepts NaN and Infinity; JSON does not, and no attribute may hold them.
    raise ValueError(f"{name} is not JSON")


def _excerpt(text: str, limit: int = 60) -> str:
    text = text.rstrip("\r\n")
    return repr(text if len(text) <= limit else text[:limit] + "…")  # repr escapes control characters


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _status(status: int) -> str:
    if status < 0:
        try:
            return f"killed by signal {signal.Signals(-status).name}"
        except ValueError:
            return f"killed by signal {-status}"
    return f"exit status {status}"


class _BadRecord(ValueError):
    """A record that breaks the protocol; the run adds where it was and what stderr said."""


def _suggestions(record: Any, document: DocumentInput) -> list[Suggestion]:
    """The record's spans, each checked against the document's text, or a _BadRecord."""
    if not isinstance(record, dict):
        raise _BadRecord(f"expected a JSON object, got {_json_type(record)}")
    if extra := sorted(set(record) - RECORD_KEYS):
        raise _BadRecord(f"unknown key {_short(extra[0])} (a record has only 'id' and 'spans')")
    if "id" not in record:
        raise _BadRecord("the record has no 'id'")
    if record["id"] != document.id:
        raise _BadRecord(
            f"id {_short(record['id'])} where {document.id!r} was expected (one record per document, in input order)"
        )
    spans = record.get("spans")
    if not isinstance(spans, list):
        raise _BadRecord(f"'spans' must be a list, not {_json_type(spans) if 'spans' in record else 'missing'}")
    return [_suggestion(span, index, len(document.text)) for index, span in enumerate(spans)]


def _suggestion(span: Any, index: int, length: int) -> Suggestion:
    def bad(problem: str) -> _BadRecord:
        return _BadRecord(f"span {index}: {problem}")

    if not isinstance(span, dict):
        raise bad(f"expected a JSON object, got {_json_type(span)}")
    if extra := sorted(set(span) - SPAN_KEYS):
        raise bad(f"unknown key {_short(extra[0])} (a span has 'start', 'end', 'label' and 'attributes')")
    start, end = span.get("start"), span.get("end")
    for key, value in (("start", start), ("end", end)):
        # bool is a subclass of int in Python; true/false are no offsets.
        if type(value) is not int:
            raise bad(f"'{key}' must be an integer, not {_json_type(value) if key in span else 'missing'}")
    if not 0 <= start < end <= length:
        problem = "start must be before end" if start >= end else f"outside the text of {length} code points"
        raise bad(f"[{start}, {end}): {problem}")
    label = span.get("label")
    if not isinstance(label, str) or not label.strip():
        raise bad(f"'label' must be a non-empty string, not {_short(label) if 'label' in span else 'missing'}")
    return Suggestion(start, end, label, _attributes(span.get("attributes", {}), bad))


def _attributes(value: Any, bad: Callable[[str], _BadRecord]) -> Mapping[str, AttributeValue]:
    if not isinstance(value, dict):
        raise bad(f"'attributes' must be an object, not {_json_type(value)}")
    for key, item in value.items():
        if not isinstance(item, str | bool | int | float):
            raise bad(f"attribute {_short(key)} must be a string, boolean or number, not {_json_type(item)}")
        if isinstance(item, float) and not math.isfinite(item):
            raise bad(f"attribute {_short(key)} is not a finite number")  # 1e999 parses as infinity
    return value


def _json_type(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean", int: "a number", float: "a number"}
    return "null" if value is None else names.get(type(value), type(value).__name__)


def _short(value: Any, limit: int = 60) -> str:
    text = json.dumps(value, ensure_ascii=True)  # ASCII: no control character reaches a terminal
    return text if len(text) <= limit else text[:limit] + "…"
