"""The format modules: loading one by its name in the registry, and what they share.

Which formats there are, what each does and its command-line options are
listed once, in annotator.interop.registry. A format module exposes:

    NAME: str
    OFFSET_UNITS: tuple[str, ...]   # supported units; the first is the default
    def export(records, dest, *, offsets, options) -> int        # spans written
    def read(source, *, offsets, options) -> Iterator[ReadItem]   # importable formats only
    def outputs(dest) -> tuple[Path, ...]   # optional: the files an export always writes (default: dest)
    FOLDER_OUTPUT: bool                     # optional: dest is a folder (brat, hf)
    def export_options_for(files) -> dict   # optional: options an export of these files needs (brat's layout)
    def check_options(options) -> None      # optional: InteropError for option values that cannot work,
                                            # checked before anything is read (a usage error)

`read` yields an ImportedDocument per document, or an UnreadableDocument for
one it cannot read, and goes on with the next, so that an import lists every
bad document at once; an InteropError ends the reading (a source that cannot
be read at all).

Rules every module keeps:

- `read` opens its files only through annotator.interop.sources: inside
  `options["area"]` (default: the source folder), regular files only, at most
  `options["limit"]` bytes (per line for line-oriented files).
- `export` writes only through annotator.interop.output.Staging, so that
  nothing is replaced until the whole export has succeeded; a module that
  writes files named by its records (brat) reports each to
  `options["paths"]` first, which refuses one that is an input.
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType

from annotator.interop import registry
from annotator.interop.model import InteropError

# format name -> module in annotator.interop.formats
MODULES: dict[str, str] = {each.name: each.module for each in registry.FORMATS}
EXPORT_FORMATS: tuple[str, ...] = registry.names(registry.Purpose.EXPORT)
IMPORT_FORMATS: tuple[str, ...] = registry.names(registry.Purpose.IMPORT)
# optional dependency (top-level module) -> the extra that installs it
EXTRAS: dict[str, str] = {"spacy": "spacy", "pyarrow": "hf", "datasets": "hf"}
# Control characters but the line feed, which separates the lines of a message.
_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")


class MissingDependency(InteropError):
    """A format needs an optional package that is not installed."""


def missing_dependency(err: ImportError, fmt: str) -> MissingDependency:
    """The message for an optional package a format needs, e.g. spaCy."""
    top = (err.name or "").split(".")[0] or "a package"
    extra = EXTRAS.get(top, top)
    return MissingDependency(f"format {fmt!r} needs {top}, which is not installed: pip install 'annotator[{extra}]'")


@contextmanager
def dependencies_of(fmt: str) -> Iterator[None]:
    """Run a format's export or read: an optional package it imports only then (spaCy)
    and that is missing becomes MissingDependency, with the command that installs it."""
    try:
        yield
    except MissingDependency:
        raise
    except ImportError as err:
        raise missing_dependency(err, fmt) from None


def load_format(name: str, purpose: str = "export") -> ModuleType:
    """The module of format `name` for `purpose` ("export" or "import").

    Raises InteropError for an unknown format, a module not there yet or one
    without the needed function, and MissingDependency for a missing optional package.
    """
    names = EXPORT_FORMATS if purpose == "export" else IMPORT_FORMATS
    if name not in names:
        raise InteropError(f"unknown {purpose} format {name!r} (choose from: {', '.join(names)})")
    module_name = f"{__name__}.{MODULES[name]}"
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as err:
        if err.name is not None and (err.name == module_name or module_name.startswith(err.name + ".")):
            raise InteropError(f"format {name!r} is not available: module {module_name} is missing") from None
        raise missing_dependency(err, name) from None
    except ImportError as err:
        raise missing_dependency(err, name) from None
    function = "export" if purpose == "export" else "read"
    if not callable(getattr(module, function, None)):
        raise InteropError(f"format {name!r} cannot {purpose}: {module_name} has no {function}()")
    units = getattr(module, "OFFSET_UNITS", None)
    if not (isinstance(units, tuple) and units):
        raise InteropError(f"format {name!r}: {module_name} has no OFFSET_UNITS")
    return module


def offset_unit(module: ModuleType, name: str, requested: str | None) -> str:
    """The offset unit to use: `requested` if the format supports it, else its default."""
    units: tuple[str, ...] = module.OFFSET_UNITS
    if requested is None:
        return units[0]
    if requested not in units:
        raise InteropError(f"format {name!r} does not support --offsets {requested} (supported: {', '.join(units)})")
    return requested


def chosen_format(args: argparse.Namespace, purpose: registry.Purpose) -> tuple[ModuleType, str]:
    """The module and the offset unit of `--format` and `--offsets` on the command line.

    InteropError if an option given belongs to another format, or the format
    cannot be loaded or does not count in that unit.
    """
    misplaced = registry.misplaced(args, args.format, purpose)
    if misplaced is not None:
        raise InteropError(misplaced)
    module = load_format(args.format, purpose.value)
    return module, offset_unit(module, args.format, args.offsets)


# -- helpers the format modules share ------------------------------------------


def check_unit(name: str, units: tuple[str, ...], offsets: str) -> str:
    """`offsets` if the format supports it; InteropError otherwise."""
    if offsets not in units:
        raise InteropError(f"{name}: offsets must be one of {', '.join(units)}, not {offsets!r}")
    return offsets


def report(options: dict, message: str, **counts: int) -> None:
    """Send a message to options["report"] (else stderr) and add `counts` to options["stats"]."""
    sink = options.get("report")
    if callable(sink):
        sink(message)
    else:  # no CLI to escape it: a message can quote a file, and a file can hold terminal escapes
        print(_CONTROL.sub(lambda match: repr(match[0])[1:-1], message), file=sys.stderr)
    stats = options.get("stats")
    if isinstance(stats, dict):
        for key, value in counts.items():
            stats[key] = stats.get(key, 0) + value
