"""Map other tools' labels onto the project's tag set.

`--map FROM=TO` renames a label; a label that is not in the tag set after
mapping is an error that lists every such label with its count, across the
whole import, unless `--drop-unmapped` (then its spans are dropped and
counted).

Attributes: an attribute the tag set does not allow on the (mapped) label, or
a value of the wrong type, is dropped with a warning that names the label, the
attribute and how many spans had it. An import must produce valid files, and
other tools carry attributes the tag set has no place for; dropping them keeps
the spans while the warning says exactly what was lost.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import replace

from annotator.interop.model import ImportedDocument, InteropError
from annotator.model.tagset import TagSet

FROM_TO = re.compile(r"^([^=]+)=([^=]+)$")


def parse_mapping(items: Iterable[str], tagset: TagSet | None = None) -> dict[str, str]:
    """`FROM=TO` strings to a dict; InteropError for a malformed item, a FROM given
    twice or (with `tagset`) a TO that is not in the tag set."""
    mapping: dict[str, str] = {}
    for item in items:
        match = FROM_TO.match(item)
        if match is None or not match[1].strip() or not match[2].strip():
            raise InteropError(f"--map {item!r}: expected FROM=TO, e.g. --map PERSON_QUOTE=quote")
        source, target = match[1].strip(), match[2].strip()
        if source in mapping and mapping[source] != target:
            raise InteropError(f"--map {item!r}: {source!r} is already mapped to {mapping[source]!r}")
        if tagset is not None and target not in tagset:
            raise InteropError(
                f"--map {item!r}: {target!r} is not a label of the tag set ({', '.join(tagset.names())})"
            )
        mapping[source] = target
    return mapping


class LabelMapper:
    """Maps the labels of imported documents and counts what does not fit."""

    def __init__(self, tagset: TagSet, mapping: dict[str, str] | None = None, *, drop_unmapped: bool = False) -> None:
        self.tagset = tagset
        self.mapping = dict(mapping or {})
        self.drop_unmapped = drop_unmapped
        self.unmapped: Counter[str] = Counter()  # source label -> spans
        self.dropped_attributes: Counter[tuple[str, str]] = Counter()  # (label, attribute) -> spans

    def reset(self) -> None:
        self.unmapped.clear()
        self.dropped_attributes.clear()

    def map_document(self, doc: ImportedDocument) -> ImportedDocument:
        """A copy of `doc` with labels mapped; spans with unmapped labels are left out
        (and counted) and attributes the tag set does not allow are dropped (and counted)."""
        spans = []
        for span in doc.spans:
            label = self.mapping.get(span.label, span.label)
            spec = self.tagset.get(label)
            if spec is None:
                self.unmapped[span.label] += 1
                continue
            attributes = span.attributes
            if attributes:
                bad = {name for name, _ in self.tagset.attribute_problems(label, attributes)}
                for name in sorted(bad):
                    self.dropped_attributes[(label, name)] += 1
                attributes = {k: v for k, v in attributes.items() if k not in bad}
            if label != span.label or attributes is not span.attributes:
                span = replace(span, label=label, attributes=attributes)
            spans.append(span)
        return replace(doc, spans=spans)

    def map_all(self, docs: Iterable[ImportedDocument]) -> Iterator[ImportedDocument]:
        for doc in docs:
            yield self.map_document(doc)

    def check(self) -> None:
        """Raise InteropError listing every unmapped label, unless dropping them."""
        if self.unmapped and not self.drop_unmapped:
            lines = [f"  {label!r}: {count} span(s)" for label, count in sorted(self.unmapped.items())]
            raise InteropError(
                f"{len(self.unmapped)} label(s) are not in the tag set ({', '.join(self.tagset.names())}); "
                "map them with --map FROM=TO or pass --drop-unmapped; nothing was imported:\n" + "\n".join(lines)
            )

    def warnings(self) -> list[str]:
        """What was dropped, one line each."""
        lines = []
        if self.unmapped and self.drop_unmapped:
            total = sum(self.unmapped.values())
            detail = ", ".join(f"{label!r} ({count})" for label, count in sorted(self.unmapped.items()))
            lines.append(f"dropped {total} span(s) with unmapped labels: {detail}")
        for (label, name), count in sorted(self.dropped_attributes.items()):
            spec = self.tagset.get(label)
            allowed = ", ".join(spec.attributes) if spec is not None and spec.attributes else "none"
            lines.append(
                f"dropped attribute {name!r} from {count} {label} span(s): not allowed or wrong type "
                f"(allowed on {label}: {allowed})"
            )
        return lines
