"""The tag set: labels, their keys and colours, and the attributes each allows."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

AttributeType = Literal["string", "number", "integer", "boolean", "enum"]
AttributeValue = str | bool | int | float
MAX_SAFE_INTEGER = 2**53


@dataclass(frozen=True, slots=True)
class AttributeSpec:
    name: str
    type: AttributeType
    description: str = ""
    values: tuple[str, ...] = ()

    def problem(self, value: AttributeValue) -> str | None:
        """Why `value` is not allowed for this attribute, or None."""
        kind = self.type
        if kind == "boolean":
            ok = isinstance(value, bool)
        elif kind == "integer":
            ok = isinstance(value, int) and not isinstance(value, bool)
        elif kind == "number":
            ok = isinstance(value, int | float) and not isinstance(value, bool)
            if ok and isinstance(value, float) and not math.isfinite(value):
                return f"attribute {self.name!r} must be a finite number"
        elif kind == "enum":
            if isinstance(value, str) and value in self.values:
                return None
            return f"attribute {self.name!r} must be one of {', '.join(map(repr, self.values))}, not {value!r}"
        else:
            ok = isinstance(value, str)
        if ok and isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_SAFE_INTEGER:
            return f"attribute {self.name!r} is an integer beyond ±2**53, which JSON readers cannot keep exactly"
        if ok:
            return None
        return f"attribute {self.name!r} must be {_article(kind)} {kind}, not {type(value).__name__} {value!r}"


def _article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"


@dataclass(frozen=True, slots=True)
class LabelSpec:
    name: str
    description: str
    key: str
    color: str
    attributes: Mapping[str, AttributeSpec] = field(default_factory=dict)


class TagSet:
    """An ordered set of labels. Order gives the numeric keys 1..9."""

    def __init__(self, labels: Iterable[LabelSpec]) -> None:
        self.labels: dict[str, LabelSpec] = {label.name: label for label in labels}

    def __contains__(self, name: object) -> bool:
        return name in self.labels

    def __iter__(self):
        return iter(self.labels.values())

    def __len__(self) -> int:
        return len(self.labels)

    def names(self) -> list[str]:
        return list(self.labels)

    def get(self, name: str) -> LabelSpec | None:
        return self.labels.get(name)

    def attribute_problems(self, label: str, attributes: Mapping[str, AttributeValue]) -> list[tuple[str, str]]:
        """(attribute name, message) for each attribute not allowed on `label`."""
        spec = self.labels.get(label)
        if spec is None:
            return []
        problems = []
        for name, value in attributes.items():
            attribute = spec.attributes.get(name)
            if attribute is None:
                allowed = ", ".join(spec.attributes) or "none"
                problems.append((name, f"attribute {name!r} is not allowed on label {label!r} (allowed: {allowed})"))
            elif (message := attribute.problem(value)) is not None:
                problems.append((name, message))
        return problems


DEFAULT_LABELS: tuple[LabelSpec, ...] = (
    LabelSpec(
        "quote",
        "Words attributed to a named or unnamed speaker, direct or reported.",
        "q",
        "#4ea1ff",
        {"speaker": AttributeSpec("speaker", "string", "Who is quoted, as named in the article.")},
    ),
    LabelSpec(
        "claim",
        "A statement of fact that could be checked.",
        "c",
        "#ff9f43",
        {
            "check_worthiness": AttributeSpec(
                "check_worthiness",
                "enum",
                "How much the claim deserves a fact-check.",
                ("high", "medium", "low"),
            )
        },
    ),
    LabelSpec(
        "hedge",
        "Language that softens or qualifies a statement (may, possibly, reportedly).",
        "h",
        "#b48cff",
    ),
    LabelSpec(
        "number",
        "A quantity, amount, date figure or statistic.",
        "n",
        "#3ddc97",
        {
            "value": AttributeSpec("value", "number", "The quantity as a plain number."),
            "unit": AttributeSpec("unit", "string", "What is counted or measured (USD, people, percent)."),
        },
    ),
)


def default_tagset() -> TagSet:
    return TagSet(DEFAULT_LABELS)
