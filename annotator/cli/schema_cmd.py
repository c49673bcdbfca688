"""`annotator schema`: the JSON Schema, generated from the pydantic models."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import orjson

from annotator.cli.main import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, say


def schema_bytes() -> bytes:
    from annotator.model.schema import annotation_schema

    return orjson.dumps(annotation_schema(), option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)


def run(args: argparse.Namespace) -> int:
    data = schema_bytes()
    if args.check:
        path = Path(args.check)
        try:
            current = path.read_bytes()
        except OSError as err:
            say(f"{path}: cannot read: {err.strerror}")
            return EXIT_USAGE
        if current != data:
            say(f"{path} differs from the schema generated from the models; run 'annotator schema -o {path}'")
            return EXIT_FINDINGS
        return EXIT_OK
    if args.output:
        from annotator.storage import atomic_write

        atomic_write(Path(args.output), data)
        return EXIT_OK
    sys.stdout.write(data.decode())
    return EXIT_OK
