"""Map other tools' labels and attributes onto the project's tag set.

`--map FROM=TO` renames a label; a label that is not in the tag set after
mapping is an error that lists every such label with its count, across the
whole import, unless `--drop-unmapped` (then its spans are dropped and
counted).

`--map-attribute FROM=TO` renames an attribute before it is checked. The tag
set's attribute names are lower-case (the config allows nothing else), so
another tool's `Mention` or `Individual` is never one of them as it stands:
without a mapping it is dropped like any attribute the tag set has no place
for. Two attributes of a span renamed to one name must agree on its value.

Attributes: an attribute the tag set does not allow on the (mapped) label, or
a value of the wrong type, is dropped with a warning that names the label, the
attribute and how many spans had it. An import must produce valid files, and
other tools carry attributes the tag set has no place for; dropping them keeps
the spans while the warning says exactly what was lost.

Identical spans: two spans of one document with the same offsets and, after
mapping, the same label (brat's `Cue` and `Attribution` both mapped to
`quote`, or one label written twice) are one span of the tag set, so they are
merged into one that keeps every source (`ImportedSpan.merged`), their
attributes and their notes. Attributes that disagree, or two different
discontinuous groups, cannot be merged: that is a problem of the document,
naming both sources. Spans whose stated texts differ are left apart, for the
writer to find the misaligned one. Merges are counted per pair of source
labels and reported.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

from annotator.interop.model import ImportedDocument, ImportedSpan, InteropError
from annotator.model.tagset import TagSet

FROM_TO = re.compile(r"^([^=]+)=([^=]+)$")


def parse_mapping(items: Iterable[str], tagset: TagSet | None = None) -> dict[str, str]:
    """`FROM=TO` strings to a dict; InteropError for a malformed item, a FROM given
    twice or (with `tagset`) a TO that is not in the tag set."""

    def unknown(target: str) -> str | None:
        if tagset is None or target in tagset:
            return None
        return f"{target!r} is not a label of the tag set ({', '.join(tagset.names())})"

    return _pairs(items, "--map", "--map PERSON_QUOTE=quote", unknown)


def parse_attribute_mapping(items: Iterable[str], tagset: TagSet) -> dict[str, str]:
    """`--map-attribute FROM=TO` strings to a dict; InteropError for a malformed item, a FROM
    given twice or a TO that no label of the tag set has."""
    known = sorted({name for label in tagset for name in label.attributes})

    def unknown(target: str) -> str | None:
        if target in known:
            return None
        return f"{target!r} is not an attribute of the tag set ({', '.join(known) or 'it has none'})"

    return _pairs(items, "--map-attribute", "--map-attribute Mention=speaker", unknown)


def _pairs(items: Iterable[str], flag: str, example: str, unknown: Callable[[str], str | None]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for item in items:
        match = FROM_TO.match(item)
        if match is None or not match[1].strip() or not match[2].strip():
            raise InteropError(f"{flag} {item!r}: expected FROM=TO, e.g. {example}")
        source, target = match[1].strip(), match[2].strip()
        if source in mapping and mapping[source] != target:
            raise InteropError(f"{flag} {item!r}: {source!r} is already mapped to {mapping[source]!r}")
        if (problem := unknown(target)) is not None:
            raise InteropError(f"{flag} {item!r}: {problem}")
        mapping[source] = target
    return mapping


@dataclass(frozen=True, slots=True)
class _Merge:
    """Spans merged into one: the source labels they had, and the label they share."""

    sources: tuple[str, ...]  # the source labels, sorted, once each
    label: str


@dataclass(frozen=True, slots=True)
class _Mapped:
    """A span after mapping, and the label it had in the source."""

    span: ImportedSpan
    source_label: str


class LabelMapper:
    """Maps the labels and attributes of imported documents, merges identical spans,
    and counts what does not fit."""

    def __init__(
        self,
        tagset: TagSet,
        mapping: dict[str, str] | None = None,
        *,
        drop_unmapped: bool = False,
        attributes: dict[str, str] | None = None,
    ) -> None:
        self.tagset = tagset
        self.mapping = dict(mapping or {})
        self.attribute_mapping = dict(attributes or {})
        self.drop_unmapped = drop_unmapped
        self.unmapped: Counter[str] = Counter()  # source label -> spans
        self.dropped_attributes: Counter[tuple[str, str]] = Counter()  # (label, attribute) -> spans
        self.merges: Counter[_Merge] = Counter()  # -> spans made by merging
        self.spans_merged = 0  # the spans they were made of

    def reset(self) -> None:
        self.unmapped.clear()
        self.dropped_attributes.clear()
        self.merges.clear()
        self.spans_merged = 0

    def map_document(self, doc: ImportedDocument, problems: list[str]) -> ImportedDocument:
        """A copy of `doc` with labels and attributes mapped and identical spans merged; spans
        with unmapped labels are left out (and counted), attributes the tag set does not allow
        are dropped (and counted). What cannot be mapped or merged is added to `problems`."""
        mapped = []
        for span in doc.spans:
            label = self.mapping.get(span.label, span.label)
            if label not in self.tagset:
                self.unmapped[span.label] += 1
                continue
            attributes = self._allowed(label, self._renamed(span, problems))
            if label != span.label or attributes is not span.attributes:
                mapped.append(_Mapped(replace(span, label=label, attributes=attributes), span.label))
            else:
                mapped.append(_Mapped(span, span.label))
        return replace(doc, spans=self._merged(mapped, problems))

    def _renamed(self, span: ImportedSpan, problems: list[str]) -> dict[str, Any]:
        """The span's attributes under their --map-attribute names."""
        if not self.attribute_mapping or not span.attributes:
            return span.attributes
        renamed: dict[str, Any] = {}
        named_by: dict[str, str] = {}
        for name, value in span.attributes.items():
            target = self.attribute_mapping.get(name, name)
            if target in renamed and renamed[target] != value:
                problems.append(
                    f"span {span.source} [{span.start}, {span.end}) {span.label}: attributes {named_by[target]!r} "
                    f"and {name!r} both become {target!r}, with different values ({renamed[target]!r}, {value!r})"
                )
                continue
            renamed[target] = value
            named_by.setdefault(target, name)
        return renamed

    def _allowed(self, label: str, attributes: dict[str, Any]) -> dict[str, Any]:
        """The attributes the tag set allows on `label`; the others are counted."""
        if not attributes:
            return attributes
        bad = {name for name, _ in self.tagset.attribute_problems(label, attributes)}
        for name in sorted(bad):
            self.dropped_attributes[(label, name)] += 1
        return {k: v for k, v in attributes.items() if k not in bad} if bad else attributes

    def _merged(self, mapped: list[_Mapped], problems: list[str]) -> list[ImportedSpan]:
        """The spans, each set of identical ones made one, in the order they came."""
        groups: dict[tuple[int, int, str], list[_Mapped]] = {}
        for item in mapped:
            groups.setdefault((item.span.start, item.span.end, item.span.label), []).append(item)
        kept: list[ImportedSpan] = []
        for group in groups.values():
            if len({item.span.text for item in group} - {None}) > 1:
                # They state different texts: left apart, for the writer to report the misaligned one.
                kept.extend(item.span for item in group)
            elif len(group) == 1:
                kept.append(group[0].span)
            elif (merged := self._merge(group, problems)) is not None:
                kept.append(merged)
        return kept

    def _merge(self, group: list[_Mapped], problems: list[str]) -> ImportedSpan | None:
        """One span for identical ones, with every source, attribute and note; None (and
        the problems) when their attributes or groups disagree."""
        first = group[0].span
        attributes = dict(first.attributes)
        owner = {name: first.source for name in attributes}
        notes = [first.note] if first.note else []
        group_id = first.group
        failed = False
        for other in (item.span for item in group[1:]):
            at = f"spans {first.source} and {other.source} [{first.start}, {first.end}) {first.label}"
            for name, value in other.attributes.items():
                if attributes.setdefault(name, value) != value:
                    problems.append(
                        f"{at}: cannot be merged: attribute {name!r} is {attributes[name]!r} in {owner[name]} "
                        f"and {value!r} in {other.source}"
                    )
                    failed = True
                owner.setdefault(name, other.source)
            if None not in (group_id, other.group) and other.group != group_id:
                problems.append(f"{at}: cannot be merged: one is in group {group_id}, the other in {other.group}")
                failed = True
            group_id = group_id or other.group
            if other.note and other.note not in notes:
                notes.append(other.note)
        if failed:
            return None
        self.merges[_Merge(tuple(sorted({item.source_label for item in group})), first.label)] += 1
        self.spans_merged += len(group)
        merged = tuple(dict.fromkeys(s for item in group for s in item.span.sources if s != first.source))
        text = next((item.span.text for item in group if item.span.text is not None), None)
        note = "\n".join(notes) or None
        return replace(first, text=text, attributes=attributes, note=note, group=group_id, merged=merged)

    def check(self) -> None:
        """Raise InteropError listing every unmapped label, unless dropping them."""
        if self.unmapped and not self.drop_unmapped:
            lines = [f"  {label!r}: {count} span(s)" for label, count in sorted(self.unmapped.items())]
            raise InteropError(
                f"{len(self.unmapped)} label(s) are not in the tag set ({', '.join(self.tagset.names())}); "
                "map them with --map FROM=TO or pass --drop-unmapped:\n" + "\n".join(lines)
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

    def notes(self) -> list[str]:
        """What was merged, in one line: how many spans, and how many of them per pair of source labels."""
        if not self.merges:
            return []
        ordered = sorted(self.merges.items(), key=lambda item: (item[0].label, item[0].sources))
        detail = ", ".join(
            f"{' + '.join(map(repr, merge.sources))} as {merge.label} ({count})" for merge, count in ordered
        )
        made = sum(self.merges.values())
        return [f"merged {self.spans_merged} spans with identical offsets and label into {made}: {detail}"]
