"""The annotation file: pydantic models that are the source of the JSON Schema.

Strict mode with extra="forbid", and Python's `re` for patterns, so that the
models and `jsonschema` give the same verdict on every input.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from annotator.anchoring.text_quote import CONTEXT

# Version 2 adds each span's context (prefix, suffix), re-anchoring marks and orphaned spans;
# version 1 files are read as they are and written as version 2.
SCHEMA_VERSION = 2
SCHEMA_VERSIONS = (1, 2)
SCHEMA_ID = "urn:annotator:schema:annotation-file:2"
SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

# Every pattern ends in `(?!\n)$`, not a bare `$`: Python's `$` also matches
# before a final newline ("bob\n" would pass), ECMA-262's `$` does not. With the
# lookahead, Python `re` (pydantic, jsonschema) and ECMA-262 validators agree.
TIMESTAMP_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?Z(?!\n)$"
NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}(?!\n)$"
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}(?!\n)$"
LABEL_PATTERN = r"^[a-z][a-z0-9_-]{0,31}(?!\n)$"
SHA256_PATTERN = r"^[0-9a-f]{64}(?!\n)$"

Origin = Literal["manual", "imported", "suggested", "adjudicated"]
Status = Literal["in_progress", "done"]
Operation = Literal["create", "relabel", "resize", "attributes", "note", "delete", "reanchor", "orphan"]


def _integral_float_to_int(value: Any) -> Any:
    # JSON Schema counts 1.0 as an integer; strict pydantic would not.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _json_integer_literal(value: Any) -> Any:
    # `Literal[1, 2]` compares with `==`, so it would take `true` (True == 1);
    # JSON Schema's `enum` and `"type": "integer"` do not.
    if isinstance(value, bool):
        raise PydanticCustomError("literal_error", "Input should be {expected}", {"expected": "1 or 2"})
    return _integral_float_to_int(value)


Count = Annotated[int, Field(ge=0), BeforeValidator(_integral_float_to_int)]
SchemaVersion = Annotated[Literal[1, 2], BeforeValidator(_json_integer_literal)]
Timestamp = Annotated[str, Field(pattern=TIMESTAMP_PATTERN, description="UTC time, RFC 3339 with a Z suffix.")]
Name = Annotated[str, Field(pattern=NAME_PATTERN, description="An annotator's name; also a file name.")]
Identifier = Annotated[str, Field(pattern=ID_PATTERN)]
Label = Annotated[str, Field(pattern=LABEL_PATTERN, description="A label of the project's tag set.")]
AttributeValue = str | bool | int | float
# Attribute names are checked against the tag set, not by pattern: a pattern on
# dict keys becomes `patternProperties`, which JSON Schema does not enforce.
Attributes = dict[str, AttributeValue]


class StrictModel(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", regex_engine="python-re", frozen=True)


class DocumentRef(StrictModel):
    """The document annotated, pinned by the length and hash of its text."""

    id: Identifier
    path: Annotated[str, Field(min_length=1, description="Path relative to the project root, with '/'.")]
    length: Annotated[Count, Field(description="Length of the text in code points.")]
    sha256: Annotated[str, Field(pattern=SHA256_PATTERN, description="SHA-256 of the text as UTF-8.")]


Group = Annotated[
    Identifier | None,
    Field(description="Fragments of one discontinuous annotation share a group id (brat: '0 5;16 23')."),
]


class SpanState(StrictModel):
    """The audited content of a span, as recorded before and after a change."""

    start: Count
    end: Count
    label: Label
    text: str
    attributes: Attributes = Field(default_factory=dict)
    note: str | None = None
    group: Group = None


class SourceSpan(StrictModel):
    """An annotator's span that a gold span was adjudicated from."""

    annotator: Name
    span: Identifier


AdjudicatedFrom = Annotated[
    list[SourceSpan] | None,
    Field(
        description=(
            "Gold files: the annotators' spans this span was accepted from (origin 'adjudicated'). "
            "Who adjudicated it and when are created_by and created_at."
        )
    ),
]


class Reanchored(StrictModel):
    """Where a changed span was before re-anchoring moved it onto edited text."""

    start: Count
    end: Count
    text: Annotated[str, Field(description="The span's text before the document changed.")]
    score: Annotated[float, Field(ge=0, le=1, description="How well the new place matched (1: exactly).")]
    at: Timestamp


class Span(StrictModel):
    """A labelled character range `[start, end)` in code points."""

    id: Identifier
    start: Annotated[Count, Field(description="First code point, inclusive.")]
    end: Annotated[Count, Field(description="Last code point, exclusive.")]
    label: Label
    text: Annotated[str, Field(description="Exactly the document text in [start, end).")]
    attributes: Attributes = Field(default_factory=dict)
    note: str | None = None
    group: Group = None
    origin: Origin = "manual"
    source: Annotated[
        str | None,
        Field(description="Where an imported span came from (FILE#RECORD), or a suggested one (NAME@VERSION#ID)."),
    ] = None
    adjudicated_from: AdjudicatedFrom = None
    prefix: Annotated[
        str | None,
        Field(
            max_length=CONTEXT,
            description=(
                "Up to 32 code points of the document before the span (fewer at its start), as the W3C "
                "TextQuoteSelector's prefix: with `text` and `suffix`, how the span is found again when the "
                "document changed. Derived from the document when the file is written."
            ),
        ),
    ] = None
    suffix: Annotated[
        str | None,
        Field(max_length=CONTEXT, description="Up to 32 code points of the document after the span."),
    ] = None
    reanchored: Annotated[
        Reanchored | None,
        Field(description="Set when re-anchoring placed the span on text that changed: review it, then clear it."),
    ] = None
    created_by: Name
    created_at: Timestamp
    modified_by: Name
    modified_at: Timestamp

    def state(self) -> SpanState:
        return SpanState(
            start=self.start,
            end=self.end,
            label=self.label,
            text=self.text,
            attributes=self.attributes,
            note=self.note,
            group=self.group,
        )


class AuditEvent(StrictModel):
    """One change to one span. Events are chained by hash and only ever appended."""

    seq: Annotated[Count, Field(description="1, 2, 3, ... in order.")]
    at: Timestamp
    by: Name
    op: Operation
    span: Identifier
    origin: Origin = "manual"
    source: str | None = None
    adjudicated_from: AdjudicatedFrom = None
    before: SpanState | None = None
    after: SpanState | None = None
    hash: Annotated[
        str,
        Field(pattern=SHA256_PATTERN, description="SHA-256 of the previous hash and this event."),
    ]


class ForeignRecord(StrictModel):
    """An annotation from another tool that annotator keeps but cannot edit
    (a brat relation, event or normalisation), exported back unchanged."""

    format: Annotated[str, Field(pattern=LABEL_PATTERN, description="The tool it came from, e.g. 'brat'.")]
    kind: Annotated[str, Field(pattern=LABEL_PATTERN, description="What it is, e.g. 'relation' or 'event'.")]
    id: Annotated[str, Field(min_length=1, description="Its id in the source, e.g. 'R1'.")]
    record: Annotated[str, Field(description="The record as the source wrote it.")]
    spans: Annotated[list[Identifier], Field(description="Ids of the spans it refers to.")] = Field(
        default_factory=list
    )
    source: str | None = None


class Rejection(StrictModel):
    """A candidate this file leaves out: an annotator's span the adjudicator rejected
    (gold files), or a suggestion the annotator rejected."""

    annotator: Annotated[Name, Field(description="Whose span it is: an annotator, or a suggester's name.")]
    span: Identifier
    start: Count
    end: Count
    label: Label
    text: str
    by: Annotated[Name, Field(description="Who rejected it: the adjudicator, or the annotator.")]
    at: Timestamp


class Orphan(StrictModel):
    """A span that left `spans` because the document changed under it: kept, never dropped."""

    span: Annotated[Span, Field(description="The span as it was, on the document's old text.")]
    reason: str
    at: Timestamp
    by: Name


class AnnotationFile(StrictModel):
    """The annotations of one annotator on one document."""

    model_config = ConfigDict(title="annotator annotation file")

    schema_version: SchemaVersion
    document: DocumentRef
    annotator: Name
    status: Status = "in_progress"
    spans: list[Span] = Field(default_factory=list)
    history: list[AuditEvent] = Field(default_factory=list)
    foreign: Annotated[
        list[ForeignRecord], Field(description="Records from other tools, kept for export; not editable.")
    ] = Field(default_factory=list)
    rejected: Annotated[
        list[Rejection],
        Field(description="Candidates left out: annotators' spans (gold files) or suggestions, rejected."),
    ] = Field(default_factory=list)
    orphaned: Annotated[
        list[Orphan],
        Field(description="Spans re-anchoring could not place on the changed document, kept as they were."),
    ] = Field(default_factory=list)
    orphaned_rejected: Annotated[
        list[Rejection],
        Field(
            description=(
                "Rejected candidates re-anchoring could not place on the changed document, kept as they were "
                "(their offsets and text are the old document's)."
            )
        ),
    ] = Field(default_factory=list)
