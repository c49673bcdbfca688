"""`[suggest]` and `suggestions` in the config: what is read, and every bad value named by file and key."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_cli

from annotator.cli.main import EXIT_USAGE, main
from annotator.config import BUILTIN_SUGGESTERS, ConfigError, load_config
from annotator.suggest.builtin import BUILTINS


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_suggest_settings_are_read(tmp_path: Path) -> None:
    _write(
        tmp_path / "annotator.toml",
        'suggestions = "machine"\n[suggest]\non_open = ["quotes", "hedges", "quotes"]\n'
        'hedges = ["as far as  we know", "\\tby all accounts "]\n',
    )
    config = load_config(start=tmp_path)
    assert config.suggestions_path == tmp_path.resolve() / "machine"
    assert config.suggest.on_open == ("quotes", "hedges")
    assert config.suggest.hedges == ("as far as we know", "by all accounts")


def test_a_suggestions_folder_beside_the_annotations_folder_is_fine(tmp_path: Path) -> None:
    _write(tmp_path / "annotator.toml", 'annotations = "data/people"\nsuggestions = "data/people-machine"\n')
    assert load_config(start=tmp_path).suggestions_path == tmp_path.resolve() / "data" / "people-machine"


def test_defaults_without_a_suggest_table(tmp_path: Path) -> None:
    _write(tmp_path / "annotator.toml", "")
    config = load_config(start=tmp_path)
    assert config.suggestions_path == tmp_path.resolve() / "suggestions"
    assert (config.suggest.on_open, config.suggest.hedges) == ((), ())


def test_the_configs_builtin_names_are_the_builtins() -> None:
    # config.py keeps its own copy so that reading a config loads no suggester.
    assert BUILTIN_SUGGESTERS == tuple(BUILTINS)


BAD = [
    pytest.param(
        "[suggest]\nauto = true\n", "suggest.auto", "unknown key (expected one of: on_open, hedges)", id="key"
    ),
    pytest.param('suggest = ["quotes"]\n', "suggest", "must be a table", id="not-a-table"),
    pytest.param('[suggest]\non_open = "quotes"\n', "suggest.on_open", "must be a list", id="on-open-string"),
    pytest.param('[suggest]\non_open = ["quotes", 3]\n', "suggest.on_open", "must be a list", id="on-open-number"),
    pytest.param(
        '[suggest]\non_open = ["quotes", "quips"]\n',
        "suggest.on_open",
        "no built-in suggester 'quips' (choose from: quotes, numbers, hedges)",
        id="on-open-unknown",
    ),
    pytest.param(
        '[suggest]\non_open = ["spacy.news"]\n', "suggest.on_open", "no built-in suggester 'spacy.news'", id="model"
    ),
    pytest.param('[suggest]\nhedges = "maybe"\n', "suggest.hedges", "must be a list of words", id="hedges-string"),
    pytest.param('[suggest]\nhedges = ["maybe", 2]\n', "suggest.hedges", "must be a list of words", id="hedges-number"),
    pytest.param('[suggest]\nhedges = ["  "]\n', "suggest.hedges", "must be a list of words", id="hedges-blank"),
    pytest.param(
        f'[suggest]\nhedges = ["{"x" * 201}"]\n', "suggest.hedges", "more than 200 characters", id="hedges-long"
    ),
    pytest.param('suggestions = ""\n', "suggestions", "must be a folder path", id="folder"),
    pytest.param("suggestions = 3\n", "suggestions", "must be a folder path", id="folder-number"),
    pytest.param('suggestions = "annotations"\n', "suggestions", "must be a folder of its own", id="folder-same"),
    pytest.param(
        'suggestions = "annotations/machine"\n', "suggestions", "must be a folder of its own", id="folder-inside"
    ),
    pytest.param('suggestions = "."\n', "suggestions", "must be a folder of its own", id="folder-around"),
    pytest.param(
        'annotations = "data/people"\nsuggestions = "./data/people/../people"\n',
        "suggestions",
        "not the annotations folder 'data/people'",
        id="folder-same-spelt-otherwise",
    ),
]


@pytest.mark.parametrize(("toml", "key", "message"), BAD)
def test_bad_suggest_values_name_the_file_and_the_key(tmp_path: Path, toml: str, key: str, message: str) -> None:
    source = _write(tmp_path / "annotator.toml", toml)
    with pytest.raises(ConfigError) as caught:
        load_config(start=tmp_path)
    assert str(caught.value).startswith(f"{source.resolve()}: {key}: ")
    assert message in str(caught.value)


@pytest.mark.parametrize(("toml", "key", "message"), BAD)
@pytest.mark.parametrize("command", [["suggest"], ["suggest", "--by", "numbers"], ["validate"], ["stats"]])
def test_the_cli_exits_2_on_a_bad_suggest_value(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
    toml: str,
    key: str,
    message: str,
) -> None:
    source = _write(tmp_path / "annotator.toml", 'documents = ["docs"]\n' + toml)
    _write(tmp_path / "docs" / "a.txt", "About 42 people may come.\n")
    monkeypatch.chdir(tmp_path)
    assert main(command) == EXIT_USAGE
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(f"annotator: config error: {source.resolve()}: {key}: ")
    assert message in captured.err
    assert captured.err.count("\n") == 1
    assert not (tmp_path / "suggestions").exists()


def test_a_pyproject_names_the_tool_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    source = _write(tmp_path / "pyproject.toml", '[tool.annotator.suggest]\non_open = ["quips"]\n')
    monkeypatch.chdir(tmp_path)
    assert main(["suggest"]) == EXIT_USAGE
    assert capsys.readouterr().err.startswith(
        f"annotator: config error: {source.resolve()}: tool.annotator.suggest.on_open: no built-in suggester 'quips'"
    )


def test_a_bad_suggest_value_exits_2_without_a_traceback(tmp_path: Path) -> None:
    source = _write(tmp_path / "annotator.toml", '[suggest]\non_open = ["quips"]\n')
    result = run_cli(["suggest"], cwd=tmp_path)
    assert result.returncode == EXIT_USAGE
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        f"annotator: config error: {source.resolve()}: suggest.on_open: no built-in suggester 'quips' "
        "(choose from: quotes, numbers, hedges); other suggesters run with 'annotator suggest'"
    ]
