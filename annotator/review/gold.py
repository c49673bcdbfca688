"""Which annotation files are gold (adjudicated) files.

A gold file is recognised by its annotator name or by its content, so that a
gold file under any name is never taken for an annotator's work:

- its annotator is one of the gold names (by default "gold", or the name given
  with --gold), or
- it has rejected candidates (a non-empty `rejected` list), or
- a span or an audit event has origin "adjudicated" or names the spans it was
  adjudicated from (`adjudicated_from`).

The rule is given twice, on a loaded AnnotationFile and on an annotation file's
parsed JSON (for readers that do not build the models, as agreement's corpus
does); a test holds the two to the same verdict. Pure: no I/O, no UI.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from annotator.model.annotation import AnnotationFile

GOLD = "gold"  # the default annotator name of gold files
ADJUDICATED = "adjudicated"


def is_gold(file: AnnotationFile, gold_names: Collection[str] = (GOLD,)) -> bool:
    """A gold file: named so, or carrying adjudication provenance."""
    return file.annotator in gold_names or has_adjudication(file)


def has_adjudication(file: AnnotationFile) -> bool:
    """Rejected candidates, or a span or event that was adjudicated."""
    records = (*file.spans, *file.history)
    return bool(file.rejected) or any(record.origin == ADJUDICATED or record.adjudicated_from for record in records)


def is_gold_data(data: Mapping[str, Any], gold_names: Collection[str] = (GOLD,)) -> bool:
    """is_gold on an annotation file's parsed JSON, read as far as it has the right shape."""
    annotator = data.get("annotator")
    return (isinstance(annotator, str) and annotator in gold_names) or has_adjudication_data(data)


def has_adjudication_data(data: Mapping[str, Any]) -> bool:
    """has_adjudication on an annotation file's parsed JSON."""
    rejected = data.get("rejected")
    if isinstance(rejected, list) and rejected:
        return True
    # Plain loops, no call per record: agreement reads thousands of files (a generator took three times as long).
    for key in ("spans", "history"):
        records = data.get(key)
        for record in records if isinstance(records, list) else ():
            if isinstance(record, dict) and (record.get("origin") == ADJUDICATED or record.get("adjudicated_from")):
                return True
    return False
