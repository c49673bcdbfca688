"""Hostile configuration files and messages: each ends in one clear message, never a traceback,
a hang or an escape sequence on the terminal.

- the config file: bytes that are not UTF-8, arrays nested 100,000 deep, a FIFO, a huge file,
  an integer of thousands of digits, in annotator.toml and in a pyproject.toml found on the way up;
- `[keys]`: unknown binding ids, key names no terminal sends, keys that collide with a binding
  active at the same time (annotator.keys.keymap_clashes);
- messages: every CLI message goes through `say()`, which shows control characters as placeholders.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, run_cli
from terminal_keys import tmux_key_for

from annotator.cli.main import EXIT_USAGE, main, say
from annotator.config import ConfigError, load_config
from annotator.keys import (
    TEXTUAL_BINDINGS,
    KeyNameError,
    all_bindings,
    keymap_clashes,
    parse_key,
    parse_keys,
)
from annotator.model.tagset import default_tagset

ESC = "\x1b"
# An OSC sequence that retitles the window, a CSI colour, a C1 CSI and a bidi override.
HOSTILE = f"{ESC}]0;pwned\x07{ESC}[31m\x9b2J\u202e"


def _write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")
    return path


def _config_error(tmp_path: Path, **kwargs) -> str:
    with pytest.raises(ConfigError) as caught:
        load_config(**({"start": tmp_path} | kwargs))
    return str(caught.value)


def _no_terminal_controls(text: str) -> None:
    bad = [c for c in text if (ord(c) < 0x20 and c != "\n") or 0x7F <= ord(c) < 0xA0 or c == "\u202e"]
    assert not bad, f"raw control characters reach the terminal: {bad!r}"


# -- 1. the config file itself ------------------------------------------------------------------------


def test_a_config_that_is_not_utf8_names_the_line_column_and_byte(tmp_path: Path) -> None:
    source = _write(tmp_path / "annotator.toml", b'annotator = "ok"\ntheme = "caf\xe9"\n')
    message = _config_error(tmp_path)
    assert message.startswith(f"{source.resolve()}: ")
    assert "line 2, column 13" in message and "0xe9" in message and "UTF-8" in message


def test_a_column_counts_characters_not_bytes(tmp_path: Path) -> None:
    _write(tmp_path / "annotator.toml", 'theme = "x"\nx = "é'.encode() + b'\xff"\n')
    assert "line 2, column 7" in _config_error(tmp_path)  # the 8th byte of the line


def test_a_pyproject_that_is_not_utf8_on_the_way_up_is_a_config_error(tmp_path: Path) -> None:
    """find_root parses every pyproject.toml on the way up, looking for [tool.annotator]."""
    source = _write(tmp_path / "pyproject.toml", b"[project]\nname = '\xc3('\n")
    (tmp_path / "src" / "deep").mkdir(parents=True)
    message = _config_error(tmp_path / "src" / "deep")
    assert message.startswith(f"{source.resolve()}: ") and "line 2, column 9" in message


@pytest.mark.parametrize(
    "toml",
    [
        "a = " + "[" * 100_000 + "]" * 100_000 + "\n",
        "a = " + "{b = " * 100_000 + "}" * 100_000 + "\n",
        "a = " + "[" * 100_000 + "\n",  # never closed
        "a = " + "[{b = " * 50_000 + "\n",
    ],
    ids=["arrays", "inline tables", "unclosed", "mixed"],
)
def test_deep_nesting_is_a_config_error(tmp_path: Path, toml: str) -> None:
    source = _write(tmp_path / "annotator.toml", toml)
    message = _config_error(tmp_path)
    assert message.startswith(f"{source.resolve()}: invalid TOML: ") and "nest" in message


def test_deep_nesting_in_a_pyproject_on_the_way_up(tmp_path: Path) -> None:
    _write(tmp_path / "pyproject.toml", "[tool.other]\na = " + "[" * 100_000 + "]" * 100_000 + "\n")
    (tmp_path / "sub").mkdir()
    assert "nest" in _config_error(tmp_path / "sub")


def test_brackets_in_strings_and_comments_do_not_count_as_nesting(tmp_path: Path) -> None:
    many = "[" * 300 + "{" * 300
    _write(
        tmp_path / "annotator.toml",
        f"# {many}\n"
        f'annotator = "ok" # {many}\n'
        f"[labels.quote]\n"
        f'description = "{many} \\" {many}"\n'
        f"[labels.claim]\n"
        f"description = '{many}'\n"
        f'[labels.hedge]\ndescription = """\n{many}\n"{many}""\n"""\n'
        f"[labels.number]\ndescription = '''\n{many}\n'{many}''\n'''\n"
        f"[limits]\nmax_file_size = 1024 # {many}\n",
    )
    tagset = load_config(start=tmp_path).tagset
    assert tagset.get("quote").description == f'{many} " {many}'  # type: ignore[union-attr]
    assert tagset.get("number").description == f"{many}\n'{many}''\n"  # type: ignore[union-attr]


def test_a_config_fifo_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "annotator.toml"
    os.mkfifo(fifo)
    message = _config_error(tmp_path)  # found, and refused without blocking on the open
    assert message.startswith(f"{fifo.resolve()}: ") and "FIFO" in message
    assert "FIFO" in _config_error(tmp_path, config_file=fifo)


def test_a_huge_config_file_is_refused(tmp_path: Path) -> None:
    source = _write(tmp_path / "annotator.toml", "# padding\n" * 200_000)
    message = _config_error(tmp_path)
    assert message.startswith(f"{source.resolve()}: ") and "1 MB" in message
    assert "limits.max_file_size" not in message  # that limit is not the config file's


def test_an_integer_of_thousands_of_digits_is_a_config_error(tmp_path: Path) -> None:
    """int() refuses more than 4300 digits with a ValueError, which tomllib lets through."""
    _write(tmp_path / "annotator.toml", "[limits]\nmax_file_size = " + "9" * 5000 + "\n")
    assert "invalid TOML: " in _config_error(tmp_path)


@pytest.mark.parametrize("size", ['"' + "9" * 400 + ' GB"', '"0.0000001 B"', '"0.4"'])
def test_a_size_too_large_for_a_float_or_below_one_byte_is_a_config_error(tmp_path: Path, size: str) -> None:
    """float("9" * 400) is inf, which int() refused with OverflowError; 0.0000001 B was a limit of 0 bytes."""
    _write(tmp_path / "annotator.toml", f"[limits]\nmax_file_size = {size}\n")
    assert "limits.max_file_size: must be a size" in _config_error(tmp_path)


@pytest.mark.parametrize(
    "data",
    [
        b'annotator = "\xff"\n',
        ("a = " + "[" * 100_000 + "]" * 100_000 + "\n").encode(),
        ("a = " + "9" * 5000 + "\n").encode(),
    ],
    ids=["not UTF-8", "nested", "huge integer"],
)
def test_the_cli_exits_2_with_one_line_and_no_traceback(tmp_path: Path, data: bytes) -> None:
    _write(tmp_path / "annotator.toml", data)
    result = run_cli(["validate"], cwd=tmp_path)
    assert result.returncode == EXIT_USAGE, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("annotator: config error: ") and result.stderr.count("\n") == 1


# -- 2. [keys] ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "textual"),
    [
        ("x", "x"),
        ("A", "A"),
        ("7", "7"),
        ("?", "question_mark"),
        ("question_mark", "question_mark"),
        ("/", "slash"),
        ("+", "plus"),
        ("é", "é"),
        ("£", "pound_sign"),
        ("pound_sign", "pound_sign"),
        ("ctrl+k", "ctrl+k"),
        ("ctrl+?", "ctrl+question_mark"),
        ("ctrl+shift+right", "ctrl+shift+right"),
        ("alt+ctrl+shift+delete", "alt+ctrl+shift+delete"),
        ("shift+tab", "shift+tab"),
        ("shift+enter", "shift+enter"),
        ("super+a", "super+a"),
        ("hyper+meta+f24", "hyper+meta+f24"),
        ("space", "space"),
        ("ctrl+space", "ctrl+space"),
        ("  f5 ", "f5"),
    ],
)
def test_key_names_accepted(written: str, textual: str) -> None:
    assert parse_key(written) == textual


def test_several_keys_joined_by_commas() -> None:
    assert parse_keys("f5, ctrl+w,?") == ("f5", "ctrl+w", "question_mark")


def test_every_key_a_terminal_sends_is_accepted_as_it_is() -> None:
    for key in tmux_key_for():
        assert parse_key(key) == key


def test_every_default_binding_key_is_accepted_as_it_is() -> None:
    for binding in all_bindings(default_tagset()):
        assert parse_key(binding.key) == binding.key, binding.id


@pytest.mark.parametrize(
    ("written", "hint"),
    [
        ("shift+ctrl+right", "'ctrl+shift+right'"),
        ("ctrl+ctrl+a", "twice"),
        ("Ctrl+K", "'ctrl'"),
        ("control+k", "'ctrl'"),
        ("cmd+k", "'super'"),
        ("ctrl+", "'plus'"),
        ("+a", "empty"),
        ("", "'comma'"),
        ("Enter", "'enter'"),
        ("esc", "'escape'"),
        ("pgdn", "'pagedown'"),
        ("f25", "f24"),
        ("questionmark", "'question_mark'"),
        ("shift+a", "'A'"),
        ("shift+1", "character"),
        ("ctrl+A", "'ctrl+shift+a'"),
        ("alt+B", "'alt+shift+b'"),
        ("ctrl+i", "'tab'"),
        ("ctrl+m", "'enter'"),
        ("ctrl+h", "'backspace'"),
        ("ctrl+[", "'escape'"),
        (ESC, "control character"),
        ("\t", "control character"),
        ("\u202e", "control character"),
        ("ctrl+\x07", "control character"),
        ("nonsense", "f1 to f24"),
    ],
)
def test_key_names_refused(written: str, hint: str) -> None:
    with pytest.raises(KeyNameError) as caught:
        parse_key(written)
    assert hint in str(caught.value)


def test_empty_key_between_commas_is_refused() -> None:
    with pytest.raises(KeyNameError, match="'comma'"):
        parse_keys("x,,y")


def _keys_error(tmp_path: Path, table: str, labels: str = "") -> str:
    source = _write(tmp_path / "annotator.toml", f"{labels}\n[keys]\n{table}\n")
    message = _config_error(tmp_path)
    assert message.startswith(f"{source.resolve()}: keys.")
    return message


def test_a_bad_key_name_in_the_config_names_the_binding(tmp_path: Path) -> None:
    message = _keys_error(tmp_path, '"span.delete" = "shift+ctrl+x"')
    assert message.startswith(f"{(tmp_path / 'annotator.toml').resolve()}: keys.span.delete: ")
    assert "'ctrl+shift+x'" in message


def test_the_config_keeps_keys_in_textual_spelling(tmp_path: Path) -> None:
    _write(tmp_path / "annotator.toml", '[keys]\n"span.delete" = "%"\n"app.save" = " f5 , ctrl+w "\n')
    assert load_config(start=tmp_path).keymap == {"span.delete": "percent_sign", "app.save": "f5,ctrl+w"}


def test_an_unknown_binding_id_lists_the_close_ones(tmp_path: Path) -> None:
    message = _keys_error(tmp_path, '"span.delet" = "z"')
    assert "keys.span.delet: unknown binding id" in message and "'span.delete'" in message


def test_an_unknown_binding_id_says_where_the_ids_are_listed(tmp_path: Path) -> None:
    message = _keys_error(tmp_path, '"quit" = "z"')
    assert "unknown binding id" in message and "F1" in message


def test_the_tag_bindings_of_a_new_label_are_binding_ids(tmp_path: Path) -> None:
    _write(
        tmp_path / "annotator.toml",
        '[labels.opinion]\ndescription = "d"\nkey = "p"\ncolor = "red"\n[keys]\n"tag.opinion_digit" = "0"\n',
    )
    assert load_config(start=tmp_path).keymap == {"tag.opinion_digit": "0"}


@pytest.mark.parametrize(
    ("table", "taken_by"),
    [
        ('"app.quit" = "q"', "tag.quote"),  # q quit instead of tagging a quote
        ('"span.delete" = "ctrl+q"', "app.quit"),  # never fired: ctrl+q is a priority key
        ('"span.delete" = "ctrl+p"', "command palette"),  # Textual's, a priority key too
        ('"span.delete" = "x"', "review.reject_rest"),  # the review binds x everywhere
        ('"span.delete" = "Q"', "span.next_quote"),  # shift with a label's key
        ('"span.delete" = "1"', "tag.quote_digit"),
        ('"span.delete" = "u"', "app.undo_alt"),
        ('"span.delete" = "r"', "span.relabel"),
        ('"span_list.filter" = "j"', "review.next"),
        ('"span_list.filter" = "ctrl+s"', "app.save"),
        ('"review.accept" = "ctrl+s"', "app.save"),
        ('"app.save" = "j"', "review.next"),
        ('"search.close" = "ctrl+w"', "query line"),  # the query line deletes a word first
        ('"search.close" = "enter"', "query line"),
        ('"search.close" = "x"', "query line"),  # typed into the query
        ('"app.undo" = "ctrl+a"', "query line"),  # a priority key takes home from the query line
        ('"app.quit" = "Z"', "query line"),  # ... and a letter from the query
        ('"span.delete" = "z"\n"span.relabel" = "z"', "span.delete"),
    ],
)
def test_a_remapped_key_may_not_collide_with_a_binding_active_at_the_same_time(
    tmp_path: Path, table: str, taken_by: str
) -> None:
    message = _keys_error(tmp_path, table)
    remapped_id = table.rsplit("\n", 1)[-1].split('"')[1]
    assert message.split(": ", 2)[1] == f"keys.{remapped_id}"  # names the entry of [keys] ...
    assert taken_by in message.split(": ", 2)[2]  # ... and what has the key


def test_both_remapped_sides_are_named(tmp_path: Path) -> None:
    message = _keys_error(tmp_path, '"span.delete" = "z"\n"span.relabel" = "z"')
    assert "keys.span.relabel: 'z' is already bound to span.delete" in message and "as [keys] remaps it" in message


def test_a_remapped_key_may_take_a_label_key_the_file_moves(tmp_path: Path) -> None:
    _write(tmp_path / "annotator.toml", '[labels.quote]\nkey = "t"\n[keys]\n"app.help" = "q"\n')
    assert load_config(start=tmp_path).keymap == {"app.help": "q"}


@pytest.mark.parametrize(
    "table",
    [
        '"span_list.filter" = "d"',  # the list's keys and the text's are never active together
        '"span_list.select" = "v"',
        '"span.delete" = "r"\n"span.relabel" = "d"',  # a swap: each as the other remaps it
        '"app.quit" = "f10"\n"span.delete" = "ctrl+q"',  # ctrl+q is free once quit moves
        '"review.accept" = "ctrl+a"',
        '"search.regex" = "ctrl+g"',  # the search bar's keys go before the app's, as ctrl+r does
        '"search.next" = "f3"',
        '"app.next_document" = "ctrl+n"',
        '"span.delete" = "z"',
    ],
)
def test_keys_that_are_never_active_together_may_be_shared(tmp_path: Path, table: str) -> None:
    _write(tmp_path / "annotator.toml", f"[keys]\n{table}\n")
    assert load_config(start=tmp_path).keymap


def test_the_default_bindings_do_not_clash() -> None:
    assert keymap_clashes({}, default_tagset()) == []
    # Every binding remapped to its own key: checked as remapped, and still no clash.
    every = {binding.id: binding.key for binding in all_bindings(default_tagset())}
    assert keymap_clashes(every, default_tagset()) == []


def test_a_remap_in_the_config_file_to_its_own_default_keys_is_accepted(tmp_path: Path) -> None:
    table = "\n".join(f'"{binding.id}" = "{binding.key}"' for binding in all_bindings(default_tagset()))
    _write(tmp_path / "annotator.toml", f"[keys]\n{table}\n")
    assert len(load_config(start=tmp_path).keymap) == len(all_bindings(default_tagset()))


def test_the_query_line_keys_are_those_of_textuals_input() -> None:
    """The search bar's query line is Textual's Input: its own keys go before the bar's."""
    from textual.widgets import Input

    textual = {key.strip() for binding in Input.BINDINGS for key in binding.key.split(",")}  # type: ignore[union-attr]
    ours = {binding.key for binding in TEXTUAL_BINDINGS if binding.id == "textual.query_line"}
    assert ours == textual


def test_the_command_palette_key_is_textuals() -> None:
    from textual.app import App

    palette = [binding for binding in TEXTUAL_BINDINGS if binding.id == "textual.command_palette"]
    assert [binding.key for binding in palette] == [App.COMMAND_PALETTE_BINDING] and palette[0].priority


# -- 3. messages --------------------------------------------------------------------------------------


def test_say_shows_control_characters_as_placeholders(capsys: pytest.CaptureFixture[str]) -> None:
    say(f"bad {HOSTILE} name\nsecond line\tend")
    err = capsys.readouterr().err
    _no_terminal_controls(err)
    assert err.startswith("annotator: bad ␛]0;pwned␇␛[31m")
    assert err.endswith("\nsecond line␉end\n")  # the line break stays one


def test_say_leaves_ordinary_text_alone(capsys: pytest.CaptureFixture[str]) -> None:
    say("café 👍 — x\ny")
    assert capsys.readouterr().err == "annotator: café 👍 — x\ny\n"


def test_config_errors_show_no_raw_escape_in_a_binding_id_or_key(tmp_path: Path) -> None:
    # TOML strings hold control characters only as escapes.
    _write(tmp_path / "annotator.toml", '[keys]\n"span.delete" = "\\u001b[31m"\n"\\u001b]0;x\\u0007" = "x"\n')
    result = run_cli(["validate"], cwd=tmp_path)
    assert result.returncode == EXIT_USAGE
    _no_terminal_controls(result.stderr)
    assert "keys.span.delete" in result.stderr and "␛" not in result.stderr.split("keys.span.delete")[0]


def test_export_skipped_line_shows_no_raw_escape(tmp_path: Path) -> None:
    _write(tmp_path / "annotator.toml", 'documents = ["docs"]\n')
    _write(tmp_path / "annotations" / f"doc{HOSTILE}" / "alice.json", "{not json")
    result = run_cli(["export", "--format", "jsonl", "--out", "out.jsonl"], cwd=tmp_path)
    assert result.returncode != 0 and "␛]0;pwned" in result.stderr  # the file is named, made safe
    _no_terminal_controls(result.stderr)


def test_label_studio_task_id_in_an_import_error_shows_no_raw_escape(tmp_path: Path) -> None:
    _write(tmp_path / "annotator.toml", 'documents = ["docs"]\n')
    _write(tmp_path / "export.json", json.dumps([{"id": HOSTILE, "data": 3}]))
    result = run_cli(["import", "--format", "label-studio", "export.json"], cwd=tmp_path)
    assert result.returncode != 0 and "task ␛]0;pwned" in result.stderr
    _no_terminal_controls(result.stderr)


def test_argparse_errors_show_no_raw_escape(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["validate", f"--{HOSTILE}"])
    err = capsys.readouterr().err
    assert "unrecognized arguments" in err
    _no_terminal_controls(err)


def test_saying_a_hostile_message_imports_no_textual(tmp_path: Path) -> None:
    _write(tmp_path / "annotator.toml", '[keys]\n"\\u001b]0;x\\u0007" = "x"\n')
    timed = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "annotator", "validate"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert timed.returncode == EXIT_USAGE
    imports = [line for line in timed.stderr.splitlines() if line.startswith("import time:")]
    assert any("annotator.text" in line for line in imports)  # the message was made safe
    assert [line for line in imports if "textual" in line] == []
    _no_terminal_controls("\n".join(line for line in timed.stderr.splitlines() if line not in imports))
