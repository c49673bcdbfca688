"""The stable rule codes of `annotator validate`. Codes never change meaning."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    summary: str


RULES: dict[str, Rule] = {
    rule.code: rule
    for rule in (
        # The file itself
        Rule("A101", "unreadable-file", "The file cannot be read."),
        Rule("A102", "not-utf8", "The file is not valid UTF-8 (or is binary)."),
        Rule("A103", "invalid-json", "The file is not valid JSON."),
        Rule("A104", "empty-file", "The file is empty."),
        Rule("A105", "file-too-large", "The file is larger than the validator accepts."),
        Rule("A106", "nesting-too-deep", "The JSON nests deeper than the parser accepts."),
        # The JSON Schema
        Rule("A201", "wrong-type", "A value has the wrong JSON type."),
        Rule("A202", "missing-property", "A required property is missing."),
        Rule("A203", "unknown-property", "A property is not part of the schema."),
        Rule("A204", "value-not-allowed", "A value is not one of the allowed values."),
        Rule("A205", "pattern-mismatch", "A string does not have the required form."),
        Rule("A206", "out-of-range", "A number is below its minimum or above its maximum."),
        Rule("A207", "wrong-length", "A string or list is too short or too long."),
        Rule("A209", "schema-violation", "The file breaks another rule of the JSON Schema."),
        # The document
        Rule("A301", "document-not-found", "The annotated document cannot be found."),
        Rule("A302", "document-changed", "The document changed since annotation (length or SHA-256 differ)."),
        Rule("A303", "document-unreadable", "The document is not valid UTF-8 or cannot be read."),
        Rule("A304", "document-id-mismatch", "The document id differs from the document's own id."),
        Rule("A305", "document-path-invalid", "The document path is absolute or leaves the project."),
        # Spans
        Rule("A401", "offsets-out-of-range", "A span does not satisfy 0 <= start < end <= len(text)."),
        Rule("A402", "text-mismatch", "A span's text differs from document[start:end]."),
        Rule("A403", "unknown-label", "A span's label is not in the tag set."),
        Rule(
            "A404", "attribute-not-allowed", "An attribute is not allowed for the span's label, or has a wrong value."
        ),
        Rule("A405", "duplicate-span-id", "Two spans share an id."),
        Rule("A406", "duplicate-span", "Two spans have the same start, end and label."),
        Rule("A407", "foreign-record-dangling", "A record kept from another tool refers to a span that is not there."),
        Rule(
            "A408",
            "adjudication-sources",
            "A span with origin 'adjudicated' names no source spans, or a span of another origin names some.",
        ),
        Rule("A409", "rejected-text-mismatch", "A rejected candidate's offsets or text do not match the document."),
        Rule("A410", "context-mismatch", "A span's prefix or suffix is not the text around it in the document."),
        # Audit trail
        Rule("A501", "audit-hash-mismatch", "An audit event's hash does not chain: the trail was altered."),
        Rule("A502", "audit-sequence", "Audit events are not numbered 1, 2, 3, ... in order."),
        Rule("A503", "audit-replay", "An audit event does not follow from the events before it."),
        Rule("A504", "audit-span-mismatch", "A span differs from what its audit trail produces."),
        Rule("A505", "audit-missing", "A span has no audit trail, or the trail ends with spans that are missing."),
        Rule("A506", "audit-metadata", "A span's created/modified fields or origin disagree with its trail."),
    )
}
