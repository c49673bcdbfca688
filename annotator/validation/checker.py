"""Validating a saved annotation file in another process.

Checking 10,000 spans and their audit trail is a few hundred milliseconds of
Python. In a thread of the UI process it held the GIL against the keys typed
meanwhile and doubled their latency (undo p95 11 -> 19 ms at 200x60,
benchmarks/ui_latency.py). One worker process (`python -m
annotator.validation.checker`), started on first use, serves every check of the
process over a pipe, one JSON line each way, and keeps a Validator per
project, so documents stay loaded and hashed between checks.
"""

from __future__ import annotations

import base64
import pickle
import subprocess
import sys
import threading
from pathlib import Path

import orjson

from annotator.config import Config


class CheckerError(Exception):
    """The worker process could not answer."""


class _Worker:
    def __init__(self) -> None:
        self._process: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()

    def problems(self, config: Config, path: Path) -> int:
        request = orjson.dumps({"config": base64.b64encode(pickle.dumps(config)).decode(), "path": str(path)})
        with self._lock:
            for attempt in (1, 2):  # a worker that died is started again, once
                process = self._started()
                try:
                    assert process.stdin is not None and process.stdout is not None
                    process.stdin.write(request + b"\n")
                    process.stdin.flush()
                    answer = process.stdout.readline()
                except OSError:
                    answer = b""
                if answer:
                    reply = orjson.loads(answer)
                    if "problems" in reply:
                        return int(reply["problems"])
                    raise CheckerError(str(reply.get("error", "no answer")))
                self._stop()
                if attempt == 2:
                    raise CheckerError("the checker process stopped")
        raise AssertionError("unreachable")

    def _started(self) -> subprocess.Popen[bytes]:
        if self._process is None or self._process.poll() is not None:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "annotator.validation.checker"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                close_fds=True,
            )
        return self._process

    def _stop(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            self._process = None


_worker = _Worker()


def problems_in_saved_file(config: Config, path: Path) -> int:
    """How many problems `annotator validate` finds in `path`, counted in the
    worker process. Blocks; call it from a thread. Raises CheckerError."""
    return _worker.problems(config, path)


def _serve() -> None:
    from annotator.validation.engine import Validator

    validators: dict[str, Validator] = {}
    for line in sys.stdin.buffer:
        try:
            request = orjson.loads(line)
            key = request["config"]
            validator = validators.get(key)
            if validator is None:
                validator = validators[key] = Validator(pickle.loads(base64.b64decode(key)))
            reply = {"problems": len(validator.validate_file(Path(request["path"])))}
        except Exception as err:  # answered, so the UI shows why instead of waiting
            reply = {"error": f"{type(err).__name__}: {err}"}
        sys.stdout.buffer.write(orjson.dumps(reply) + b"\n")
        sys.stdout.buffer.flush()


if __name__ == "__main__":
    _serve()
