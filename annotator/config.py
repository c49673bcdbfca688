"""Project configuration: `annotator.toml` or `[tool.annotator]` in `pyproject.toml`.

The project root is the nearest folder, from the working directory up, that
holds either file; without one, the nearest folder with `.git`, else the
working directory. Document paths in annotation files are relative to it.

An annotation file belongs to the project it lies in, found the same way from
the file's own folder up (`project_root`), so that a file checked from outside
its project is still read against that project's documents; a file that lies
in no project goes with the working directory's (`configs_of`).

A config file is read as the storage rules read any file (a FIFO or a
device is refused at once, not waited on) and must be UTF-8 TOML of at most
1 MB, with arrays and inline tables nested at most 32 deep. Every problem,
in the file found or in a pyproject.toml passed on the way up, is a
ConfigError that names the file, the key or the line and column, and what is
wrong. `[keys]` must name bindings that exist, with keys a terminal sends
(annotator.keys.parse_key), that collide with no key active at the same
time (annotator.keys.keymap_clashes); the keys are kept as Textual names them.
`[quotes]` sets the quote ledger: `threshold`, the word-level similarity (a
number in (0, 1]) above which two quotes are one utterance, and `aliases`, a
table from a speaker name as written to the name of the person it means.
"""

from __future__ import annotations

import os
import re
import string
import sys
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from annotator.model.tagset import AttributeSpec, LabelSpec, TagSet, default_tagset
from annotator.storage.files import DEFAULT_MAX_FILE_SIZE, Area, FileTooLarge, UnsafeFile, read_file

CONFIG_FILE = "annotator.toml"
PYPROJECT_FILE = "pyproject.toml"
MAX_CONFIG_SIZE = 1024 * 1024  # a config is a few lines; this bounds every pyproject.toml read on the way up too
MAX_NESTING = 32  # tomllib recurses per level: a file nested 100,000 deep would end in RecursionError
# Same as the schema's name pattern; kept here so reading the config does not import pydantic.
ANNOTATOR_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}")
LABEL_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
ATTRIBUTE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
COLOR = re.compile(r"^(#[0-9a-fA-F]{6}|[a-z]+(_[a-z0-9]+)*)$")
ATTRIBUTE_TYPES = ("string", "number", "integer", "boolean", "enum")
TOP_LEVEL_KEYS = (
    "annotator",
    "annotations",
    "documents",
    "suggestions",
    "labels",
    "keys",
    "theme",
    "limits",
    "suggest",
    "quotes",
)
LIMIT_KEYS = ("max_file_size",)
SUGGEST_KEYS = ("on_open", "hedges")
# Same as annotator.suggest.base.SUGGESTER_NAME; kept here so reading the config loads no suggester.
SUGGESTER_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,47}")
# The names of annotator.suggest.builtin.BUILTINS, for the same reason (a test keeps the two the same).
BUILTIN_SUGGESTERS = ("quotes", "numbers", "hedges")
MAX_HEDGE_LENGTH = 200
QUOTES_KEYS = ("threshold", "aliases")
DEFAULT_QUOTE_THRESHOLD = 0.6
MAX_ALIAS_LENGTH = 200  # a name, with its titles, as an attribution writes it
MAX_ALIASES = 10_000  # far more than a newsroom's style book names; bounds what every command reads
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
SIZE = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*(B|KB|MB|GB)?\s*$", re.IGNORECASE)
SIZE_UNITS = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3}
LABEL_KEYS = ("description", "key", "color", "attributes")
ATTRIBUTE_KEYS = ("type", "description", "values")


class ConfigError(Exception):
    """A configuration problem; the message names the file and the key."""


@dataclass(frozen=True)
class SuggestSettings:
    """`[suggest]`: the suggesters `annotator annotate` runs when a document opens
    (names of built-ins), and a project's own hedging words and phrases."""

    on_open: tuple[str, ...] = ()
    hedges: tuple[str, ...] = ()


@dataclass(frozen=True)
class QuoteSettings:
    """`[quotes]`: when two quotes are one utterance (`threshold`, word-level similarity),
    and which person a speaker name means (`aliases`: a name as written -> the canonical name)."""

    threshold: float = DEFAULT_QUOTE_THRESHOLD
    # A plain dict, not a read-only view: the app sends the config to its checker
    # process, and a MappingProxyType cannot be pickled. Nothing writes to it.
    aliases: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Config:
    root: Path
    source: Path | None = None
    annotator: str | None = None
    annotations_dir: str = "annotations"
    document_dirs: tuple[str, ...] = ("seeds",)
    tagset: TagSet = field(default_factory=default_tagset)
    keymap: dict[str, str] = field(default_factory=dict)
    theme: str | None = None  # a Textual theme name; the UI checks it exists
    max_file_size: int = DEFAULT_MAX_FILE_SIZE  # bytes read into memory from one file, at most
    suggestions_dir: str = "suggestions"
    suggest: SuggestSettings = field(default_factory=SuggestSettings)
    quotes: QuoteSettings = field(default_factory=QuoteSettings)

    @property
    def annotations_path(self) -> Path:
        return self.root / self.annotations_dir

    @property
    def suggestions_path(self) -> Path:
        return self.root / self.suggestions_dir

    @cached_property
    def area(self) -> Area:
        """Where the project's files may be read and written: the root and the documents folders."""
        return Area.of(self.root, *(self.root / folder for folder in self.document_dirs))

    def area_for(self, path: Path) -> Area:
        """The area a file given by path is read in: the project's, if the path (as
        written, before links) lies in the project; else the file's own folder. A
        link planted in the project cannot lead out of it; a file named outside any
        project can still be read, but not through a link out of its folder."""
        absolute = Path(os.path.abspath(path))
        area = self.area
        root = Path(os.path.abspath(self.root))
        if absolute == root or absolute.is_relative_to(root) or absolute in area:
            return area
        return Area.of(absolute.parent)


def find_root(start: Path) -> tuple[Path, Path | None, dict[str, Any] | None]:
    """(root, config file, raw config table) for the project around `start`."""
    start = start.resolve()
    configured = _nearest(str(start), {}, _has_config)
    if configured is not None:
        folder = Path(configured)
        candidate = folder / CONFIG_FILE
        if os.path.lexists(candidate):
            return folder, candidate, _read_toml(candidate)
        pyproject = folder / PYPROJECT_FILE
        return folder, pyproject, _tool_table(pyproject, _read_toml(pyproject))
    versioned = _nearest(str(start), {}, _has_git)
    return (Path(versioned) if versioned is not None else start), None, None


def project_root(path: Path) -> Path | None:
    """The root of the project a file lies in (searched as find_root does, from the file's folder up),
    or None when no folder above it marks a project. Raises ConfigError for an unreadable config file."""
    return _ProjectRoots().of(path)


def configs_of(files: Sequence[Path], fallback: Config) -> list[Config]:
    """Each file's configuration: that of the project it lies in, else `fallback` (the working directory's).
    Files of one project share one Config, read once. Raises ConfigError."""
    roots = _ProjectRoots()
    loaded: dict[Path, Config] = {}
    result = []
    for path in files:
        root = roots.of(path)
        if root is None:
            result.append(fallback)
            continue
        if root not in loaded:
            loaded[root] = fallback if root.resolve() == fallback.root.resolve() else load_config(root)
        result.append(loaded[root])
    return result


class _ProjectRoots:
    """find_root's search for many files, each folder looked at once: a corpus has thousands of files
    in a few folders. Folders are made absolute, not resolved (a symlink is where it is shown)."""

    def __init__(self) -> None:
        self._configured: dict[str, str | None] = {}  # folder -> nearest folder up with a config
        self._versioned: dict[str, str | None] = {}  # folder -> nearest folder up with .git

    def of(self, path: Path) -> Path | None:
        folder = os.path.dirname(os.path.abspath(path))
        root = _nearest(folder, self._configured, _has_config) or _nearest(folder, self._versioned, _has_git)
        return Path(root) if root is not None else None


def _nearest(folder: str, cache: dict[str, str | None], marked: Callable[[str], bool]) -> str | None:
    visited = []
    while folder not in cache:
        visited.append(folder)
        if marked(folder):
            cache[folder] = folder
            break
        parent = os.path.dirname(folder)
        if parent == folder:  # the file system's root
            cache[folder] = None
            break
        folder = parent
    for seen in visited:
        cache[seen] = cache[folder]
    return cache[folder]


def _has_config(folder: str) -> bool:
    # Whatever is named annotator.toml marks the project: a FIFO or a folder is then refused by
    # _read_toml with a message, not passed over for another project's config. A pyproject.toml
    # may be anyone's: one that leads nowhere (a dangling link) holds no [tool.annotator].
    if os.path.lexists(os.path.join(folder, CONFIG_FILE)):
        return True
    pyproject = Path(folder, PYPROJECT_FILE)
    return pyproject.exists() and _tool_table(pyproject, _read_toml(pyproject)) is not None


def _has_git(folder: str) -> bool:
    return os.path.exists(os.path.join(folder, ".git"))


def load_config(start: Path | None = None, config_file: Path | None = None) -> Config:
    """Find and parse the project configuration, raising ConfigError on problems."""
    if config_file is not None:
        if not os.path.lexists(config_file):
            raise ConfigError(f"{config_file}: config file not found")
        raw = _read_toml(config_file)
        if config_file.name == PYPROJECT_FILE:
            raw = _tool_table(config_file, raw) or {}
        return parse_config(raw, config_file.resolve().parent, config_file)
    root, source, raw = find_root(start or Path.cwd())
    return parse_config(raw or {}, root, source)


def _tool_table(pyproject: Path, document: dict[str, Any]) -> dict[str, Any] | None:
    """`[tool.annotator]` of a pyproject.toml, None when absent, ConfigError when not a table."""
    tool = document.get("tool")
    if tool is None:
        return None
    if not isinstance(tool, dict):
        raise ConfigError(f"{pyproject}: tool: must be a table")
    table = tool.get("annotator")
    if table is not None and not isinstance(table, dict):
        raise ConfigError(f"{pyproject}: tool.annotator: must be a table")
    return table


def _read_toml(path: Path) -> dict[str, Any]:
    """The TOML document in a config file; ConfigError for a file that is not a regular file of
    at most MAX_CONFIG_SIZE bytes of UTF-8 TOML nested at most MAX_NESTING deep."""
    try:
        data = read_file(path, limit=MAX_CONFIG_SIZE, what="config file")
    except FileTooLarge:
        # Not its own message, which says to raise limits.max_file_size: that limit is not the config's.
        raise ConfigError(
            f"{path}: cannot read: the config file has more than 1 MB ({MAX_CONFIG_SIZE:,} bytes); "
            "a config is a few lines of TOML"
        ) from None
    except UnsafeFile as err:
        raise ConfigError(f"{path}: cannot read: {err.reason}") from None
    except OSError as err:
        raise ConfigError(f"{path}: cannot read: {err.strerror or err}") from None
    try:
        text = data.decode("utf-8")  # tomllib.load would raise UnicodeDecodeError, which names no line
    except UnicodeDecodeError as err:
        line_start = data.rfind(b"\n", 0, err.start) + 1
        line = data.count(b"\n", 0, err.start) + 1
        column = len(data[line_start : err.start].decode("utf-8")) + 1  # valid up to the bad byte
        raise ConfigError(
            f"{path}: not UTF-8: byte 0x{data[err.start]:02x} at line {line}, column {column} cannot be decoded; "
            "save the file as UTF-8"
        ) from None
    deep = _too_deep(text)
    if deep is not None:
        line, column = text.count("\n", 0, deep) + 1, deep - text.rfind("\n", 0, deep)
        raise ConfigError(
            f"{path}: invalid TOML: arrays and inline tables nested more than {MAX_NESTING} deep "
            f"(at line {line}, column {column})"
        )
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: invalid TOML: {err}") from None
    except RecursionError:  # a nesting _too_deep missed, read deep in the call stack
        raise ConfigError(f"{path}: invalid TOML: arrays and inline tables nested too deep") from None
    except ValueError as err:  # int() refuses an integer of more digits than this, and tomllib lets it through
        limit = sys.get_int_max_str_digits()
        if "digits" not in str(err):
            raise ConfigError(f"{path}: invalid TOML: {err}") from None
        raise ConfigError(f"{path}: invalid TOML: an integer of more than {limit:,} digits") from None


# What can hold a bracket that does not nest: strings of the four kinds and comments. Each
# alternative matches to its end, or to the end of the line or text when it is not closed, and the
# quantifiers are possessive: a hostile file is scanned once, in linear time, never backtracked.
_TOML_LEXEME = re.compile(
    r'"""(?:[^"\\]|\\[\s\S]?|"(?!""))*+(?:"{3,5}|\Z)'  # multi-line basic string
    r"|'''[\s\S]*?(?:'{3,5}|\Z)"  # multi-line literal string
    r'|"(?:[^"\\\n]|\\.)*+"?'  # basic string
    r"|'[^'\n]*+'?"  # literal string
    r"|#[^\n]*+"  # comment
    r"|[\[\]{}]"
)


def _too_deep(text: str) -> int | None:
    """Where an array or inline table opens more than MAX_NESTING deep (an offset), or None."""
    if text.count("[") + text.count("{") <= MAX_NESTING:
        return None
    depth = 0
    for lexeme in _TOML_LEXEME.finditer(text):
        token = lexeme.group()
        if token in ("[", "{"):
            depth += 1
            if depth > MAX_NESTING:
                return lexeme.start()
        elif token in ("]", "}"):
            depth = max(depth - 1, 0)
    return None


def parse_config(raw: dict[str, Any], root: Path, source: Path | None) -> Config:
    where = str(source) if source else "<defaults>"
    prefix = "tool.annotator." if source is not None and source.name == PYPROJECT_FILE else ""

    def fail(key: str, message: str) -> ConfigError:
        return ConfigError(f"{where}: {prefix}{key}: {message}")

    _reject_unknown(raw, TOP_LEVEL_KEYS, "", fail)
    annotator = raw.get("annotator")
    # The name goes into every file and is a file name, so it must pass the schema's pattern.
    if annotator is not None and not (isinstance(annotator, str) and ANNOTATOR_NAME.fullmatch(annotator)):
        raise fail("annotator", "must be a name of letters, digits, '.', '_', '@', '+' or '-' (at most 64)")
    annotations_dir = raw.get("annotations", "annotations")
    if not isinstance(annotations_dir, str) or not annotations_dir:
        raise fail("annotations", "must be a folder path")
    documents = raw.get("documents", ["seeds"])
    if not (isinstance(documents, list) and all(isinstance(d, str) and d for d in documents)):
        raise fail("documents", "must be a list of folder paths")
    suggestions_dir = raw.get("suggestions", "suggestions")
    if not isinstance(suggestions_dir, str) or not suggestions_dir:
        raise fail("suggestions", "must be a folder path")
    if _nested(root, annotations_dir, suggestions_dir):
        # suggestions/DOC-ID/NAME.json would be read as (and could replace) annotations/DOC-ID/NAME.json.
        raise fail(
            "suggestions",
            f"must be a folder of its own, not the annotations folder {annotations_dir!r}, inside it or around it",
        )
    labels = raw.get("labels", {})
    if not isinstance(labels, dict):
        raise fail("labels", "must be a table of labels")
    raw_keymap = raw.get("keys", {})
    if not isinstance(raw_keymap, dict):
        raise fail("keys", 'must be a table of binding id = "key" (for example "span.delete" = "z")')
    keymap = _parse_keymap(raw_keymap, fail) if raw_keymap else {}
    theme = raw.get("theme")
    if theme is not None and not (isinstance(theme, str) and theme.strip()):
        raise fail("theme", 'must be a theme name such as "textual-dark" or "textual-light"')
    max_file_size = _max_file_size(raw.get("limits", {}), fail)
    suggest = _suggest_settings(raw.get("suggest", {}), fail)
    quotes = _quote_settings(raw.get("quotes", {}), fail)
    tagset = _build_tagset(labels, keymap, fail)
    _check_keymap(keymap, tagset, fail)
    return Config(
        root=root,
        source=source,
        annotator=annotator,
        annotations_dir=annotations_dir,
        document_dirs=tuple(documents),
        tagset=tagset,
        keymap=keymap,
        theme=theme,
        max_file_size=max_file_size,
        suggestions_dir=suggestions_dir,
        suggest=suggest,
        quotes=quotes,
    )


def _nested(root: Path, first: str, second: str) -> bool:
    """Whether two folders of the project are the same, or one lies in the other (as written)."""
    a, b = (Path(os.path.normpath(root / folder)) for folder in (first, second))
    return a == b or a.is_relative_to(b) or b.is_relative_to(a)


def _parse_keymap(raw_keymap: dict[str, Any], fail) -> dict[str, str]:
    """`[keys]`, each key checked and written as Textual names it ("?" is "question_mark")."""
    # annotator.keys is loaded only for a config that remaps or sets keys: validate starts without it.
    from annotator.keys import KeyNameError, parse_keys

    keymap: dict[str, str] = {}
    for binding_id, keys in raw_keymap.items():
        if not (isinstance(keys, str) and keys.strip()):
            raise fail(f"keys.{binding_id}", 'must be a key name such as "x" or "ctrl+k", or several joined by \',\'')
        try:
            keymap[binding_id] = ",".join(parse_keys(keys))
        except KeyNameError as err:
            raise fail(f"keys.{binding_id}", str(err)) from None
    return keymap


def _check_keymap(keymap: dict[str, str], tagset: TagSet, fail) -> None:
    """Every id of `[keys]` names a binding (a label's tag keys included), and no key it gives
    collides with a binding active at the same time."""
    if not keymap:
        return  # the default bindings and label keys are checked by the tests and _build_tagset
    from annotator.keys import all_bindings, keymap_clashes, unknown_binding

    bindings = all_bindings(tagset)
    for binding_id in keymap:
        problem = unknown_binding(binding_id, bindings)
        if problem is not None:
            raise fail(f"keys.{binding_id}", problem)
    clashes = keymap_clashes(keymap, tagset)
    if clashes:
        raise fail(f"keys.{clashes[0].binding.id}", str(clashes[0]))


def _label_key_conflict(letter: str, keymap: dict[str, str]) -> str | None:
    from annotator.keys import label_key_conflict

    return label_key_conflict(letter, keymap)


def _max_file_size(limits: Any, fail) -> int:
    """`[limits] max_file_size`: bytes, or a number with KB, MB or GB."""
    if not isinstance(limits, dict):
        raise fail("limits", 'must be a table, e.g. [limits] max_file_size = "512 MB"')
    _reject_unknown(limits, LIMIT_KEYS, "limits.", fail)
    value = limits.get("max_file_size", DEFAULT_MAX_FILE_SIZE)
    found = SIZE.match(value) if isinstance(value, str) else None
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    if found is not None:
        size = float(found[1]) * SIZE_UNITS[(found[2] or "B").upper()]
        if 1 <= size < float("inf"):  # float() of 400 digits is inf, which int() refuses
            return int(size)
    raise fail("limits.max_file_size", 'must be a size in bytes, or with KB, MB or GB, such as "512 MB"')


def _suggest_settings(table: Any, fail) -> SuggestSettings:
    """`[suggest] on_open = ["quotes", ...]` and `hedges = ["as far as we know", ...]`."""
    if not isinstance(table, dict):
        raise fail("suggest", 'must be a table, e.g. [suggest] on_open = ["quotes", "numbers"]')
    _reject_unknown(table, SUGGEST_KEYS, "suggest.", fail)
    on_open = table.get("on_open", [])
    if not (isinstance(on_open, list) and all(isinstance(n, str) and SUGGESTER_NAME.fullmatch(n) for n in on_open)):
        raise fail("suggest.on_open", 'must be a list of suggester names, e.g. ["quotes", "numbers", "hedges"]')
    unknown = [name for name in on_open if name not in BUILTIN_SUGGESTERS]
    if unknown:
        raise fail(
            "suggest.on_open",
            f"no built-in suggester {', '.join(map(repr, unknown))} (choose from: {', '.join(BUILTIN_SUGGESTERS)}); "
            "other suggesters run with 'annotator suggest'",
        )
    hedges = table.get("hedges", [])
    if not (isinstance(hedges, list) and all(isinstance(h, str) and h.strip() for h in hedges)):
        raise fail("suggest.hedges", "must be a list of words or phrases")
    long = next((h for h in hedges if len(h) > MAX_HEDGE_LENGTH), None)
    if long is not None:
        raise fail("suggest.hedges", f"a phrase has more than {MAX_HEDGE_LENGTH} characters: {long[:40]!r}...")
    return SuggestSettings(tuple(dict.fromkeys(on_open)), tuple(" ".join(h.split()) for h in hedges))


def _quote_settings(table: Any, fail) -> QuoteSettings:
    """`[quotes] threshold = 0.6` and `[quotes.aliases] "SecDef" = "Lloyd Austin"`."""
    if not isinstance(table, dict):
        raise fail("quotes", "must be a table, e.g. [quotes] threshold = 0.6")
    _reject_unknown(table, QUOTES_KEYS, "quotes.", fail)
    return QuoteSettings(_threshold(table.get("threshold", DEFAULT_QUOTE_THRESHOLD), fail), _aliases(table, fail))


def _threshold(value: Any, fail) -> float:
    # bool is an int to Python, and NaN fails every comparison, so neither may slip through as a number.
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value <= 1:
        return float(value)
    raise fail("quotes.threshold", "must be a number greater than 0 and at most 1, e.g. 0.6")


def _aliases(table: dict[str, Any], fail) -> Mapping[str, str]:
    """Each name and canonical name a non-blank string of at most MAX_ALIAS_LENGTH characters,
    whitespace collapsed; no name given twice (case aside) with two different meanings."""
    aliases = table.get("aliases", {})
    if not isinstance(aliases, dict):
        raise fail("quotes.aliases", 'must be a table of name = "canonical name", e.g. "SecDef" = "Lloyd Austin"')
    if len(aliases) > MAX_ALIASES:
        raise fail("quotes.aliases", f"has {len(aliases):,} names; at most {MAX_ALIASES:,}")
    parsed: dict[str, str] = {}
    seen: dict[str, str] = {}  # casefolded name -> the name as the file writes it
    for name, canonical in aliases.items():
        key = f"quotes.aliases.{_toml_key(name)}"
        if not name.strip() or len(name) > MAX_ALIAS_LENGTH:
            raise fail(key, f"a name must be 1 to {MAX_ALIAS_LENGTH} characters, not blank")
        if not (isinstance(canonical, str) and canonical.strip() and len(canonical) <= MAX_ALIAS_LENGTH):
            raise fail(key, f'must be a name of 1 to {MAX_ALIAS_LENGTH} characters, e.g. "Lloyd Austin"')
        written, meant = " ".join(name.split()), " ".join(canonical.split())
        folded = written.casefold()
        if folded in seen and parsed[seen[folded]].casefold() != meant.casefold():
            raise fail(key, f"is {seen[folded]!r} again (case and spacing aside), with another canonical name")
        seen.setdefault(folded, written)
        parsed[written] = meant
    return parsed


def _toml_key(name: str) -> str:
    """A key as TOML would write it in a dotted key; a long one cut short for the message."""
    if _BARE_KEY.fullmatch(name) and len(name) <= 40:
        return name
    shown = name if len(name) <= 40 else name[:40] + "..."
    return '"' + shown.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _reject_unknown(table: dict[str, Any], allowed: tuple[str, ...], key: str, fail) -> None:
    for name in table:
        if name not in allowed:
            raise fail(f"{key}{name}", f"unknown key (expected one of: {', '.join(allowed)})")


def _build_tagset(raw_labels: dict[str, Any], keymap: dict[str, str], fail) -> TagSet:
    labels = {label.name: label for label in default_tagset()}
    for name, table in raw_labels.items():
        key = f"labels.{name}"
        if not LABEL_NAME.fullmatch(name):
            raise fail(key, "label names are lower-case letters, digits, '_' or '-', starting with a letter")
        if not isinstance(table, dict):
            raise fail(key, "must be a table")
        _reject_unknown(table, LABEL_KEYS, key + ".", fail)
        base = labels.get(name)
        if base is None:
            for required in ("description", "key", "color"):
                if required not in table:
                    raise fail(f"{key}.{required}", "is required for a new label")
        description = table.get("description", base.description if base else "")
        shortcut = table.get("key", base.key if base else "")
        color = table.get("color", base.color if base else "")
        if not isinstance(description, str):
            raise fail(f"{key}.description", "must be a string")
        if not (isinstance(shortcut, str) and len(shortcut) == 1 and "a" <= shortcut <= "z"):
            raise fail(f"{key}.key", "must be a single lower-case letter (shift+letter jumps to the next span)")
        # A key the file gives; a default key that a remapped binding takes is that binding's
        # clash, reported under [keys] (_check_keymap).
        taken = _label_key_conflict(shortcut, keymap) if "key" in table else None
        if taken is not None:
            other_labels = {label.key for label in labels.values() if label.name != name}
            free = "".join(
                letter
                for letter in string.ascii_lowercase
                if letter not in other_labels and _label_key_conflict(letter, keymap) is None
            )
            raise fail(f"{key}.key", f"{taken}; choose one of the free letters {free!r}")
        if not (isinstance(color, str) and COLOR.fullmatch(color)):
            raise fail(f"{key}.color", "must be '#rrggbb' or a colour name such as 'magenta'")
        attributes = dict(base.attributes) if base else {}
        raw_attributes = table.get("attributes", {})
        if not isinstance(raw_attributes, dict):
            raise fail(f"{key}.attributes", "must be a table of attributes")
        for attr_name, attr_table in raw_attributes.items():
            attributes[attr_name] = _build_attribute(attr_name, attr_table, f"{key}.attributes.{attr_name}", fail)
        labels[name] = LabelSpec(name, description, shortcut, color, attributes)
    seen: dict[str, str] = {}
    for label in labels.values():
        if label.key in seen:
            first, second = seen[label.key], label.name
            # Name the label whose key the file sets, not a default the user never wrote.
            if "key" not in raw_labels.get(second, {}) and "key" in raw_labels.get(first, {}):
                first, second = second, first
            raise fail(f"labels.{second}.key", f"key {label.key!r} is already used by label {first!r}")
        seen[label.key] = label.name
    return TagSet(labels.values())


def _build_attribute(name: str, table: Any, key: str, fail) -> AttributeSpec:
    if not ATTRIBUTE_NAME.fullmatch(name):
        raise fail(key, "attribute names are lower-case letters, digits or '_', starting with a letter")
    if not isinstance(table, dict):
        raise fail(key, "must be a table with a 'type'")
    _reject_unknown(table, ATTRIBUTE_KEYS, key + ".", fail)
    kind = table.get("type")
    if kind not in ATTRIBUTE_TYPES:
        raise fail(f"{key}.type", f"must be one of: {', '.join(ATTRIBUTE_TYPES)}")
    description = table.get("description", "")
    if not isinstance(description, str):
        raise fail(f"{key}.description", "must be a string")
    values = table.get("values", [])
    if kind == "enum":
        if not (isinstance(values, list) and values and all(isinstance(v, str) for v in values)):
            raise fail(f"{key}.values", "an enum needs a non-empty list of strings")
    elif "values" in table:
        raise fail(f"{key}.values", "only an enum attribute takes values")
    return AttributeSpec(name, kind, description, tuple(values))
