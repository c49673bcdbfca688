"""Explain a schema failure with `jsonschema`: one issue per violated keyword.

Only runs on files that the compiled pydantic models rejected.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

_KEYWORD_CODES = {
    "type": "A201",
    "required": "A202",
    "additionalProperties": "A203",
    "unevaluatedProperties": "A203",
    "enum": "A204",
    "const": "A204",
    "pattern": "A205",
    "minimum": "A206",
    "maximum": "A206",
    "exclusiveMinimum": "A206",
    "exclusiveMaximum": "A206",
    "minLength": "A207",
    "maxLength": "A207",
    "minItems": "A207",
    "maxItems": "A207",
}
_JSON_TYPES = {
    dict: "object",
    list: "array",
    str: "string",
    bool: "boolean",
    int: "integer",
    float: "number",
    type(None): "null",
}


@dataclass(frozen=True, slots=True)
class SchemaIssue:
    code: str
    message: str
    path: tuple[str | int, ...]
    at_key: bool = False


def json_type(value: Any) -> str:
    return _JSON_TYPES.get(type(value), type(value).__name__)


@lru_cache(maxsize=1)
def _validator():
    from jsonschema import Draft202012Validator

    from annotator.model.schema import annotation_schema

    return Draft202012Validator(annotation_schema())


def schema_issues(instance: Any) -> list[SchemaIssue]:
    issues: list[SchemaIssue] = []
    for error in _validator().iter_errors(instance):
        issues.extend(_explain(error))
    unique = {(issue.path, issue.code, issue.message): issue for issue in issues}
    return list(unique.values())


def _explain(error) -> Iterator[SchemaIssue]:
    path = tuple(error.absolute_path)
    keyword = error.validator
    instance = error.instance
    schema = error.schema
    if keyword in ("anyOf", "oneOf"):
        yield from _explain_union(error, path)
        return
    if keyword == "required":
        missing = [name for name in error.validator_value if name not in instance]
        for name in missing:
            yield SchemaIssue("A202", f"missing required property {name!r}", path)
        return
    if keyword in ("additionalProperties", "unevaluatedProperties"):
        allowed = sorted(schema.get("properties", {}))
        for name in instance:
            if name not in schema.get("properties", {}):
                yield SchemaIssue(
                    "A203",
                    f"unknown property {name!r} (allowed: {', '.join(allowed)})",
                    (*path, name),
                    at_key=True,
                )
        return
    code = _KEYWORD_CODES.get(keyword, "A209")
    if keyword == "type":
        message = f"expected {_type_words(error.validator_value)}, got {json_type(instance)}"
    elif keyword == "pattern":
        described = schema.get("description", "")
        message = f"{_short(instance)} does not have the required form {error.validator_value!r}"
        if described:
            message += f" ({described.rstrip('.')})"
    elif keyword == "const":
        message = f"must be {error.validator_value!r}, not {_short(instance)}"
    elif keyword == "enum":
        message = f"must be one of {', '.join(map(repr, error.validator_value))}, not {_short(instance)}"
    else:
        message = error.message
    yield SchemaIssue(code, message, path)


def _explain_union(error, path: tuple) -> Iterator[SchemaIssue]:
    # Report the branch the value was meant for: the one whose type matches.
    branches: dict[int, list] = {}
    for sub in error.context:
        branches.setdefault(sub.schema_path[0], []).append(sub)
    matching = [errors for errors in branches.values() if not any(e.validator == "type" and not e.path for e in errors)]
    if len(matching) == 1:
        for sub in matching[0]:
            yield from _explain(sub)
        return
    types = []
    for option in error.validator_value:
        kind = option.get("type") if isinstance(option, dict) else None
        if kind is None and isinstance(option, dict) and "$ref" in option:
            kind = "object"
        if kind:
            types.append(kind)
    if types:
        yield SchemaIssue("A201", f"expected {_type_words(types)}, got {json_type(error.instance)}", path)
    else:
        yield SchemaIssue("A209", error.message, path)


def _type_words(kinds: Any) -> str:
    if isinstance(kinds, str):
        return kinds
    kinds = list(dict.fromkeys(kinds))
    return kinds[0] if len(kinds) == 1 else ", ".join(kinds[:-1]) + " or " + kinds[-1]


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
