"""W3C Web Annotation (JSON-LD), export and import.

Export writes ONE JSON-LD file: an ``AnnotationCollection`` whose first (and
only) ``AnnotationPage`` embeds every annotation, one per line::

    {"@context": "http://www.w3.org/ns/anno.jsonld", "type": "AnnotationCollection",
     "label": "annotator export", "first": {"type": "AnnotationPage", "items": [
    {annotation},
    ...
    ]}, "total": N}

(``total`` comes last so the file can be streamed; key order means nothing
in JSON-LD.) Each span becomes::

    {"@context": ..., "id": "urn:annotator:<doc id>:<annotator>:<span id>", "type": "Annotation",
     "motivation": "tagging" (or "commenting" when the span has a note),
     "creator": {"type": "Person", "nickname": created_by},
     "created": created_at, "modified": modified_at,
     "generator": {"type": "Software", "name": "annotator"},
     "body": [{"type": "TextualBody", "purpose": "tagging", "value": label},
              {"type": "TextualBody", "purpose": "describing", "format": "application/json",
               "value": "{\"speaker\":\"minister\"}"},          # one per attribute
              {"type": "TextualBody", "purpose": "commenting", "value": note},
              {"type": "SpecificResource", "purpose": "linking", "source": "urn:annotator:group:<g>"}],
     "target": {"source": <document path>, "selector": [
         {"type": "TextQuoteSelector", "exact", "prefix"?, "suffix"?},   # 32 code points each side
         {"type": "TextPositionSelector", "start", "end"}]}}               # code points

The annotation id names the annotator too (not just doc and span) so that ids
stay unique when several annotators' files go into one collection. Attribute
bodies hold a one-key JSON object, which keeps the value's type and allows any
attribute name. Offsets are code points only, as the W3C model requires.

Kept: offsets, label, attributes, note, group, span creator and times.
Lost: modified_by, origin/source, audit history, status, foreign records and
document metadata (W3C annotations do not carry the document).

Import reads such a collection, a single Annotation, a JSON array of
annotations, an AnnotationPage, or a ``.jsonl`` file of annotations. The
document text is looked up by ``target.source``: in ``options["documents"]``
when given (a folder that the source path is relative to, or a mapping from
source to text, Path or Document), otherwise as a path relative to the
annotation file's folder. Texts are read under the document policy and the
document id comes from its sidecar metadata (else the file stem).
A TextPositionSelector gives the offsets and must agree with the
TextQuoteSelector's ``exact``; with only a quote selector the quote is
searched for, prefix/suffix disambiguate, and no match or several matches is
an error naming the annotation. The file is parsed whole (JSON-LD is one
object; ``.jsonl`` input is parsed line by line). Annotations are grouped into one imported
document per (target source, creator nickname/name).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import orjson

from annotator.interop.model import ExportRecord, ImportedDocument, ImportedSpan, InteropError
from annotator.model.document import Document, DocumentError, decode_text, load_meta

NAME = "w3c"
OFFSET_UNITS: tuple[str, ...] = ("codepoint",)

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
CONTEXT_LIMIT = 32
GROUP_PREFIX = "urn:annotator:group:"
BATCH_BYTES = 1 << 20


def _check_unit(offsets: str) -> None:
    if offsets not in OFFSET_UNITS:
        raise InteropError(f"{NAME}: W3C Web Annotation offsets are code points; {offsets!r} is not supported")


# -- export ------------------------------------------------------------------


def annotation(record: ExportRecord, span: Any) -> dict[str, Any]:
    text = record.document.text
    body: list[dict[str, Any]] = [{"type": "TextualBody", "purpose": "tagging", "value": span.label}]
    for name, value in span.attributes.items():
        body.append(
            {
                "type": "TextualBody",
                "purpose": "describing",
                "format": "application/json",
                "value": orjson.dumps({name: value}).decode(),
            }
        )
    if span.note is not None:
        body.append({"type": "TextualBody", "purpose": "commenting", "value": span.note})
    if span.group is not None:
        body.append({"type": "SpecificResource", "purpose": "linking", "source": GROUP_PREFIX + span.group})
    quote: dict[str, Any] = {"type": "TextQuoteSelector", "exact": span.text}
    prefix = text[max(0, span.start - CONTEXT_LIMIT) : span.start]
    suffix = text[span.end : span.end + CONTEXT_LIMIT]
    if prefix:
        quote["prefix"] = prefix
    if suffix:
        quote["suffix"] = suffix
    return {
        "@context": CONTEXT,
        "id": f"urn:annotator:{record.document.id}:{record.file.annotator}:{span.id}",
        "type": "Annotation",
        "motivation": "commenting" if span.note is not None else "tagging",
        "creator": {"type": "Person", "nickname": span.created_by},
        "created": span.created_at,
        "modified": span.modified_at,
        "generator": {"type": "Software", "name": "annotator"},
        "body": body,
        "target": {
            "source": record.document.path,
            "selector": [quote, {"type": "TextPositionSelector", "start": span.start, "end": span.end}],
        },
    }


def export(records: Iterable[ExportRecord], dest: Path, *, offsets: str = "codepoint", options: dict) -> int:
    _check_unit(offsets)
    label = options.get("label", "annotator export")
    head = orjson.dumps({"@context": CONTEXT, "type": "AnnotationCollection", "label": label})
    written = 0
    buffer: list[bytes] = []
    size = 0
    with open(dest, "wb") as out:
        out.write(head[:-1] + b', "first": {"type": "AnnotationPage", "items": [')
        for record in records:
            for span in record.file.spans:
                item = (b",\n" if written else b"\n") + orjson.dumps(annotation(record, span))
                buffer.append(item)
                size += len(item)
                written += 1
            if size >= BATCH_BYTES:
                out.write(b"".join(buffer))
                buffer.clear()
                size = 0
        out.write(b"".join(buffer))
        out.write(b'\n]}, "total": %d}\n' % written)
    return written


# -- import ------------------------------------------------------------------


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _annotations(source: Path) -> Iterator[tuple[str, Any]]:
    """(where, annotation) for every annotation in the file."""
    try:
        data = source.read_bytes()
    except OSError as err:
        raise InteropError(f"{source}: cannot read: {err.strerror}") from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if source.suffix == ".jsonl":
        for lineno, line in enumerate(data.splitlines(), 1):
            if line.strip():
                try:
                    yield f"{source}:{lineno}", orjson.loads(line)
                except orjson.JSONDecodeError as err:
                    raise InteropError(f"{source}:{lineno}: invalid JSON: {err.msg}") from None
        return
    try:
        root = orjson.loads(data)
    except orjson.JSONDecodeError as err:
        raise InteropError(f"{source}:{err.lineno}:{err.colno}: invalid JSON: {err.msg}") from None
    yield from ((str(source), item) for item in _items(root, source))


def _types(node: dict) -> set[str]:
    return set(_as_list(node.get("type")))


def _items(node: Any, source: Path) -> Iterator[Any]:
    if isinstance(node, list):
        for item in node:
            yield from _items(item, source)
        return
    if not isinstance(node, dict):
        raise InteropError(f"{source}: expected an annotation, page or collection, found {type(node).__name__}")
    types = _types(node)
    if "Annotation" in types:
        yield node
    elif "AnnotationPage" in types:
        yield from _as_list(node.get("items"))
        if isinstance(node.get("next"), dict):
            yield from _items(node["next"], source)
        elif node.get("next") is not None:
            raise InteropError(f"{source}: page 'next' is a link ({node['next']!r}); only embedded pages are read")
    elif "AnnotationCollection" in types:
        first = node.get("first")
        if first is None:
            return
        if not isinstance(first, dict):
            raise InteropError(f"{source}: collection 'first' is a link ({first!r}); only embedded pages are read")
        yield from _items(first, source)
    else:
        raise InteropError(f"{source}: object of type {sorted(types)!r} is not an Annotation, page or collection")


class _Texts:
    """Document texts by target source, loaded once each."""

    def __init__(self, source: Path, documents: Any) -> None:
        self.base = source.parent
        self.mapping: Mapping[str, Any] | None = None
        if isinstance(documents, Mapping):
            self.mapping = documents
        elif documents is not None:
            self.base = Path(documents)
        self.cache: dict[str, tuple[str, str, dict[str, str]]] = {}

    def get(self, target: str, where: str) -> tuple[str, str, dict[str, str]]:
        """(doc id, text, meta) for a target source."""
        if target in self.cache:
            return self.cache[target]
        path: Path | None = None
        if self.mapping is not None:
            if target not in self.mapping:
                raise InteropError(f"{where}: no document given for target source {target!r}")
            value = self.mapping[target]
            if isinstance(value, Document):
                found = (value.id, value.text, {k: v for k, v in value.meta.as_dict().items() if k != "id"})
            elif isinstance(value, str):
                found = (Path(target).stem or target, value, {})
            else:
                path = Path(value)
        else:
            if "://" in target or target.startswith("urn:"):
                raise InteropError(f"{where}: target source {target!r} is not a file path; pass options['documents']")
            path = self.base / target
        if path is not None:
            try:
                text = decode_text(path.read_bytes(), path)
                meta = load_meta(path)
            except OSError as err:
                raise InteropError(f"{where}: cannot read document {str(path)!r}: {err.strerror}") from None
            except DocumentError as err:
                raise InteropError(f"{where}: {err}") from None
            found = (meta.id, text, {k: v for k, v in meta.as_dict().items() if k != "id"})
        self.cache[target] = found
        return found


def _selectors(target: dict) -> tuple[dict | None, dict | None]:
    quote = position = None
    for selector in _as_list(target.get("selector")):
        if not isinstance(selector, dict):
            continue
        types = _types(selector)
        if "TextQuoteSelector" in types and quote is None:
            quote = selector
        elif "TextPositionSelector" in types and position is None:
            position = selector
    return quote, position


def _find(text: str, quote: dict, ident: str) -> tuple[int, int]:
    exact, prefix, suffix = quote.get("exact"), quote.get("prefix") or "", quote.get("suffix") or ""
    if not isinstance(exact, str) or not exact:
        raise InteropError(f"annotation {ident}: TextQuoteSelector has no 'exact'")
    matches = []
    at = text.find(exact)
    while at != -1:
        end = at + len(exact)
        if text.startswith(suffix, end) and text[:at].endswith(prefix):
            matches.append(at)
        at = text.find(exact, at + 1)
    if not matches:
        raise InteropError(f"annotation {ident}: quote {exact!r} not found in the document")
    if len(matches) > 1:
        raise InteropError(
            f"annotation {ident}: quote {exact!r} is ambiguous ({len(matches)} matches, at {matches[:5]}); "
            "prefix/suffix do not tell them apart"
        )
    return matches[0], matches[0] + len(exact)


def _bodies(node: dict, ident: str) -> tuple[str, dict[str, Any], str | None, str | None]:
    motivation = set(_as_list(node.get("motivation")))
    label: str | None = None
    attributes: dict[str, Any] = {}
    notes: list[str] = []
    group: str | None = None
    bodies = _as_list(node.get("body"))
    if isinstance(node.get("bodyValue"), str):
        bodies.append({"type": "TextualBody", "value": node["bodyValue"]})
    for body in bodies:
        if isinstance(body, str):
            raise InteropError(f"annotation {ident}: body {body!r} is a link; only embedded bodies are read")
        purpose = set(_as_list(body.get("purpose"))) or motivation
        if "linking" in purpose and isinstance(body.get("source"), str) and body["source"].startswith(GROUP_PREFIX):
            group = body["source"][len(GROUP_PREFIX) :]
            continue
        value = body.get("value")
        if not isinstance(value, str):
            raise InteropError(f"annotation {ident}: body with purpose {sorted(purpose)} has no text value")
        if "tagging" in purpose or "classifying" in purpose:
            if label is not None:
                raise InteropError(f"annotation {ident}: more than one tagging body ({label!r}, {value!r})")
            label = value
        elif "describing" in purpose:
            try:
                decoded = orjson.loads(value)
            except orjson.JSONDecodeError:
                decoded = None
            if not isinstance(decoded, dict):
                raise InteropError(f"annotation {ident}: describing body {value!r} is not a JSON object of attributes")
            attributes.update(decoded)
        elif "commenting" in purpose:
            notes.append(value)
        else:
            raise InteropError(f"annotation {ident}: body purpose {sorted(purpose)} is not supported")
    if label is None:
        raise InteropError(f"annotation {ident}: no tagging body gives a label")
    return label, attributes, "\n\n".join(notes) if notes else None, group


def _creator(node: dict) -> str | None:
    creator = node.get("creator")
    if isinstance(creator, list):
        creator = creator[0] if creator else None
    if isinstance(creator, str):
        return creator
    if isinstance(creator, dict):
        for key in ("nickname", "name"):
            if isinstance(creator.get(key), str):
                return creator[key]
    return None


def read(source: Path, *, offsets: str = "codepoint", options: dict) -> Iterator[ImportedDocument]:
    _check_unit(offsets)
    texts = _Texts(source, options.get("documents"))
    documents: dict[tuple[str, str | None], ImportedDocument] = {}
    for where, node in _annotations(source):
        if not isinstance(node, dict):
            raise InteropError(f"{where}: an annotation must be a JSON object")
        ident = str(node.get("id") or f"#{sum(len(d.spans) for d in documents.values()) + 1} in {where}")
        targets = _as_list(node.get("target"))
        if len(targets) != 1:
            raise InteropError(f"annotation {ident}: exactly one target is supported, found {len(targets)}")
        target = targets[0]
        if not isinstance(target, dict) or not isinstance(target.get("source"), str):
            raise InteropError(f"annotation {ident}: target has no 'source' and selectors")
        doc_id, text, meta = texts.get(target["source"], f"annotation {ident}")
        quote, position = _selectors(target)
        if position is not None:
            start, end = position.get("start"), position.get("end")
            if not all(isinstance(v, int) and not isinstance(v, bool) for v in (start, end)):
                raise InteropError(f"annotation {ident}: TextPositionSelector start/end must be integers")
            if not 0 <= start <= end <= len(text):
                raise InteropError(
                    f"annotation {ident}: position [{start}, {end}) is outside the document (length {len(text)})"
                )
            if quote is not None and quote.get("exact") != text[start:end]:
                raise InteropError(
                    f"annotation {ident}: TextPositionSelector [{start}, {end}) covers {text[start:end]!r} "
                    f"but TextQuoteSelector exact is {quote.get('exact')!r}"
                )
        elif quote is not None:
            start, end = _find(text, quote, ident)
        else:
            raise InteropError(f"annotation {ident}: no TextQuoteSelector or TextPositionSelector")
        label, attributes, note, group = _bodies(node, ident)
        creator = _creator(node)
        key = (target["source"], creator)
        document = documents.get(key)
        if document is None:
            document = documents[key] = ImportedDocument(
                doc_id=doc_id, text=text, source=f"{source}#{target['source']}", annotator=creator, meta=meta
            )
        document.spans.append(
            ImportedSpan(
                start=start,
                end=end,
                label=label,
                source=ident,
                text=text[start:end],
                attributes=attributes,
                note=note,
                group=group,
            )
        )
    yield from documents.values()
