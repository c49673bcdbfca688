"""A Hugging Face ``datasets`` folder for training pipelines (export only).

Needs the optional extra ``pip install 'annotator[hf]'`` (pyarrow). The
``datasets`` library is not needed to export, only to load; pyarrow is
imported only when exporting.

Layout of ``dest`` (a folder), one split, ``train``::

    README.md                           dataset card; its YAML header declares the config and features
    data/train-00000-of-00001.parquet   what load_dataset(dest) reads
    dataset_dict.json                   {"splits": ["train"]}
    train/data-00000-of-00001.arrow     what load_from_disk(dest) reads: an Arrow IPC stream
    train/dataset_info.json             the features, in datasets' JSON form
    train/state.json                    save_to_disk's state: the file list, split, fingerprint

Both loaders open the same folder and give the same ``DatasetDict`` with one
split, ``train``: ``datasets.load_from_disk(dest)`` reads the Arrow layout
``DatasetDict.save_to_disk`` writes, ``datasets.load_dataset(dest)`` reads the
Parquet file named in the card. The Arrow files sit in ``train/`` rather than
at the top, because ``load_dataset`` refuses a folder with a ``state.json`` at
its top ("saved using save_to_disk"); a DatasetDict layout keeps it out of
the way of both. No test split is made: rows of one document (one per
annotator) must stay on one side of a split, which the card shows how to do.

One row per annotation file, in the order of the records. Columns, in order:

* ``id``: the document id; ``annotator``; ``status`` (``in_progress`` or ``done``);
* ``text``: the document text, whole, once per row;
* ``spans``: a list of {``start``, ``end``, ``label``, ``text``, ``id``,
  ``attributes``, ``note``, ``group``} in the file's order. ``start``/``end``
  are code points, half-open: ``text[start:end] == span["text"]`` in Python,
  and the offsets of a fast tokenizer's ``offset_mapping`` count the same way.
  ``attributes`` is a JSON object as a string (keys sorted, ``"{}"`` for none),
  since each label has its own attributes; ``note``/``group`` may be null;
* ``span_starts``, ``span_ends``, ``span_labels``: the same spans' offsets and
  labels as flat lists (what a span or token classifier reads);
  ``span_labels`` is a list of ``ClassLabel`` whose names are the tag set's
  labels in its order (``options["tagset"]``, else the default tag set), so a
  label's number is its place in the tag set;
* ``title``, ``publisher``, ``source``, ``language``, ``published``: the
  document's metadata, null where it has none; ``document_path``: the
  document's path in the project.

The features are declared, not inferred: in ``dataset_info.json``, in the
schema metadata of both files (the ``huggingface`` key, as datasets writes it)
and in the card, so an empty export loads with the right types. They use the
forms datasets 3 and later all read, so that both loaders give equal features
under each: a list of structs is ``[{...}]`` (``list:`` in the card) and a list
of values ``Sequence`` (``sequence:``; datasets 4 and later read it as ``List``).
An empty export opens with ``load_from_disk``; ``load_dataset`` refuses a
split without rows (datasets' own rule), and the card says so.

Memory: records are streamed; rows are gathered into record batches of at most
``BATCH_ROWS`` rows or about ``BATCH_CHARS`` characters of text (documents and
span texts) and each batch is written to the Arrow stream and, as a row group,
to the Parquet file. What is kept of the corpus is counts for the card and the
set of document ids and annotators.

Deterministic: the same records give the same bytes. No time is written; the
fingerprint in ``state.json`` is the first 16 hex digits of the SHA-256 of the
Arrow file. The card holds counts, the tag set's labels and descriptions
(escaped for Markdown), and how to load and use the data; no document text,
title or annotator name.

Written through Staging: the folder appears only once complete; into an
existing folder the files are renamed one by one and other files are left.
A span whose text is not the document's, or whose label is not in the tag set,
is an InteropError naming the annotation file and the span, and nothing is
written. Kept: spans, labels, attributes, notes, groups, span ids, annotator,
status, document metadata. Lost: origin, source, created/modified by/at, the
audit history, rejected and orphaned spans, other tools' records.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from annotator.interop import registry
from annotator.interop.formats import check_unit
from annotator.interop.model import ExportRecord, InteropError
from annotator.interop.output import Staging
from annotator.model.annotation import Span
from annotator.model.tagset import TagSet, default_tagset

NAME = "hf"
OFFSET_UNITS: tuple[str, ...] = registry.offset_units(NAME)
FOLDER_OUTPUT = True  # `dest` is a folder (annotator.interop.output.check_destination)

MISSING = "pyarrow is not installed: pip install 'annotator[hf]'"
SPLIT = "train"
ARROW_FILE = f"{SPLIT}/data-00000-of-00001.arrow"
PARQUET_FILE = f"data/{SPLIT}-00000-of-00001.parquet"
INFO_FILE = f"{SPLIT}/dataset_info.json"
STATE_FILE = f"{SPLIT}/state.json"
DICT_FILE = "dataset_dict.json"
CARD_FILE = "README.md"
FILES = (CARD_FILE, PARQUET_FILE, DICT_FILE, ARROW_FILE, INFO_FILE, STATE_FILE)

# A batch is also a Parquet row group: big enough to compress well, small enough that
# the Python objects it is built from stay a few tens of MB.
BATCH_ROWS = 500
BATCH_CHARS = 8 << 20

META_COLUMNS = ("title", "publisher", "source", "language", "published")
SPAN_FIELDS = ("start", "end", "label", "text", "id", "attributes", "note", "group")
_INTEGER_FIELDS = {"start", "end"}


def outputs(dest: Path) -> tuple[Path, ...]:
    """Every file an export to `dest` writes: the same whatever the records."""
    return tuple(Path(dest) / name for name in FILES)


# -- the features -------------------------------------------------------------------


def _value(dtype: str) -> dict[str, str]:
    return {"dtype": dtype, "_type": "Value"}


def _sequence(feature: dict[str, Any]) -> dict[str, Any]:
    return {"feature": feature, "_type": "Sequence"}


def features(labels: list[str]) -> dict[str, Any]:
    """The columns as datasets' JSON features (dataset_info.json), in column order."""
    span = {name: _value("int64" if name in _INTEGER_FIELDS else "string") for name in SPAN_FIELDS}
    return {
        "id": _value("string"),
        "annotator": _value("string"),
        "status": _value("string"),
        "text": _value("string"),
        "spans": [span],
        "span_starts": _sequence(_value("int64")),
        "span_ends": _sequence(_value("int64")),
        "span_labels": _sequence({"names": list(labels), "_type": "ClassLabel"}),
        **{name: _value("string") for name in META_COLUMNS},
        "document_path": _value("string"),
    }


def _schema(pa: Any, labels: list[str]) -> Any:
    """The Arrow schema of `features`, with them in its metadata as datasets' ArrowWriter puts them."""
    string, integer = pa.string(), pa.int64()
    span = pa.struct([(name, integer if name in _INTEGER_FIELDS else string) for name in SPAN_FIELDS])
    columns = [
        ("id", string),
        ("annotator", string),
        ("status", string),
        ("text", string),
        ("spans", pa.list_(span)),
        ("span_starts", pa.list_(integer)),
        ("span_ends", pa.list_(integer)),
        ("span_labels", pa.list_(integer)),  # ClassLabel: the label's place in the tag set
        *((name, string) for name in META_COLUMNS),
        ("document_path", string),
    ]
    metadata = {"huggingface": orjson.dumps({"info": {"features": features(labels)}})}
    return pa.schema(columns, metadata=metadata)


# -- the rows -----------------------------------------------------------------------


@dataclass
class _Tally:
    """What the card says of the corpus: counts, not contents."""

    labels: list[str]
    rows: int = 0
    spans: int = 0
    documents: set[str] = field(default_factory=set)
    annotators: set[str] = field(default_factory=set)
    per_label: dict[str, int] = field(default_factory=dict)
    done: int = 0


def _span_row(record: ExportRecord, span: Span, label_ids: dict[str, int]) -> dict[str, Any]:
    text = record.document.text
    if text[span.start : span.end] != span.text:
        raise InteropError(
            f"{record.path}: span {span.id} [{span.start}, {span.end}) says its text is {span.text!r}, "
            f"but the document has {text[span.start : span.end]!r} there"
        )
    if span.label not in label_ids:
        raise InteropError(
            f"{record.path}: span {span.id} has label {span.label!r}, which is not in the tag set "
            f"({', '.join(label_ids)})"
        )
    return {
        "start": span.start,
        "end": span.end,
        "label": span.label,
        "text": span.text,
        "id": span.id,
        "attributes": orjson.dumps(span.attributes, option=orjson.OPT_SORT_KEYS).decode(),
        "note": span.note,
        "group": span.group,
    }


def _add_row(columns: dict[str, list[Any]], record: ExportRecord, label_ids: dict[str, int], tally: _Tally) -> None:
    document, file = record.document, record.file
    spans = [_span_row(record, span, label_ids) for span in file.spans]
    meta = document.meta
    row: dict[str, Any] = {
        "id": document.id,
        "annotator": file.annotator,
        "status": file.status,
        "text": document.text,
        "spans": spans,
        "span_starts": [span["start"] for span in spans],
        "span_ends": [span["end"] for span in spans],
        "span_labels": [label_ids[span["label"]] for span in spans],
        **{name: getattr(meta, name) for name in META_COLUMNS},
        "document_path": document.path,
    }
    for name, value in row.items():
        columns[name].append(value)
    tally.rows += 1
    tally.spans += len(spans)
    tally.documents.add(document.id)
    tally.annotators.add(file.annotator)
    tally.done += file.status == "done"
    for span in spans:
        tally.per_label[span["label"]] = tally.per_label.get(span["label"], 0) + 1


def _batches(pa: Any, schema: Any, records: Iterable[ExportRecord], tally: _Tally) -> Iterator[Any]:
    """The records as record batches of at most BATCH_ROWS rows or about BATCH_CHARS characters of text.

    Span texts count too: overlapping spans can hold more text than the document, and
    one string array of a batch holds at most 2 GB."""
    label_ids = {label: number for number, label in enumerate(tally.labels)}
    columns: dict[str, list[Any]] = {name: [] for name in schema.names}
    chars = 0
    for record in records:
        _add_row(columns, record, label_ids, tally)
        chars += len(record.document.text) + sum(len(span.text) for span in record.file.spans)
        if len(columns["id"]) >= BATCH_ROWS or chars >= BATCH_CHARS:
            yield pa.RecordBatch.from_pydict(columns, schema=schema)
            columns = {name: [] for name in schema.names}
            chars = 0
    if columns["id"]:
        yield pa.RecordBatch.from_pydict(columns, schema=schema)


# -- the files ----------------------------------------------------------------------


def _pyarrow() -> tuple[Any, Any]:
    try:
        import pyarrow as pa
        import pyarrow.ipc  # a submodule: pa.ipc is there only once imported
        import pyarrow.parquet as pq
    except ImportError:
        raise ImportError(MISSING, name="pyarrow") from None
    return pa, pq


def _write_tables(stage: Path, records: Iterable[ExportRecord], tally: _Tally) -> None:
    """The Arrow stream and the Parquet file, batch by batch, from one pass over the records."""
    pa, pq = _pyarrow()  # imported by export() already: this only names the modules
    schema = _schema(pa, tally.labels)
    (stage / ARROW_FILE).parent.mkdir()
    (stage / PARQUET_FILE).parent.mkdir()
    with (
        pa.OSFile(str(stage / ARROW_FILE), "wb") as sink,
        pa.ipc.new_stream(sink, schema) as arrow,
        pq.ParquetWriter(str(stage / PARQUET_FILE), schema) as parquet,
    ):
        for batch in _batches(pa, schema, records, tally):
            arrow.write_batch(batch)
            parquet.write_batch(batch)


def _fingerprint(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as data:
        while chunk := data.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()[:16]


def _json(data: Any) -> bytes:
    return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)


def _write_metadata(stage: Path, tally: _Tally, tagset: TagSet) -> None:
    """dataset_dict.json, the split's dataset_info.json and state.json, and the card."""
    info = {
        "citation": "",
        "description": f"News articles with spans labelled {', '.join(tally.labels)}; made by annotator.",
        "features": features(tally.labels),
        "homepage": "",
        "license": "",
    }
    state = {  # save_to_disk's keys, in its (sorted) order
        "_data_files": [{"filename": Path(ARROW_FILE).name}],
        "_fingerprint": _fingerprint(stage / ARROW_FILE),
        "_format_columns": None,
        "_format_kwargs": {},
        "_format_type": None,
        "_output_all_columns": False,
        "_split": SPLIT,
    }
    (stage / DICT_FILE).write_bytes(_json({"splits": [SPLIT]}))
    (stage / INFO_FILE).write_bytes(_json(info))
    (stage / STATE_FILE).write_bytes(_json(state))
    (stage / CARD_FILE).write_bytes(card(tally, tagset).encode("utf-8"))


# -- the dataset card -----------------------------------------------------------------

# What Markdown or HTML would read as markup in a table cell; escaped so that a
# tag set's description shows as the text it is.
_MARKUP = re.compile(r"[\\`*_{}\[\]<>#|~!&]")
_ENTITIES = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _plain(text: str) -> str:
    """`text` on one line, as Markdown shows it literally."""
    text = " ".join(_CONTROL.sub(" ", text).split())
    return _MARKUP.sub(lambda match: _ENTITIES.get(match[0], "\\" + match[0]), text)


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar (a JSON string is one): never read as a number, a boolean or null."""
    return orjson.dumps(text).decode()


def _yaml_type(feature: Any, pad: str) -> list[str]:
    """The YAML lines of one feature in a card's `dataset_info.features`, indented by `pad`."""
    if isinstance(feature, list):  # a list of structs
        lines = [f"{pad}list:"]
        for name, inner in feature[0].items():
            lines += [f"{pad}- name: {name}", *_yaml_type(inner, pad + "  ")]
        return lines
    if feature["_type"] == "Value":
        return [f"{pad}dtype: {feature['dtype']}"]
    # A Sequence: `sequence:`, as datasets 3 writes it, so that it reads the card's types as those of
    # dataset_info.json (`list:` would be a plain list there, not equal to a Sequence).
    inner = feature["feature"]
    if inner["_type"] == "Value":
        return [f"{pad}sequence: {inner['dtype']}"]
    names = [f"{pad}      {_quoted(str(number))}: {_quoted(name)}" for number, name in enumerate(inner["names"])]
    return [f"{pad}sequence:", f"{pad}  class_label:", f"{pad}    names:" + ("" if names else " {}"), *names]


def _size_category(rows: int) -> str:
    """The Hub's size category for `rows` examples."""
    for bound, name in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M")):
        if rows < bound:
            return name
    return "1M<n<10M" if rows < 10_000_000 else "n>10M"


def _card_header(tally: _Tally) -> list[str]:
    lines = [
        "---",
        "configs:",
        "- config_name: default",
        "  data_files:",
        f"  - split: {SPLIT}",
        f"    path: {PARQUET_FILE}",
        "dataset_info:",
        "  features:",
    ]
    for name, feature in features(tally.labels).items():
        lines += [f"  - name: {name}", *_yaml_type(feature, "    ")]
    lines += ["task_categories:", "- token-classification", "size_categories:", f"- {_size_category(tally.rows)}"]
    return [*lines, "tags:", "- annotator", "- span-classification", "---", ""]


def _label_table(tally: _Tally, tagset: TagSet) -> list[str]:
    lines = ["| number | label | spans | description |", "|---|---|---|---|"]
    for number, label in enumerate(tally.labels):
        spec = tagset.get(label)
        description = _plain(spec.description) if spec is not None else ""
        lines.append(f"| {number} | `{label}` | {tally.per_label.get(label, 0)} | {description} |")
    return lines


_COLUMNS = """\
| column | type | what it holds |
|---|---|---|
| `id` | string | the document's id; the rows of a document annotated by several people share it |
| `annotator` | string | who made the annotation file |
| `status` | string | `done` or `in_progress`, as the annotator marked the file |
| `text` | string | the whole document text |
| `spans` | list of structs | each span: `start`, `end`, `label`, `text`, `id`, `attributes` (a JSON object as a string), `note` and `group` (null when none; the fragments of one discontinuous annotation share a group) |
| `span_starts`, `span_ends` | lists of int64 | the spans' offsets, in the order of `spans` |
| `span_labels` | list of class labels | the spans' labels as numbers (see Labels); `features["span_labels"].feature.names` gives the names |
| `title`, `publisher`, `source`, `language`, `published` | string | the document's metadata, null where it has none |
| `document_path` | string | the document's path in the annotation project |
"""

_USAGE = """\
## Offsets

`start` and `end` count Unicode code points and are half-open, as Python
indexes a string: `row["text"][start:end] == span["text"]`. Tools that count
UTF-16 code units (JavaScript) count an emoji outside the Basic Multilingual
Plane as two. A fast tokenizer's `offset_mapping` counts code points too.

## Loading

```python
import json
from datasets import load_dataset, load_from_disk

ds = load_dataset("path/to/this/folder")    # reads data/*.parquet, as the header above declares
ds = load_from_disk("path/to/this/folder")  # reads the Arrow files in train/
train = ds["train"]
row = train[0]
attributes = [json.loads(span["attributes"]) for span in row["spans"]]
```

Both give a `DatasetDict` with one split, `train`. To publish on the Hub,
`README.md` and `data/` are enough: `dataset_dict.json` and `train/` are
there for `load_from_disk`.

## Splitting

A document annotated by several people has a row for each. Split by document,
so that no text is on both sides:

```python
import random

ids = sorted(set(train["id"]))
held_out = set(random.Random(0).sample(ids, k=len(ids) // 10))
test = train.filter(lambda row: row["id"] in held_out)
train = train.filter(lambda row: row["id"] not in held_out)
```

## From spans to token labels

A span classifier can read `span_starts`, `span_ends` and `span_labels` as
they are. For a token classifier, give each token the label of the span it
falls in, as BIO tags. Spans may overlap and one tag cannot hold two, so
below the longer span wins and a span overlapping one already tagged is left
out (or train a tagger per label):

```python
from transformers import AutoTokenizer

tokenizer = AutoTokenizer.from_pretrained("bert-base-cased")  # any fast tokenizer
names = train.features["span_labels"].feature.names
tags = ["O"] + [f"{prefix}-{name}" for name in names for prefix in ("B", "I")]  # B-names[x] is 1 + 2 * x


def token_labels(row):
    encoding = tokenizer(row["text"], return_offsets_mapping=True, truncation=True)
    offsets = encoding["offset_mapping"]  # code points, like the spans; (0, 0) for special tokens
    labels = [0 if end > start else -100 for start, end in offsets]
    spans = sorted(zip(row["span_starts"], row["span_ends"], row["span_labels"]), key=lambda s: s[0] - s[1])
    for start, end, label in spans:
        inside = [i for i, (s, e) in enumerate(offsets) if e > s and s < end and e > start]
        if inside and all(labels[i] == 0 for i in inside):
            labels[inside[0]] = 1 + 2 * label
            for i in inside[1:]:
                labels[i] = 2 + 2 * label
    return {"input_ids": encoding["input_ids"], "labels": labels}


tokenized = train.map(token_labels, remove_columns=train.column_names)
```
"""


_EMPTY = (
    "This export is empty: `load_from_disk` opens it, with every column's type, but `load_dataset`",
    "refuses a split without rows.",
    "",
)


def card(tally: _Tally, tagset: TagSet) -> str:
    """The dataset card: counts, labels, columns and use; no document text, title or annotator name."""
    labels = ", ".join(f"`{label}`" for label in tally.labels)
    lines = [
        *_card_header(tally),
        "# Annotated news spans",
        "",
        f"Spans labelled {labels} in news articles, one row per annotation file",
        "(a document as one annotator annotated it). Made by `annotator export --format hf`",
        "from annotation files that pass `annotator validate`; the same files give the same bytes.",
        "",
        "| | count |",
        "|---|---|",
        f"| rows (annotation files) | {tally.rows} |",
        f"| files marked done | {tally.done} |",
        f"| documents | {len(tally.documents)} |",
        f"| annotators | {len(tally.annotators)} |",
        f"| spans | {tally.spans} |",
        "",
        *_EMPTY * (tally.rows == 0),
        "Left out of the export: each span's origin and who made and changed it when, the audit",
        "history, rejected suggestions, spans orphaned by a changed document, other tools' records.",
        "",
        "## Labels",
        "",
        "The project's tag set, in its order; `span_labels` holds each label's number.",
        "",
        *_label_table(tally, tagset),
        "",
        "## Columns",
        "",
        _COLUMNS,
        _USAGE,
    ]
    return "\n".join(lines)


def _tagset(options: dict) -> TagSet:
    tagset = options.get("tagset")
    return tagset if isinstance(tagset, TagSet) else default_tagset()


def export(records: Iterable[ExportRecord], dest: Path, *, offsets: str = "codepoint", options: dict) -> int:
    """Write `records` as a datasets folder at `dest`; the number of spans written."""
    check_unit(NAME, OFFSET_UNITS, offsets)
    _pyarrow()  # a missing pyarrow is reported before anything is read
    dest = Path(dest)
    if os.path.lexists(dest) and not dest.is_dir():
        raise InteropError(f"{dest}: is not a folder; the {NAME} export writes a folder")
    paths = options.get("paths")
    if paths is not None:
        paths.seal()  # every output is in outputs(dest), already registered: documents need only be compared
    tagset = _tagset(options)
    tally = _Tally(tagset.names())
    dest.parent.mkdir(parents=True, exist_ok=True)
    with Staging() as staging:
        stage = staging.folder(dest)
        _write_tables(stage, records, tally)
        _write_metadata(stage, tally, tagset)
    return tally.spans
