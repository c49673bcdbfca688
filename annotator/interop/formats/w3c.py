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

A target source is a file name chosen by whoever wrote the file, so it is
read only if it is a relative path with '/' and no '..' (an absolute path, a
URL or a drive letter is refused, naming the annotation), and only inside
the source folder or the documents folder, links resolved, as a regular file
of at most ``options["limit"]`` bytes (see annotator.interop.sources). A
malformed shape anywhere (``"type": [["Annotation"]]``, a body that is a
number) is an InteropError naming the file and the annotation.
A TextPositionSelector gives the offsets and must agree with the
TextQuoteSelector's ``exact``; with only a quote selector the quote is
searched for, prefix/suffix disambiguate, and no match or several matches is
an error naming the annotation. The file is parsed whole (JSON-LD is one
object; ``.jsonl`` input is parsed line by line). Annotations are grouped into one imported
document per (target source, creator nickname/name).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path, PurePosixPath
from typing import Any

import orjson

from annotator.interop import registry
from annotator.interop.model import ExportRecord, ImportedDocument, ImportedSpan, InteropError
from annotator.interop.output import Staging
from annotator.interop.sources import read_lines, read_source, source_area, source_limit
from annotator.model.document import Document, DocumentError, decode_text
from annotator.storage import Area, UnsafeFile, read_file
from annotator.storage.documents import load_meta

NAME = "w3c"
OFFSET_UNITS: tuple[str, ...] = registry.offset_units(NAME)

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
    with Staging() as staging, staging.open(dest) as out:
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

_END = object()
# A target source that names no file of the project: a URL or another scheme, or a drive letter.
_URL = re.compile(r"(?i)^(?:[a-z][a-z0-9+.-]*://|(?:urn|file|data|https?|ftp|blob|about|javascript|mailto):|[a-z]:)")


def _clip(value: Any, limit: int = 60) -> str:
    """A value from the file, shown in a message: as JSON, at most `limit` characters."""
    try:
        shown = orjson.dumps(value).decode()
    except TypeError:
        shown = repr(value)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _strings(value: Any, name: str, at: str) -> set[str]:
    """A JSON-LD value that is a string or a list of strings (`type`, `purpose`, `motivation`)."""
    items = _as_list(value)
    if not all(isinstance(item, str) for item in items):
        raise InteropError(f"{at}: {name!r} must be a string or a list of strings, not {_clip(value)}")
    return set(items)


def _annotations(source: Path, area: Area, limit: int) -> Iterator[tuple[str, Any]]:
    """(where, annotation) for every annotation in the file."""
    if source.suffix == ".jsonl":
        for lineno, line in read_lines(source, area, limit, "W3C annotation file"):
            if lineno == 1 and line.startswith(b"\xef\xbb\xbf"):
                line = line[3:]
            if line.strip():
                try:
                    yield f"{source}:{lineno}", orjson.loads(line)
                except orjson.JSONDecodeError as err:
                    raise InteropError(f"{source}:{lineno}: invalid JSON: {err.msg}") from None
        return
    data = read_source(source, area, limit, "W3C annotation file")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        root = orjson.loads(data)
    except orjson.JSONDecodeError as err:
        raise InteropError(f"{source}:{err.lineno}:{err.colno}: invalid JSON: {err.msg}") from None
    yield from ((str(source), item) for item in _items(root, source))


def _items(root: Any, source: Path) -> Iterator[Any]:
    """The annotations of a collection, page, annotation or (nested) list of them, in
    order. Iterative: a deeply nested file cannot exhaust Python's stack."""
    pending: list[Iterator[Any]] = [iter((root,))]
    while pending:
        node = next(pending[-1], _END)
        if node is _END:
            pending.pop()
            continue
        if isinstance(node, list):
            pending.append(iter(node))
            continue
        if not isinstance(node, dict):
            raise InteropError(f"{source}: expected an annotation, page or collection, found {_clip(node)}")
        types = _strings(node.get("type"), "type", f"{source}: object {_clip(node.get('id', '?'))}")
        if "Annotation" in types:
            yield node
        elif "AnnotationPage" in types:
            following = node.get("next")
            if isinstance(following, dict):
                pending.append(iter((following,)))
            elif following is not None:
                raise InteropError(
                    f"{source}: page 'next' is a link ({_clip(following)}); only embedded pages are read"
                )
            # The page's items are annotations (a link or anything else is reported by read()).
            pending.append(iter(_as_list(node.get("items"))))
        elif "AnnotationCollection" in types:
            first = node.get("first")
            if first is None:
                continue
            if not isinstance(first, dict):
                raise InteropError(
                    f"{source}: collection 'first' is a link ({_clip(first)}); only embedded pages are read"
                )
            pending.append(iter((first,)))
        else:
            raise InteropError(f"{source}: object of type {sorted(types)!r} is not an Annotation, page or collection")


def _file_target(target: str, at: str) -> str:
    """`target` if it names a file relative to the documents folder; InteropError otherwise."""
    if "://" in target or _URL.match(target):
        raise InteropError(
            f"{at}: target source {target!r} is not a file path of the project; "
            "give the document texts with options['documents']"
        )
    pure = PurePosixPath(target)
    if not target or "\x00" in target or "\\" in target or pure.is_absolute() or ".." in pure.parts:
        raise InteropError(
            f"{at}: target source {target!r} must be a path relative to the documents folder, "
            "with '/' and without '..'; it is not read"
        )
    return target


class _Texts:
    """Document texts by target source, loaded once each.

    A file is read only inside `area` (the source folder and the documents
    folder), a regular file of at most `limit` bytes.
    """

    def __init__(self, source: Path, documents: Any, area: Area, limit: int) -> None:
        self.base = source.parent
        self.mapping: Mapping[str, Any] | None = None
        if isinstance(documents, Mapping):
            self.mapping = documents
        elif documents is not None:
            self.base = Path(documents)
        # Document texts may come from the project too: they are its files already.
        self.area = Area(tuple(dict.fromkeys((*area.roots, *Area.of(self.base).roots))))
        self.limit = limit
        self.cache: dict[str, tuple[str, str, dict[str, str]]] = {}

    def get(self, target: str, at: str) -> tuple[str, str, dict[str, str]]:
        """(doc id, text, meta) for a target source."""
        if target in self.cache:
            return self.cache[target]
        path: Path | None = None
        area = self.area
        if self.mapping is not None:
            if target not in self.mapping:
                raise InteropError(f"{at}: no document given for target source {target!r}")
            value = self.mapping[target]
            if isinstance(value, Document):
                found = (value.id, value.text, {k: v for k, v in value.meta.as_dict().items() if k != "id"})
            elif isinstance(value, str):
                found = (Path(target).stem or target, value, {})
            else:
                path = Path(value)  # named by the caller: read, but not through a link out of its folder
                area = Area.of(path.parent)
        else:
            path = self.base / _file_target(target, at)
        if path is not None:
            try:
                text = decode_text(read_file(path, limit=self.limit, area=area, what="document"), path)
                meta = load_meta(path, area=area)
            except UnsafeFile as err:
                raise InteropError(f"{at}: cannot read document {target!r}: {err.reason}") from None
            except OSError as err:
                raise InteropError(f"{at}: cannot read document {str(path)!r}: {err.strerror or err}") from None
            except DocumentError as err:
                raise InteropError(f"{at}: {err}") from None
            found = (meta.id, text, {k: v for k, v in meta.as_dict().items() if k != "id"})
        self.cache[target] = found
        return found


def _selectors(target: dict, at: str) -> tuple[dict | None, dict | None]:
    quote = position = None
    for selector in _as_list(target.get("selector")):
        if not isinstance(selector, dict):
            continue
        types = _strings(selector.get("type"), "selector type", at)
        if "TextQuoteSelector" in types and quote is None:
            quote = selector
        elif "TextPositionSelector" in types and position is None:
            position = selector
    return quote, position


def _find(text: str, quote: dict, at: str) -> tuple[int, int]:
    exact, prefix, suffix = quote.get("exact"), quote.get("prefix") or "", quote.get("suffix") or ""
    if not isinstance(exact, str) or not exact:
        raise InteropError(f"{at}: TextQuoteSelector has no 'exact'")
    if not isinstance(prefix, str) or not isinstance(suffix, str):
        raise InteropError(f"{at}: TextQuoteSelector 'prefix' and 'suffix' must be strings")
    matches = []
    position = text.find(exact)
    while position != -1:
        end = position + len(exact)
        if text.startswith(suffix, end) and text[:position].endswith(prefix):
            matches.append(position)
        position = text.find(exact, position + 1)
    if not matches:
        raise InteropError(f"{at}: quote {exact!r} not found in the document")
    if len(matches) > 1:
        raise InteropError(
            f"{at}: quote {exact!r} is ambiguous ({len(matches)} matches, at {matches[:5]}); "
            "prefix/suffix do not tell them apart"
        )
    return matches[0], matches[0] + len(exact)


def _bodies(node: dict, at: str) -> tuple[str, dict[str, Any], str | None, str | None]:
    motivation = _strings(node.get("motivation"), "motivation", at)
    label: str | None = None
    attributes: dict[str, Any] = {}
    notes: list[str] = []
    group: str | None = None
    bodies = list(_as_list(node.get("body")))
    if isinstance(node.get("bodyValue"), str):
        bodies.append({"type": "TextualBody", "value": node["bodyValue"]})
    for body in bodies:
        if isinstance(body, str):
            raise InteropError(f"{at}: body {body!r} is a link; only embedded bodies are read")
        if not isinstance(body, dict):
            raise InteropError(f"{at}: a body must be a JSON object, not {_clip(body)}")
        purpose = _strings(body.get("purpose"), "purpose", at) or motivation
        source = body.get("source")
        if "linking" in purpose and isinstance(source, str) and source.startswith(GROUP_PREFIX):
            group = source[len(GROUP_PREFIX) :]
            continue
        value = body.get("value")
        if not isinstance(value, str):
            raise InteropError(f"{at}: body with purpose {sorted(purpose)} has no text value")
        if "tagging" in purpose or "classifying" in purpose:
            if label is not None:
                raise InteropError(f"{at}: more than one tagging body ({label!r}, {value!r})")
            label = value
        elif "describing" in purpose:
            try:
                decoded = orjson.loads(value)
            except orjson.JSONDecodeError:
                decoded = None
            if not isinstance(decoded, dict):
                raise InteropError(f"{at}: describing body {value!r} is not a JSON object of attributes")
            attributes.update(decoded)
        elif "commenting" in purpose:
            notes.append(value)
        else:
            raise InteropError(f"{at}: body purpose {sorted(purpose)} is not supported")
    if label is None:
        raise InteropError(f"{at}: no tagging body gives a label")
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


def _ident(node: dict, number: int, where: str) -> str:
    """How messages name an annotation: its id (clipped), else its number in the file."""
    ident = node.get("id")
    if isinstance(ident, int) and not isinstance(ident, bool):
        ident = str(ident)
    if isinstance(ident, str) and ident:
        return ident if len(ident) <= 120 else ident[:119] + "…"
    return f"#{number} in {where}"


def read(source: Path, *, offsets: str = "codepoint", options: dict) -> Iterator[ImportedDocument]:
    _check_unit(offsets)
    source = Path(source)
    area, limit = source_area(source, options), source_limit(options)
    texts = _Texts(source, options.get("documents"), area, limit)
    documents: dict[tuple[str, str | None], ImportedDocument] = {}
    number = 0
    for where, node in _annotations(source, area, limit):
        number += 1
        if not isinstance(node, dict):
            raise InteropError(f"{where}: annotation #{number} must be a JSON object, not {_clip(node)}")
        at = f"{where}: annotation {_ident(node, number, where)}"
        targets = _as_list(node.get("target"))
        if len(targets) != 1:
            raise InteropError(f"{at}: exactly one target is supported, found {len(targets)}")
        target = targets[0]
        if not isinstance(target, dict) or not isinstance(target.get("source"), str):
            raise InteropError(f"{at}: target has no 'source' and selectors")
        doc_id, text, meta = texts.get(target["source"], at)
        quote, position = _selectors(target, at)
        if position is not None:
            start, end = position.get("start"), position.get("end")
            if not all(isinstance(v, int) and not isinstance(v, bool) for v in (start, end)):
                raise InteropError(f"{at}: TextPositionSelector start/end must be integers")
            if not 0 <= start <= end <= len(text):
                raise InteropError(f"{at}: position [{start}, {end}) is outside the document (length {len(text)})")
            if quote is not None and quote.get("exact") != text[start:end]:
                raise InteropError(
                    f"{at}: TextPositionSelector [{start}, {end}) covers {text[start:end]!r} "
                    f"but TextQuoteSelector exact is {_clip(quote.get('exact'))}"
                )
        elif quote is not None:
            start, end = _find(text, quote, at)
        else:
            raise InteropError(f"{at}: no TextQuoteSelector or TextPositionSelector")
        label, attributes, note, group = _bodies(node, at)
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
                source=_ident(node, number, where),
                text=text[start:end],
                attributes=attributes,
                note=note,
                group=group,
            )
        )
    yield from documents.values()
