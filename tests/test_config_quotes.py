"""`[quotes]` in the config: the ledger's threshold and speaker aliases, and every bad value named by file and key."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from annotator.cli.main import EXIT_USAGE, main
from annotator.config import (
    DEFAULT_QUOTE_THRESHOLD,
    MAX_ALIAS_LENGTH,
    MAX_ALIASES,
    ConfigError,
    QuoteSettings,
    load_config,
)


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_quote_settings_are_read(tmp_path: Path) -> None:
    _write(
        tmp_path / "annotator.toml",
        '[quotes]\nthreshold = 0.75\n\n[quotes.aliases]\nSecDef = "Lloyd Austin"\n'
        '"Gen.  Milley" = " Mark   Milley "\nPOTUS = "Joe Biden"\n',
    )
    quotes = load_config(start=tmp_path).quotes
    assert quotes.threshold == 0.75
    assert dict(quotes.aliases) == {"SecDef": "Lloyd Austin", "Gen. Milley": "Mark Milley", "POTUS": "Joe Biden"}


def test_defaults_without_a_quotes_table(tmp_path: Path) -> None:
    _write(tmp_path / "annotator.toml", "")
    quotes = load_config(start=tmp_path).quotes
    assert quotes == QuoteSettings()
    assert (quotes.threshold, dict(quotes.aliases)) == (DEFAULT_QUOTE_THRESHOLD, {})
    assert DEFAULT_QUOTE_THRESHOLD == 0.6


@pytest.mark.parametrize(("written", "read"), [("1", 1.0), ("1.0", 1.0), ("0.001", 0.001), ("5e-1", 0.5)])
def test_a_threshold_in_the_range_is_a_float(tmp_path: Path, written: str, read: float) -> None:
    _write(tmp_path / "annotator.toml", f"[quotes]\nthreshold = {written}\n")
    threshold = load_config(start=tmp_path).quotes.threshold
    assert threshold == read
    assert type(threshold) is float


def test_the_config_with_aliases_survives_pickling(tmp_path: Path) -> None:
    """The app hands its config to the checker process: a read-only mapping view would not pickle."""
    _write(tmp_path / "annotator.toml", '[quotes.aliases]\nSecDef = "Lloyd Austin"\n')
    config = load_config(start=tmp_path)
    assert pickle.loads(pickle.dumps(config)).quotes == config.quotes


def test_the_same_name_twice_with_one_meaning_is_fine(tmp_path: Path) -> None:
    _write(tmp_path / "annotator.toml", '[quotes.aliases]\nAustin = "Lloyd Austin"\naustin = "lloyd  austin"\n')
    assert len(load_config(start=tmp_path).quotes.aliases) == 2


def test_the_most_aliases_allowed_are_read(tmp_path: Path) -> None:
    lines = "".join(f'"Name {n}" = "Person {n}"\n' for n in range(MAX_ALIASES))
    _write(tmp_path / "annotator.toml", "[quotes.aliases]\n" + lines)
    assert len(load_config(start=tmp_path).quotes.aliases) == MAX_ALIASES


TOO_LONG = "x" * (MAX_ALIAS_LENGTH + 1)
THRESHOLD = "must be a number greater than 0 and at most 1"
BAD = [
    pytest.param(
        "[quotes]\nmerge = true\n", "quotes.merge", "unknown key (expected one of: threshold, aliases)", id="key"
    ),
    pytest.param("quotes = 0.6\n", "quotes", "must be a table", id="not-a-table"),
    pytest.param('quotes = ["a"]\n', "quotes", "must be a table", id="a-list"),
    pytest.param("[quotes]\nthreshold = 0\n", "quotes.threshold", THRESHOLD, id="zero"),
    pytest.param("[quotes]\nthreshold = 0.0\n", "quotes.threshold", THRESHOLD, id="zero-float"),
    pytest.param("[quotes]\nthreshold = -0.5\n", "quotes.threshold", THRESHOLD, id="negative"),
    pytest.param("[quotes]\nthreshold = 2\n", "quotes.threshold", THRESHOLD, id="two"),
    pytest.param("[quotes]\nthreshold = 1.0000001\n", "quotes.threshold", THRESHOLD, id="just-over-one"),
    pytest.param("[quotes]\nthreshold = nan\n", "quotes.threshold", THRESHOLD, id="nan"),
    pytest.param("[quotes]\nthreshold = -nan\n", "quotes.threshold", THRESHOLD, id="minus-nan"),
    pytest.param("[quotes]\nthreshold = inf\n", "quotes.threshold", THRESHOLD, id="inf"),
    pytest.param("[quotes]\nthreshold = true\n", "quotes.threshold", THRESHOLD, id="bool"),
    pytest.param('[quotes]\nthreshold = "0.6"\n', "quotes.threshold", THRESHOLD, id="string"),
    pytest.param("[quotes]\nthreshold = [0.6]\n", "quotes.threshold", THRESHOLD, id="list"),
    pytest.param("[quotes]\nthreshold = 1979-05-27\n", "quotes.threshold", THRESHOLD, id="date"),
    pytest.param(f"[quotes]\nthreshold = {'9' * 4000}\n", "quotes.threshold", THRESHOLD, id="huge-integer"),
    pytest.param('[quotes]\naliases = "SecDef"\n', "quotes.aliases", "must be a table of name = ", id="aliases-string"),
    pytest.param('[quotes]\naliases = ["a", "b"]\n', "quotes.aliases", "must be a table", id="aliases-list"),
    pytest.param("[quotes.aliases]\nSecDef = 3\n", "quotes.aliases.SecDef", "must be a name of 1 to 200", id="number"),
    pytest.param("[quotes.aliases]\nSecDef = true\n", "quotes.aliases.SecDef", "must be a name", id="bool-name"),
    pytest.param('[quotes.aliases]\nSecDef = ["Lloyd Austin"]\n', "quotes.aliases.SecDef", "must be a name", id="list"),
    pytest.param(
        "[quotes.aliases.SecDef]\nname = 'Lloyd Austin'\n", "quotes.aliases.SecDef", "must be a name", id="table"
    ),
    pytest.param('[quotes.aliases]\nSecDef = "  "\n', "quotes.aliases.SecDef", "must be a name", id="blank-canonical"),
    pytest.param('[quotes.aliases]\n"" = "Lloyd Austin"\n', 'quotes.aliases.""', "not blank", id="empty-name"),
    pytest.param('[quotes.aliases]\n" \\t" = "Lloyd Austin"\n', 'quotes.aliases." \t"', "not blank", id="blank-name"),
    pytest.param(
        f'[quotes.aliases]\nSecDef = "{TOO_LONG}"\n',
        "quotes.aliases.SecDef",
        "1 to 200 characters",
        id="long-canonical",
    ),
    pytest.param(
        f'[quotes.aliases]\n"{TOO_LONG}" = "Lloyd Austin"\n',
        f'quotes.aliases."{"x" * 40}..."',
        "a name must be 1 to 200 characters",
        id="long-name",
    ),
    pytest.param(
        '[quotes.aliases]\nAustin = "Lloyd Austin"\n"AUSTIN " = "Austin Dillon"\n',
        'quotes.aliases."AUSTIN "',
        "is 'Austin' again (case and spacing aside), with another canonical name",
        id="two-meanings",
    ),
    pytest.param(
        "[quotes.aliases]\n" + "".join(f'"n{n}" = "p"\n' for n in range(MAX_ALIASES + 1)),
        "quotes.aliases",
        "has 10,001 names; at most 10,000",
        id="too-many",
    ),
]


@pytest.mark.parametrize(("toml", "key", "message"), BAD)
def test_bad_quotes_values_name_the_file_and_the_key(tmp_path: Path, toml: str, key: str, message: str) -> None:
    source = _write(tmp_path / "annotator.toml", toml)
    with pytest.raises(ConfigError) as caught:
        load_config(start=tmp_path)
    assert str(caught.value).startswith(f"{source.resolve()}: {key}: ")
    assert message in str(caught.value)


def test_a_pyproject_names_the_tool_table(tmp_path: Path) -> None:
    source = _write(tmp_path / "pyproject.toml", "[tool.annotator.quotes]\nthreshold = 2\n")
    with pytest.raises(ConfigError) as caught:
        load_config(start=tmp_path)
    assert str(caught.value).startswith(f"{source.resolve()}: tool.annotator.quotes.threshold: {THRESHOLD}")


def test_the_cli_exits_2_on_a_bad_quotes_value(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _write(tmp_path / "annotator.toml", '[quotes.aliases]\n"Sec\\u001b[31mDef" = 3\n')
    monkeypatch.chdir(tmp_path)
    assert main(["validate"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert err.startswith(f"annotator: config error: {source.resolve()}: quotes.aliases.")
    assert "must be a name" in err
    assert "\x1b" not in err  # a control character in a key reaches the terminal as a placeholder
