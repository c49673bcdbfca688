"""The other tools' formats annotator reads and writes: the one list of them.

Each `Format` names its module in annotator.interop.formats (loaded only
when the format is used) and the offset units it counts in, says in one line for `--help` what it exports and
what it imports (None: it cannot), and declares its own command-line options
as `Option` records. `annotator export` and `annotator import` take their
`--format` choices, their help and their format options from here, and hand
a format the values of its own options in its `options` dict; an option of
another format is a usage error that names the format it belongs to.

Adding a format touches its module, its entry here and its tests.

Standard library only: parsing the command line loads no format and no
pydantic, so `annotator validate` starts as fast as before.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from enum import StrEnum


class Purpose(StrEnum):
    EXPORT = "export"
    IMPORT = "import"


# Offset units a format may count in: code points (Python, spaCy, brat) or
# UTF-16 code units (JavaScript tools: Label Studio, doccano).
OFFSET_CHOICES: tuple[str, ...] = ("codepoint", "utf16")


@dataclass(frozen=True, slots=True)
class Option:
    """A command-line option of one format; its value goes to `options[key]`.

    A `switch` takes no value and is True when given. An option not given
    puts `default` in the options when that is not None, and nothing
    otherwise (the format's own default applies).
    """

    flag: str
    key: str
    help: str
    choices: tuple[str, ...] = ()
    metavar: str | None = None
    switch: bool = False
    default: str | None = None

    @property
    def dest(self) -> str:
        return self.flag.lstrip("-").replace("-", "_")


@dataclass(frozen=True, slots=True)
class Format:
    """One format: its module, what it does for each purpose, its options."""

    name: str
    module: str
    offsets: tuple[str, ...]  # the offset units it counts in, the default first
    exports: str | None = None  # the line in `annotator export --help`
    imports: str | None = None  # the line in `annotator import --help`
    export_options: tuple[Option, ...] = ()
    import_options: tuple[Option, ...] = ()

    def describes(self, purpose: Purpose) -> str | None:
        return self.exports if purpose is Purpose.EXPORT else self.imports

    def options(self, purpose: Purpose) -> tuple[Option, ...]:
        return self.export_options if purpose is Purpose.EXPORT else self.import_options


FORMATS: tuple[Format, ...] = (
    Format(
        "jsonl",
        "jsonl",
        ("codepoint", "utf16"),
        exports="one JSON record per file: text, spans, meta",
        imports="JSONL with text and spans",
    ),
    Format("prodigy", "jsonl", ("codepoint", "utf16"), imports="Prodigy's JSONL: text and spans"),
    Format(
        "spacy",
        "spacy_docbin",
        ("codepoint",),
        exports="a spaCy DocBin, spans in doc.spans['sc']; needs annotator[spacy]",
        export_options=(
            Option(
                "--align",
                "align",
                "how a span that does not fall on token boundaries is aligned: strict skips it, contract and "
                "expand move it to the tokens inside or around it (default: strict); skipped spans are "
                "reported, and --strict makes them an error",
                choices=("strict", "contract", "expand"),
                default="strict",
            ),
            Option(
                "--lang", "lang", "language of the blank tokenizer (default: each document's, then en)", metavar="CODE"
            ),
        ),
    ),
    Format(
        "brat",
        "brat",
        ("codepoint",),
        exports="DOC.txt + DOC.ann standoff files in the --out folder",
        imports="a folder of DOC.txt + DOC.ann standoff files, or a folder per annotator as exported",
    ),
    Format(
        "label-studio",
        "label_studio",
        ("utf16", "codepoint"),
        exports="a JSON list of tasks",
        imports="Label Studio's JSON export",
        import_options=(
            Option(
                "--predictions",
                "predictions",
                "import the tasks' predictions as spans of their model (default: as suggestions, "
                "reviewed in the app like any suggester's)",
                switch=True,
            ),
        ),
        export_options=(
            Option("--as-predictions", "as_predictions", "write spans as predictions, not annotations", switch=True),
        ),
    ),
    Format(
        "doccano",
        "doccano",
        ("utf16", "codepoint"),
        exports="JSONL with [start, end, label]",
        imports="doccano's JSONL",
    ),
    Format(
        "w3c",
        "w3c",
        ("codepoint",),
        exports="W3C Web Annotations with TextQuote and TextPosition selectors",
        imports="W3C Web Annotations",
        export_options=(
            Option(
                "--base-iri",
                "base_iri",
                "the IRI documents are named under in target.source, e.g. https://example.org/corpus/ "
                "(default: each document's file: IRI)",
                metavar="IRI",
            ),
        ),
    ),
    Format(
        "hf",
        "hf_datasets",
        ("codepoint",),
        exports="a Hugging Face dataset folder (Parquet and Arrow, with a dataset card); needs annotator[hf]",
    ),
    Format(
        "conll",
        "conll",
        ("codepoint",),
        exports="token-level BIO tags, CoNLL style, one token a line; offsets in <out>.offsets.jsonl",
        export_options=(
            Option(
                "--label",
                "label",
                "tag only this label (repeat the export for each label): nothing is lost to overlaps of other labels",
                metavar="LABEL",
            ),
            Option(
                "--priority",
                "priority",
                "where spans overlap, keep the label first in this list, e.g. quote,claim,number,hedge "
                "(default: the tag set's order); every span lost to an overlap is reported",
                metavar="LABELS",
            ),
            Option(
                "--scheme",
                "scheme",
                "the tagging scheme (default: BIO, also called IOB2)",
                choices=("bio", "iob1"),
                default="bio",
            ),
        ),
    ),
    Format("csv", "csv_export", ("codepoint", "utf16"), exports="one row per span"),
)

_BY_NAME = {each.name: each for each in FORMATS}


def get(name: str) -> Format | None:
    return _BY_NAME.get(name)


def offset_units(name: str) -> tuple[str, ...]:
    """The offset units format `name` counts in, the default first (its module's OFFSET_UNITS)."""
    return _BY_NAME[name].offsets


def names(purpose: Purpose) -> tuple[str, ...]:
    """The formats that can be used for `purpose`, in the registry's order."""
    return tuple(each.name for each in FORMATS if each.describes(purpose) is not None)


def format_list(purpose: Purpose) -> str:
    """The formats for `purpose`, one a line with its offset units, for `--help`."""
    width = max(len(name) for name in names(purpose)) + 2
    return "\n".join(
        f"  {each.name:<{width}}{each.describes(purpose)} ({', '.join(each.offsets)})"
        for each in FORMATS
        if each.describes(purpose) is not None
    )


def add_arguments(parser: argparse.ArgumentParser, purpose: Purpose) -> None:
    """Each format's own options, in a help group of its own."""
    for each in FORMATS:
        if each.describes(purpose) is None or not each.options(purpose):
            continue
        group = parser.add_argument_group(f"{each.name} options")
        for option in each.options(purpose):
            if option.switch:
                group.add_argument(option.flag, dest=option.dest, action="store_true", help=option.help)
            else:
                group.add_argument(
                    option.flag,
                    dest=option.dest,
                    choices=option.choices or None,
                    metavar=option.metavar,
                    help=option.help,
                )


def misplaced(args: argparse.Namespace, name: str, purpose: Purpose) -> str | None:
    """Why options given on the command line do not fit format `name`, or None if they all do."""
    for each in FORMATS:
        if each.name == name:
            continue
        given = [option.flag for option in each.options(purpose) if _given(args, option)]
        if given:
            verb = "applies" if len(given) == 1 else "apply"
            return f"{' and '.join(given)} {verb} only to --format {each.name}"
    return None


def chosen_options(args: argparse.Namespace, name: str, purpose: Purpose) -> dict[str, object]:
    """The values of format `name`'s own options, by their keys in the format's `options`."""
    chosen: dict[str, object] = {}
    for option in _BY_NAME[name].options(purpose):
        if _given(args, option):
            chosen[option.key] = getattr(args, option.dest)
        elif option.default is not None:
            chosen[option.key] = option.default
    return chosen


def _given(args: argparse.Namespace, option: Option) -> bool:
    value = getattr(args, option.dest, None)
    return bool(value) if option.switch else value is not None
