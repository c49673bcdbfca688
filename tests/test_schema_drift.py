"""The checked-in JSON Schema is exactly what `annotator schema` generates from the models."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from jsonschema import Draft202012Validator

from annotator.cli.main import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, main
from annotator.cli.schema_cmd import schema_bytes
from annotator.model.annotation import SCHEMA_DIALECT, SCHEMA_ID
from annotator.model.schema import annotation_schema

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "schemas" / "annotation.schema.json"
REGENERATE = "run 'annotator schema -o schemas/annotation.schema.json' and commit the result"


def test_checked_in_schema_equals_generated_bytes() -> None:
    assert SCHEMA_FILE.read_bytes() == schema_bytes(), f"{SCHEMA_FILE} drifted from the models; {REGENERATE}"


def test_checked_in_schema_equals_generated_object() -> None:
    assert orjson.loads(SCHEMA_FILE.read_bytes()) == annotation_schema()


def test_cli_check_accepts_checked_in_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "--check", str(SCHEMA_FILE)]) == EXIT_OK, REGENERATE
    assert capsys.readouterr().err == ""


def test_cli_stdout_equals_checked_in_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == EXIT_OK
    assert capsys.readouterr().out.encode() == SCHEMA_FILE.read_bytes()


def test_cli_output_writes_checked_in_schema(tmp_path: Path) -> None:
    target = tmp_path / "out.schema.json"
    assert main(["schema", "-o", str(target)]) == EXIT_OK
    assert target.read_bytes() == SCHEMA_FILE.read_bytes()


def test_schema_is_draft_2020_12_with_id() -> None:
    schema = orjson.loads(SCHEMA_FILE.read_bytes())
    assert schema["$schema"] == SCHEMA_DIALECT == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == SCHEMA_ID
    assert isinstance(schema["$id"], str) and schema["$id"]
    # The keys lead the file, so a reader sees the dialect first.
    assert list(schema)[:2] == ["$schema", "$id"]
    Draft202012Validator.check_schema(schema)


def test_schema_is_strict_everywhere() -> None:
    schema = orjson.loads(SCHEMA_FILE.read_bytes())
    objects = [schema, *schema["$defs"].values()]
    for definition in objects:
        assert definition["type"] == "object"
        assert definition["additionalProperties"] is False, definition.get("title")


@pytest.mark.parametrize(
    "mutate",
    [
        pytest.param(lambda data: data.replace(b'"minimum": 0', b'"minimum": 1', 1), id="changed-keyword"),
        pytest.param(lambda data: data.rstrip(b"\n"), id="no-final-newline"),
        pytest.param(lambda data: data.replace(b"  ", b"    "), id="reindented"),
        pytest.param(lambda data: orjson.dumps(orjson.loads(data), option=orjson.OPT_SORT_KEYS), id="reordered"),
        pytest.param(lambda data: b"", id="empty"),
    ],
)
def test_cli_check_fails_on_drifted_copy(tmp_path: Path, capsys: pytest.CaptureFixture[str], mutate) -> None:
    drifted = mutate(SCHEMA_FILE.read_bytes())
    assert drifted != SCHEMA_FILE.read_bytes()
    copy = tmp_path / "annotation.schema.json"
    copy.write_bytes(drifted)
    assert main(["schema", "--check", str(copy)]) == EXIT_FINDINGS
    err = capsys.readouterr().err
    assert str(copy) in err and "annotator schema -o" in err
    assert copy.read_bytes() == drifted  # --check never rewrites


def test_cli_check_unreadable_path_is_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "missing.schema.json"
    assert main(["schema", "--check", str(missing)]) == EXIT_USAGE
    assert "cannot read" in capsys.readouterr().err
    assert main(["schema", "--check", str(tmp_path)]) == EXIT_USAGE  # a directory
    assert "cannot read" in capsys.readouterr().err
