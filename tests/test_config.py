"""Configuration discovery, the tag set it builds, and every error path."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from conftest import run_cli

from annotator.cli.main import EXIT_USAGE, main
from annotator.config import ConfigError, find_root, load_config
from annotator.model.annotation import NAME_PATTERN
from annotator.model.tagset import DEFAULT_LABELS, AttributeSpec

# -- discovery -------------------------------------------------------------------


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_annotator_toml_found_walking_up(tmp_path: Path) -> None:
    source = _write(tmp_path / "proj" / "annotator.toml", 'annotator = "ann"\nannotations = "ann-files"\n')
    start = tmp_path / "proj" / "a" / "b" / "c"
    start.mkdir(parents=True)
    config = load_config(start=start)
    assert config.root == (tmp_path / "proj").resolve()
    assert config.source == source.resolve()
    assert config.annotator == "ann"
    assert config.annotations_path == (tmp_path / "proj" / "ann-files").resolve()


def test_pyproject_tool_annotator_found_walking_up(tmp_path: Path) -> None:
    _write(
        tmp_path / "proj" / "pyproject.toml",
        '[project]\nname = "x"\n\n[tool.annotator]\ndocuments = ["texts", "more"]\n',
    )
    start = tmp_path / "proj" / "src"
    start.mkdir(parents=True)
    config = load_config(start=start)
    assert config.root == (tmp_path / "proj").resolve()
    assert config.source is not None and config.source.name == "pyproject.toml"
    assert config.document_dirs == ("texts", "more")
    assert config.annotations_dir == "annotations"


def test_pyproject_without_the_table_is_passed_over(tmp_path: Path) -> None:
    _write(tmp_path / "annotator.toml", 'annotator = "outer"\n')
    _write(tmp_path / "inner" / "pyproject.toml", "[tool.black]\nline-length = 80\n")
    config = load_config(start=tmp_path / "inner")
    assert config.root == tmp_path.resolve()
    assert config.annotator == "outer"


def test_nearest_config_wins(tmp_path: Path) -> None:
    _write(tmp_path / "annotator.toml", 'annotator = "outer"\n')
    _write(tmp_path / "inner" / "annotator.toml", 'annotator = "inner"\n')
    assert load_config(start=tmp_path / "inner").annotator == "inner"


def test_annotator_toml_beats_pyproject_in_the_same_folder(tmp_path: Path) -> None:
    _write(tmp_path / "annotator.toml", 'annotator = "toml"\n')
    _write(tmp_path / "pyproject.toml", '[tool.annotator]\nannotator = "pyproject"\n')
    config = load_config(start=tmp_path)
    assert config.annotator == "toml"
    assert config.source == (tmp_path / "annotator.toml").resolve()


def test_without_config_the_git_folder_is_the_root(tmp_path: Path) -> None:
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    (tmp_path / "repo" / "deep" / "er").mkdir(parents=True)
    root, source, raw = find_root(tmp_path / "repo" / "deep" / "er")
    assert (root, source, raw) == ((tmp_path / "repo").resolve(), None, None)
    config = load_config(start=tmp_path / "repo" / "deep" / "er")
    assert config.source is None
    assert config.tagset.names() == [label.name for label in DEFAULT_LABELS]


def test_explicit_config_file(tmp_path: Path) -> None:
    source = _write(tmp_path / "elsewhere" / "custom.toml", 'annotations = "out"\n')
    config = load_config(start=tmp_path, config_file=source)
    assert config.root == (tmp_path / "elsewhere").resolve()
    assert config.annotations_dir == "out"


def test_explicit_pyproject_reads_tool_table(tmp_path: Path) -> None:
    source = _write(tmp_path / "pyproject.toml", '[tool.annotator]\nannotator = "py"\n')
    assert load_config(config_file=source).annotator == "py"


def test_explicit_config_file_missing(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"nope\.toml: config file not found"):
        load_config(config_file=tmp_path / "nope.toml")


def test_annotator_names_the_config_accepts_are_names_the_schema_accepts(tmp_path: Path) -> None:
    for name in ("alice", "a.b-c_d@e+f", "A1", "x" * 64):
        _write(tmp_path / "annotator.toml", f'annotator = "{name}"\n')
        assert load_config(start=tmp_path).annotator == name
        assert re.fullmatch(NAME_PATTERN, name)
    for name in ("bob smith", "-lead", "x" * 65, "é"):
        _write(tmp_path / "annotator.toml", f'annotator = "{name}"\n')
        with pytest.raises(ConfigError, match="annotator: must be a name"):
            load_config(start=tmp_path)
        assert not re.fullmatch(NAME_PATTERN, name)


# -- labels ------------------------------------------------------------------------


def test_add_label_with_attributes(tmp_path: Path) -> None:
    _write(
        tmp_path / "annotator.toml",
        """
[labels.opinion]
description = "A view, not a fact."
key = "p"
color = "magenta"

[labels.opinion.attributes.stance]
type = "enum"
values = ["for", "against"]
description = "Which side."

[labels.opinion.attributes.strength]
type = "integer"

[labels.opinion.attributes.sarcastic]
type = "boolean"
""",
    )
    tagset = load_config(start=tmp_path).tagset
    assert tagset.names() == ["quote", "claim", "hedge", "number", "opinion"]
    opinion = tagset.get("opinion")
    assert opinion is not None
    assert (opinion.description, opinion.key, opinion.color) == ("A view, not a fact.", "p", "magenta")
    assert opinion.attributes["stance"] == AttributeSpec("stance", "enum", "Which side.", ("for", "against"))
    assert opinion.attributes["strength"].type == "integer"
    assert opinion.attributes["sarcastic"].type == "boolean"
    assert tagset.attribute_problems("opinion", {"stance": "for", "strength": 3, "sarcastic": False}) == []
    problems = dict(tagset.attribute_problems("opinion", {"stance": "maybe", "strength": 1.5, "sarcastic": "no"}))
    assert set(problems) == {"stance", "strength", "sarcastic"}


def test_extend_default_label_with_new_attribute(tmp_path: Path) -> None:
    _write(tmp_path / "annotator.toml", '[labels.quote.attributes.role]\ntype = "string"\n')
    quote = load_config(start=tmp_path).tagset.get("quote")
    default = DEFAULT_LABELS[0]
    assert quote is not None
    assert list(quote.attributes) == ["speaker", "role"]
    assert quote.attributes["speaker"] == default.attributes["speaker"]
    assert (quote.description, quote.key, quote.color) == (default.description, default.key, default.color)


def test_override_default_label_key_and_colour(tmp_path: Path) -> None:
    _write(tmp_path / "annotator.toml", '[labels.hedge]\nkey = "g"\ncolor = "#ABCDEF"\n')
    hedge = load_config(start=tmp_path).tagset.get("hedge")
    assert hedge is not None and (hedge.key, hedge.color) == ("g", "#ABCDEF")


def test_swapping_default_keys_is_allowed(tmp_path: Path) -> None:
    _write(tmp_path / "annotator.toml", '[labels.quote]\nkey = "c"\n[labels.claim]\nkey = "q"\n')
    tagset = load_config(start=tmp_path).tagset
    assert (tagset.get("quote").key, tagset.get("claim").key) == ("c", "q")  # type: ignore[union-attr]


# -- errors: every one names the file and the key ---------------------------------

NEW_LABEL = '[labels.opinion]\ndescription = "d"\nkey = "p"\ncolor = "red"\n'


@pytest.mark.parametrize(
    ("toml", "key", "message"),
    [
        ("colour = 1\n", "colour", "unknown key"),
        ('[labels.quote]\ncolour = "red"\n', "labels.quote.colour", "unknown key"),
        (
            '[labels.quote.attributes.role]\ntype = "string"\nrequired = true\n',
            "labels.quote.attributes.role.required",
            "unknown key",
        ),
        ('[labels.quote]\nkey = "c"\n', "labels.quote.key", "already used by label 'claim'"),
        (
            '[labels.opinion]\ndescription = "d"\nkey = "q"\ncolor = "red"\n',
            "labels.opinion.key",
            "already used by label 'quote'",
        ),
        ('[labels.hedge]\nkey = "n"\n', "labels.hedge.key", "already used by label 'number'"),
        ('[labels.quote]\nkey = "qq"\n', "labels.quote.key", "must be a single"),
        ('[labels.quote]\nkey = " "\n', "labels.quote.key", "must be a single"),
        ("[labels.quote]\nkey = 1\n", "labels.quote.key", "must be a single"),
        ('[labels.quote]\ncolor = "#12345"\n', "labels.quote.color", "must be '#rrggbb'"),
        ('[labels.quote]\ncolor = "#gggggg"\n', "labels.quote.color", "must be '#rrggbb'"),
        ('[labels.quote]\ncolor = "Red"\n', "labels.quote.color", "must be '#rrggbb'"),
        ('[labels.quote]\ncolor = "red\\n"\n', "labels.quote.color", "must be '#rrggbb'"),
        ("[labels.quote]\ncolor = 255\n", "labels.quote.color", "must be '#rrggbb'"),
        ("[labels.quote]\ndescription = 3\n", "labels.quote.description", "must be a string"),
        ('[labels.quote.attributes.kind]\ntype = "enum"\n', "labels.quote.attributes.kind.values", "non-empty list"),
        (
            '[labels.quote.attributes.kind]\ntype = "enum"\nvalues = []\n',
            "labels.quote.attributes.kind.values",
            "non-empty list",
        ),
        (
            '[labels.quote.attributes.kind]\ntype = "enum"\nvalues = [1, 2]\n',
            "labels.quote.attributes.kind.values",
            "non-empty list",
        ),
        (
            '[labels.quote.attributes.kind]\ntype = "string"\nvalues = ["a"]\n',
            "labels.quote.attributes.kind.values",
            "only an enum",
        ),
        (
            '[labels.quote.attributes.kind]\ntype = "float"\n',
            "labels.quote.attributes.kind.type",
            "must be one of: string",
        ),
        (
            '[labels.quote.attributes.kind]\ndescription = "no type"\n',
            "labels.quote.attributes.kind.type",
            "must be one of",
        ),
        (
            '[labels.quote.attributes.kind]\ntype = "string"\ndescription = 1\n',
            "labels.quote.attributes.kind.description",
            "must be a string",
        ),
        ('[labels.quote.attributes]\nkind = "string"\n', "labels.quote.attributes.kind", "must be a table"),
        ('[labels.quote]\nattributes = ["speaker"]\n', "labels.quote.attributes", "must be a table of attributes"),
        ('[labels.quote.attributes.Kind]\ntype = "string"\n', "labels.quote.attributes.Kind", "attribute names are"),
        ('[labels.Opinion]\ndescription = "d"\nkey = "p"\ncolor = "red"\n', "labels.Opinion", "label names are"),
        ('[labels."opinion\\n"]\ndescription = "d"\nkey = "p"\ncolor = "red"\n', "labels.opinion\n", "label names are"),
        ("[labels]\nquote = 1\n", "labels.quote", "must be a table"),
        ('labels = "quote"\n', "labels", "must be a table of labels"),
        ('[labels.opinion]\nkey = "p"\ncolor = "red"\n', "labels.opinion.description", "is required for a new label"),
        ('[labels.opinion]\ndescription = "d"\ncolor = "red"\n', "labels.opinion.key", "is required for a new label"),
        ('[labels.opinion]\ndescription = "d"\nkey = "p"\n', "labels.opinion.color", "is required for a new label"),
        ('annotator = ""\n', "annotator", "must be a name"),
        ("annotator = 7\n", "annotator", "must be a name"),
        ('annotations = ""\n', "annotations", "must be a folder path"),
        ('documents = "docs"\n', "documents", "must be a list of folder paths"),
        ('documents = ["docs", 3]\n', "documents", "must be a list of folder paths"),
    ],
)
def test_config_errors_name_file_and_key(tmp_path: Path, toml: str, key: str, message: str) -> None:
    source = _write(tmp_path / "annotator.toml", toml)
    with pytest.raises(ConfigError) as caught:
        load_config(start=tmp_path)
    text = str(caught.value)
    assert text.startswith(f"{source.resolve()}: {key}: ")
    assert message in text


def test_new_label_sanity_of_fixture_toml(tmp_path: Path) -> None:
    # The label used in the error table above is itself valid.
    _write(tmp_path / "annotator.toml", NEW_LABEL)
    assert "opinion" in load_config(start=tmp_path).tagset


@pytest.mark.parametrize(
    ("toml", "key"),
    [
        ("[tool.annotator]\ncolour = 1\n", "tool.annotator.colour"),
        ('[tool.annotator.labels.quote]\ncolor = "#12"\n', "tool.annotator.labels.quote.color"),
        ("[tool]\nannotator = 5\n", "tool.annotator"),
        ('tool = "annotator"\n', "tool"),
    ],
)
def test_pyproject_errors_name_the_tool_table(tmp_path: Path, toml: str, key: str) -> None:
    source = _write(tmp_path / "pyproject.toml", toml)
    for kwargs in ({"start": tmp_path}, {"config_file": source}):
        with pytest.raises(ConfigError) as caught:
            load_config(**kwargs)
        assert str(caught.value).startswith(f"{source if 'config_file' in kwargs else source.resolve()}: {key}: ")


@pytest.mark.parametrize("toml", ["labels = [\n", "a = 1\na = 2\n", "[labels.quote]\nkey = 'q'\n[labels.quote]\n"])
def test_invalid_toml(tmp_path: Path, toml: str) -> None:
    source = _write(tmp_path / "annotator.toml", toml)
    with pytest.raises(ConfigError) as caught:
        load_config(start=tmp_path)
    assert str(caught.value).startswith(f"{source}: invalid TOML: ")
    assert re.search(r"\((at line \d+, column \d+|at end of document)\)$", str(caught.value))  # tomllib says where


def test_unreadable_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = _write(tmp_path / "annotator.toml", "x = 1\n")
    real_open = os.open

    # The config is read with annotator.storage.files.read_file, which opens with os.open
    # (a FIFO without blocking), not Path.open.
    def denied(path, *args, **kwargs):
        if os.path.basename(path) == "annotator.toml":
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", denied)
    with pytest.raises(ConfigError) as caught:
        load_config(start=tmp_path)
    assert str(caught.value) == f"{source.resolve()}: cannot read: Permission denied"


# -- the CLI on a config error --------------------------------------------------------


def test_cli_exits_2_on_config_error_without_traceback(tmp_path: Path) -> None:
    source = _write(tmp_path / "annotator.toml", '[labels.quote]\ncolor = "#12"\n')
    result = run_cli(["validate"], cwd=tmp_path)
    assert result.returncode == EXIT_USAGE
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines == [
        f"annotator: config error: {source.resolve()}: labels.quote.color: must be '#rrggbb' or a colour name such as 'magenta'"
    ]


@pytest.mark.parametrize(
    ("name", "toml", "expected"),
    [
        ("annotator.toml", "labels = [\n", "invalid TOML"),
        ("pyproject.toml", "[tool]\nannotator = 5\n", "tool.annotator: must be a table"),
        ("pyproject.toml", "tool = 1\n", "tool: must be a table"),
        ("annotator.toml", 'annotator = "a b"\n', "annotator: must be a name"),
    ],
)
def test_cli_config_errors_in_process(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    name: str,
    toml: str,
    expected: str,
) -> None:
    source = _write(tmp_path / name, toml)
    monkeypatch.chdir(tmp_path)
    assert main(["validate"]) == EXIT_USAGE
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("annotator: config error: ")
    assert str(source.name) in captured.err and expected in captured.err
    assert captured.err.count("\n") == 1


def test_cli_explicit_missing_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "--config", "missing.toml"]) == EXIT_USAGE
    assert "missing.toml: config file not found" in capsys.readouterr().err


def test_keys_table_remaps_bindings_by_id(tmp_path: Path) -> None:
    # Was "span.delete" = "x": x is review.reject_rest, active everywhere in `annotator review`, so
    # it is now refused (tests/test_config_hostile.py); z is bound nowhere.
    (tmp_path / "annotator.toml").write_text('[keys]\n"span.delete" = "z"\n"app.next_document" = "ctrl+n"\n')
    config = load_config(start=tmp_path)
    assert config.keymap == {"span.delete": "z", "app.next_document": "ctrl+n"}


def test_keys_table_rejects_a_non_string_key(tmp_path: Path) -> None:
    (tmp_path / "annotator.toml").write_text('[keys]\n"span.delete" = 3\n')
    with pytest.raises(ConfigError, match=r"annotator.toml: keys.span.delete: must be a key name"):
        load_config(start=tmp_path)


def test_number_attribute_beyond_the_safe_integer_range_is_refused() -> None:
    from annotator.model.tagset import default_tagset

    problems = default_tagset().attribute_problems("number", {"value": 2**70})
    assert problems and problems[0][0] == "value" and "2**53" in problems[0][1]
    assert default_tagset().attribute_problems("number", {"value": 2**53}) == []


# -- label keys against every binding, and the theme ----------------------------------


@pytest.mark.parametrize(
    ("letter", "bound"),
    [
        ("y", "review.accept"),
        ("j", "review.next"),
        ("o", "review.next_version"),
        ("a", "review.accept_agreed"),
        ("s", "select.sentence"),
    ],
)
def test_a_label_key_may_not_be_a_key_the_editor_or_the_review_binds(tmp_path: Path, letter: str, bound: str) -> None:
    """`key = "y"` was accepted, and in `annotator review` y then accepted a candidate instead of tagging."""
    _write(tmp_path / "annotator.toml", f'[labels.opinion]\ndescription = "d"\nkey = "{letter}"\ncolor = "red"\n')
    with pytest.raises(ConfigError, match=rf"labels\.opinion\.key: .*{re.escape(bound)}.*free letters"):
        load_config(start=tmp_path)


def test_remapping_a_binding_frees_its_letter_for_a_label(tmp_path: Path) -> None:
    _write(
        tmp_path / "annotator.toml",
        '[keys]\n"review.accept" = "ctrl+a"\n\n[labels.opinion]\ndescription = "d"\nkey = "y"\ncolor = "red"\n',
    )
    assert load_config(start=tmp_path).tagset.get("opinion").key == "y"


def test_theme(tmp_path: Path) -> None:
    _write(tmp_path / "annotator.toml", 'theme = "textual-light"\n')
    assert load_config(start=tmp_path).theme == "textual-light"
    _write(tmp_path / "annotator.toml", "theme = 3\n")
    with pytest.raises(ConfigError, match="theme: must be a theme name"):
        load_config(start=tmp_path)


def test_an_unknown_theme_is_a_config_error_before_the_ui_starts(tmp_path: Path) -> None:
    _write(tmp_path / "annotator.toml", 'theme = "no-such-theme"\ndocuments = ["docs"]\n')
    _write(tmp_path / "docs" / "a.txt", "Some text.\n")
    result = run_cli(["annotate", "docs"], cwd=tmp_path)
    assert result.returncode == EXIT_USAGE
    assert "theme: unknown theme 'no-such-theme'" in result.stderr and "textual-light" in result.stderr
