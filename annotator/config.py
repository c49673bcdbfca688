"""Project configuration: `annotator.toml` or `[tool.annotator]` in `pyproject.toml`.

The project root is the nearest folder, from the working directory up, that
holds either file; without one, the nearest folder with `.git`, else the
working directory. Document paths in annotation files are relative to it.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.model.tagset import RESERVED_KEYS, AttributeSpec, LabelSpec, TagSet, default_tagset

CONFIG_FILE = "annotator.toml"
PYPROJECT_FILE = "pyproject.toml"
# Same as the schema's name pattern; kept here so reading the config does not import pydantic.
ANNOTATOR_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}")
LABEL_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
ATTRIBUTE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
COLOR = re.compile(r"^(#[0-9a-fA-F]{6}|[a-z]+(_[a-z0-9]+)*)$")
ATTRIBUTE_TYPES = ("string", "number", "integer", "boolean", "enum")
TOP_LEVEL_KEYS = ("annotator", "annotations", "documents", "labels", "keys")
LABEL_KEYS = ("description", "key", "color", "attributes")
ATTRIBUTE_KEYS = ("type", "description", "values")


class ConfigError(Exception):
    """A configuration problem; the message names the file and the key."""


@dataclass(frozen=True)
class Config:
    root: Path
    source: Path | None = None
    annotator: str | None = None
    annotations_dir: str = "annotations"
    document_dirs: tuple[str, ...] = ("seeds",)
    tagset: TagSet = field(default_factory=default_tagset)
    keymap: dict[str, str] = field(default_factory=dict)

    @property
    def annotations_path(self) -> Path:
        return self.root / self.annotations_dir


def find_root(start: Path) -> tuple[Path, Path | None, dict[str, Any] | None]:
    """(root, config file, raw config table) for the project around `start`."""
    start = start.resolve()
    for folder in (start, *start.parents):
        candidate = folder / CONFIG_FILE
        if candidate.is_file():
            return folder, candidate, _read_toml(candidate)
        pyproject = folder / PYPROJECT_FILE
        if pyproject.is_file():
            table = _tool_table(pyproject, _read_toml(pyproject))
            if table is not None:
                return folder, pyproject, table
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder, None, None
    return start, None, None


def load_config(start: Path | None = None, config_file: Path | None = None) -> Config:
    """Find and parse the project configuration, raising ConfigError on problems."""
    if config_file is not None:
        if not config_file.is_file():
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
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: invalid TOML: {err}") from None
    except OSError as err:
        raise ConfigError(f"{path}: cannot read: {err.strerror}") from None


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
    labels = raw.get("labels", {})
    if not isinstance(labels, dict):
        raise fail("labels", "must be a table of labels")
    keymap = raw.get("keys", {})
    if not isinstance(keymap, dict):
        raise fail("keys", 'must be a table of binding id = "key" (for example "span.delete" = "x")')
    for binding_id, keys in keymap.items():
        if not (isinstance(keys, str) and keys.strip()):
            raise fail(f"keys.{binding_id}", 'must be a key name such as "x" or "ctrl+k", or several joined by \',\'')
    return Config(
        root=root,
        source=source,
        annotator=annotator,
        annotations_dir=annotations_dir,
        document_dirs=tuple(documents),
        tagset=_build_tagset(labels, fail),
        keymap=dict(keymap),
    )


def _reject_unknown(table: dict[str, Any], allowed: tuple[str, ...], key: str, fail) -> None:
    for name in table:
        if name not in allowed:
            raise fail(f"{key}{name}", f"unknown key (expected one of: {', '.join(allowed)})")


def _build_tagset(raw_labels: dict[str, Any], fail) -> TagSet:
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
        if shortcut in RESERVED_KEYS:
            reserved = "".join(sorted(k for k in RESERVED_KEYS if k.islower()))
            raise fail(f"{key}.key", f"{shortcut!r} is bound by the editor; choose a letter not in {reserved!r}")
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
