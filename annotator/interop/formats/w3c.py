"""W3C Web Annotation (JSON-LD), export and import.

Export writes ONE JSON-LD file: an ``AnnotationCollection`` whose first and
only ``AnnotationPage`` embeds every annotation, one per line::

    {"@context": ["http://www.w3.org/ns/anno.jsonld", {"@base": BASE}],
     "id": COLLECTION, "type": "AnnotationCollection", "label": "annotator export",
     "first": {"id": COLLECTION#page1, "type": "AnnotationPage", "partOf": COLLECTION,
               "startIndex": 0, "items": [
    {annotation},
    ...
    ]}, "creator": [{agent}, ...], "total": N}

(``creator`` and ``total`` come last so the file can be streamed; key order
means nothing in JSON-LD.)

Documents are named by absolute IRIs. With ``--base-iri IRI``
(``options["base_iri"]``) a document is ``IRI + its project path``
(percent-encoded, e.g. ``https://example.org/news/docs/a.txt``); without it,
its ``file:`` IRI (the absolute path, as ``pathlib`` writes it). The project
root is ``options["documents"]`` when given, else the project each annotation
file lies in (``annotator.config.project_root``), else the working
directory's. The collection's ``@context`` declares that base as ``@base``
(the project root's ``file:`` IRI by default, from the first file), which
changes the meaning of nothing (every IRI written is absolute) and tells an
import which part of an IRI is the project path. Files of several projects
exported without ``--base-iri`` name the later projects' documents by
``file:`` IRIs outside that base, which an import elsewhere refuses: give
``--base-iri`` to such an export. The collection's ``id`` is
``IRI + the export's file name`` with ``--base-iri`` (so a published export
does not show local paths), else the export's own ``file:`` IRI; the page is
that id with ``#page1``.

Who annotated: every annotation file becomes annotations whose ``creator`` is
the file's annotator, an agent ``{"id": "urn:annotator:annotator:NAME",
"type": "Person", "nickname": NAME}``; the collection's ``creator`` lists
each of them once. A span whose ``created_by`` is not the file's annotator
(a gold file built from others' spans) keeps it as the ``creator`` of its
tagging body: the model lets a body have its own creator. So ``gold.json``
comes back as ``gold.json``, however its spans were made.

Why one page, not one page per annotation file: the model embeds only the
collection's ``first`` page; ``next`` and ``prev`` are links (IRIs), so the
other pages of one self-contained file would be invisible to a reader that
follows the model, and nesting them inside each other would exceed JSON
parsers' depth limits on a real corpus. Putting the file's annotator on each
annotation keeps one page unambiguous however many annotators it holds.

Why the texts are not exported: the model has no place for the target's
content (a target is an external resource), and texts beside the JSON (as
brat writes them) would make the export a folder of files rather than one
self-describing artefact. The IRIs say exactly which document each
annotation is about, and an import that cannot find a text says which one,
where it looked, and to pass ``--docs DIR`` with the texts.

Each span becomes::

    {"@context": ..., "id": "urn:annotator:<doc id>:<annotator>:<span id>", "type": "Annotation",
     "motivation": "tagging" (or "commenting" when the span has a note),
     "creator": {agent of the file's annotator},
     "created": created_at, "modified": modified_at,
     "generator": {"type": "Software", "name": "annotator"},
     "body": [{"type": "TextualBody", "purpose": "tagging", "value": label,
               "creator": {agent of created_by}?},                # only if not the file's annotator
              {"type": "TextualBody", "purpose": "describing", "format": "application/json",
               "value": "{\"speaker\":\"minister\"}"},          # one per attribute
              {"type": "TextualBody", "purpose": "commenting", "value": note},
              {"type": "SpecificResource", "purpose": "linking", "source": "urn:annotator:group:<g>"}],
     "target": {"source": <document IRI>, "selector": [
         {"type": "TextQuoteSelector", "exact", "prefix"?, "suffix"?},   # 32 code points each side
         {"type": "TextPositionSelector", "start", "end"}]}}               # code points

The annotation id names the annotator too, so ids stay unique when several
annotators' files go into one collection. Attribute bodies hold a one-key
JSON object, which keeps the value's type and allows any attribute name.
Offsets are code points only, as the W3C model requires.

Kept: offsets, label, attributes, note, group, the file's annotator, span
creator (on export) and times. Lost: modified_by, origin/source, audit history, status,
foreign records and document metadata. On import a span's body creator is
not restored: an imported span is created by the file's annotator, with
origin ``imported`` and its source naming the annotation.

Import reads such a collection, a single Annotation, a JSON array of
annotations, an AnnotationPage, or a ``.jsonl`` file of annotations. The file
is parsed whole (``.jsonl`` line by line). Annotations are grouped into one
imported document per (document, annotator). The annotator is the
annotation's ``creator`` (its nickname, else its name; an IRI is looked up
among the agents the collection and page list), else the creator of its page,
else of its collection when that names just one.

The document a target source names is found as follows:

- with ``options["documents"]`` a mapping (source string as written -> text,
  Path or Document), there only;
- a relative source (old exports) is a path; an IRI under the ``@base`` of the
  annotation's, page's or collection's ``@context`` is the path after it; an
  ``http(s)`` IRI under no declared base is its URL path;
- a ``file:`` IRI under no declared base is read only if it names a file
  inside an allowed folder; one elsewhere (``file:///etc/passwd``) is
  refused, naming it, and never read;
- a path is looked up in the allowed folders: ``options["documents"]`` (the
  project root; default: the annotation file's folder) and ``options["docs"]``
  (the import's ``--docs`` folder), first as it is, then as shorter and
  shorter tails (``docs/a.txt``, then ``a.txt``), so a folder of texts named
  as in the project or flat both work.

A path with ``..``, a backslash or a NUL byte, or an IRI of another kind
(``urn:``, ``data:``) is refused. Files are read only inside the allowed
folders and the source folder, links resolved, as regular files of at most
``options["limit"]`` bytes (see annotator.interop.sources); the document id
comes from the sidecar metadata, else the file name. A document whose text is
not found is an ``UnreadableDocument``, after the documents read, one per
target source, so the import lists every one (and ``--skip-invalid`` can leave
them out): it names the W3C file, the first annotation on it (its id, else
its number), the document IRI, the paths tried, and says to pass ``--docs
DIR`` with the texts. Every other problem ends the reading with an
InteropError.

A TextPositionSelector gives the offsets and must agree with the
TextQuoteSelector's ``exact``; with only a quote selector the quote is
searched for, prefix/suffix disambiguate, and no match or several matches is
an error naming the annotation. A malformed shape anywhere (``"type":
[["Annotation"]]``, a body that is a number) is an InteropError naming the
file and the annotation.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote, quote_from_bytes, unquote_to_bytes, urlsplit

import orjson

from annotator.config import ConfigError, find_root, project_root
from annotator.interop import registry
from annotator.interop.model import (
    ExportRecord,
    ImportedDocument,
    ImportedSpan,
    InteropError,
    ReadItem,
    UnreadableDocument,
)
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
AGENT_PREFIX = "urn:annotator:annotator:"
PAGE_FRAGMENT = "#page1"
BATCH_BYTES = 1 << 20

# An absolute IRI: a scheme, then no character an IRI cannot hold.
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s\"<>\\^`{|}\x00-\x1f\x7f]*$")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")


def _check_unit(offsets: str) -> None:
    if offsets not in OFFSET_UNITS:
        raise InteropError(f"{NAME}: W3C Web Annotation offsets are code points; {offsets!r} is not supported")


def agent(name: str) -> dict[str, str]:
    """The W3C agent of an annotator: an IRI that names it, and its name."""
    return {"id": AGENT_PREFIX + name, "type": "Person", "nickname": name}


# -- export ------------------------------------------------------------------


def _path_iri(path: str) -> str:
    # Percent-encoded as pathlib's as_uri encodes, so both kinds of IRI decode alike.
    return quote_from_bytes(os.fsencode(path), safe="/")


def _dir_iri(folder: Path) -> str:
    uri = Path(os.path.abspath(folder)).as_uri()
    return uri if uri.endswith("/") else uri + "/"


class _Namer:
    """The IRIs an export gives its documents, its collection and page."""

    def __init__(self, options: dict) -> None:
        self.base_iri = _base_iri(options.get("base_iri"))
        documents = options.get("documents")
        self.root = Path(documents) if isinstance(documents, str | os.PathLike) else None
        self.roots: dict[str, Path] = {}  # annotation file's folder -> its project root

    def base(self, record: ExportRecord | None) -> str | None:
        """The IRI every document path of `record`'s project is written after."""
        if self.base_iri is not None:
            return self.base_iri
        return None if record is None else _dir_iri(self._root(record))

    def document(self, record: ExportRecord) -> str:
        if self.base_iri is not None:
            return self.base_iri + _path_iri(record.document.path)
        return Path(os.path.abspath(self._root(record) / record.document.path)).as_uri()

    def collection(self, dest: Path) -> str:
        if self.base_iri is not None:
            return self.base_iri + quote(dest.name)
        return Path(os.path.abspath(dest)).as_uri()

    def _root(self, record: ExportRecord) -> Path:
        if self.root is not None:
            return self.root
        folder = os.path.dirname(os.path.abspath(record.path))
        if folder not in self.roots:
            self.roots[folder] = _project_root(record.path)
        return self.roots[folder]


def _base_iri(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not _IRI.match(value):
        raise InteropError(
            f"--base-iri {value!r} is not an absolute IRI: give one like https://example.org/corpus/ "
            "(no spaces, quotes or angle brackets)"
        )
    return value


def _project_root(annotation_file: Path) -> Path:
    """The root document paths are relative to, found as `annotator export` finds it."""
    try:
        return project_root(annotation_file) or find_root(Path.cwd())[0]
    except ConfigError as err:
        raise InteropError(f"{annotation_file}: cannot tell which project its document is in: {err}") from None


def annotation(record: ExportRecord, span: Any, source: str) -> dict[str, Any]:
    """The Web Annotation of one span of `record`, its document named `source`."""
    return {
        "@context": CONTEXT,
        "id": f"urn:annotator:{record.document.id}:{record.file.annotator}:{span.id}",
        "type": "Annotation",
        "motivation": "commenting" if span.note is not None else "tagging",
        "creator": agent(record.file.annotator),
        "created": span.created_at,
        "modified": span.modified_at,
        "generator": {"type": "Software", "name": "annotator"},
        "body": _export_bodies(record, span),
        "target": {"source": source, "selector": _export_selectors(record.document.text, span)},
    }


def _export_bodies(record: ExportRecord, span: Any) -> list[dict[str, Any]]:
    tag: dict[str, Any] = {"type": "TextualBody", "purpose": "tagging", "value": span.label}
    if span.created_by != record.file.annotator:
        tag["creator"] = agent(span.created_by)
    body = [tag]
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
    return body


def _export_selectors(text: str, span: Any) -> list[dict[str, Any]]:
    quote_selector: dict[str, Any] = {"type": "TextQuoteSelector", "exact": span.text}
    prefix = text[max(0, span.start - CONTEXT_LIMIT) : span.start]
    suffix = text[span.end : span.end + CONTEXT_LIMIT]
    if prefix:
        quote_selector["prefix"] = prefix
    if suffix:
        quote_selector["suffix"] = suffix
    return [quote_selector, {"type": "TextPositionSelector", "start": span.start, "end": span.end}]


def _head(namer: _Namer, dest: Path, first: ExportRecord | None, label: str) -> bytes:
    """The collection up to its page's first item."""
    collection = namer.collection(dest)
    base = namer.base(first)
    context: Any = CONTEXT if base is None else [CONTEXT, {"@base": base}]
    head = {"@context": context, "id": collection, "type": "AnnotationCollection", "label": label}
    page = {"id": collection + PAGE_FRAGMENT, "type": "AnnotationPage", "partOf": collection, "startIndex": 0}
    return orjson.dumps(head)[:-1] + b', "first": ' + orjson.dumps(page)[:-1] + b', "items": ['


def _tail(agents: dict[str, None], written: int) -> bytes:
    creators = b', "creator": ' + orjson.dumps([agent(name) for name in agents]) if agents else b""
    return b"\n]}" + creators + b', "total": %d}\n' % written


def export(records: Iterable[ExportRecord], dest: Path, *, offsets: str = "codepoint", options: dict) -> int:
    _check_unit(offsets)
    namer = _Namer(options)
    records = iter(records)
    first = next(records, None)  # its project gives the @base the head declares
    agents: dict[str, None] = {}
    written = 0
    buffer: list[bytes] = []
    size = 0
    with Staging() as staging, staging.open(dest) as out:
        out.write(_head(namer, dest, first, options.get("label", "annotator export")))
        for record in _chain(first, records):
            source = namer.document(record)
            if record.file.spans:
                agents.setdefault(record.file.annotator)
            for span in record.file.spans:
                item = (b",\n" if written else b"\n") + orjson.dumps(annotation(record, span, source))
                buffer.append(item)
                size += len(item)
                written += 1
            if size >= BATCH_BYTES:
                out.write(b"".join(buffer))
                buffer.clear()
                size = 0
        out.write(b"".join(buffer))
        out.write(_tail(agents, written))
    return written


def _chain(first: ExportRecord | None, rest: Iterator[ExportRecord]) -> Iterator[ExportRecord]:
    if first is not None:
        yield first
        yield from rest


# -- import: the file's annotations and what they inherit ----------------------

_END = object()


@dataclass(frozen=True, slots=True)
class _Scope:
    """What an annotation takes from the page and collection around it."""

    base: str | None = None  # the @base of the nearest @context that declares one
    creator: str | None = None  # the annotator of the page, else of the collection, if it names one
    agents: Mapping[str, str] = field(default_factory=dict)  # agent IRI -> its name


@dataclass(frozen=True, slots=True)
class _Found:
    """An annotation, where it is, and its scope."""

    where: str  # the file, and the line for .jsonl
    node: Any
    scope: _Scope


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


def _declared_base(node: dict) -> str | None:
    """The absolute @base a node's own @context declares, if any (a relative one tells nothing)."""
    base = None
    for context in _as_list(node.get("@context")):
        if isinstance(context, dict) and isinstance(context.get("@base"), str) and _IRI.match(context["@base"]):
            base = context["@base"]
    return base


def _agent_name(value: Any, agents: Mapping[str, str]) -> str | None:
    """An agent's name: its nickname, else its name, else the name its IRI was given."""
    if isinstance(value, str):
        return agents.get(value, value)
    if isinstance(value, dict):
        for key in ("nickname", "name"):
            if isinstance(value.get(key), str):
                return value[key]
        if isinstance(value.get("id"), str):
            return agents.get(value["id"], value["id"])
    return None


def _enter(node: dict, scope: _Scope) -> _Scope:
    """The scope inside a collection or page: its @base, the agents it describes, and its
    creator when it names just one (several: none of them is every annotation's)."""
    creators = _as_list(node.get("creator"))
    agents = dict(scope.agents)
    for each in creators:
        name = _agent_name(each, {})
        if isinstance(each, dict) and isinstance(each.get("id"), str) and name is not None:
            agents[each["id"]] = name
    names = {_agent_name(each, agents) for each in creators} - {None}
    creator = scope.creator
    if creators:
        creator = names.pop() if len(names) == 1 else None
    return replace(scope, base=_declared_base(node) or scope.base, creator=creator, agents=agents)


def _annotations(source: Path, area: Area, limit: int) -> Iterator[_Found]:
    """Every annotation in the file, in order."""
    if source.suffix == ".jsonl":
        yield from _jsonl(source, area, limit)
        return
    data = read_source(source, area, limit, "W3C annotation file")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        root = orjson.loads(data)
    except orjson.JSONDecodeError as err:
        raise InteropError(f"{source}:{err.lineno}:{err.colno}: invalid JSON: {err.msg}") from None
    yield from _items(root, source)


def _jsonl(source: Path, area: Area, limit: int) -> Iterator[_Found]:
    for lineno, line in read_lines(source, area, limit, "W3C annotation file"):
        if lineno == 1 and line.startswith(b"\xef\xbb\xbf"):
            line = line[3:]
        if line.strip():
            try:
                yield _Found(f"{source}:{lineno}", orjson.loads(line), _Scope())
            except orjson.JSONDecodeError as err:
                raise InteropError(f"{source}:{lineno}: invalid JSON: {err.msg}") from None


def _items(root: Any, source: Path) -> Iterator[_Found]:
    """The annotations of a collection, page, annotation or (nested) list of them, in
    order. Iterative: a deeply nested file cannot exhaust Python's stack."""
    pending: list[tuple[Iterator[Any], _Scope]] = [(iter((root,)), _Scope())]
    while pending:
        node = next(pending[-1][0], _END)
        scope = pending[-1][1]
        if node is _END:
            pending.pop()
        elif isinstance(node, list):
            pending.append((iter(node), scope))
        elif not isinstance(node, dict):
            raise InteropError(f"{source}: expected an annotation, page or collection, found {_clip(node)}")
        else:
            at = f"{source}: object {_clip(node.get('id', '?'))}"
            types = _strings(node.get("type"), "type", at)
            if "Annotation" in types:
                yield _Found(str(source), node, scope)
            else:
                pending.extend(_contents(node, types, _enter(node, scope), source))


def _contents(node: dict, types: set[str], scope: _Scope, source: Path) -> list[tuple[Iterator[Any], _Scope]]:
    """What a page or collection holds, to be read next: last in the list is read first."""
    if "AnnotationPage" in types:
        following = node.get("next")
        if following is not None and not isinstance(following, dict):
            raise InteropError(f"{source}: page 'next' is a link ({_clip(following)}); only embedded pages are read")
        # The page's items are annotations (a link or anything else is reported by read()).
        later = [(iter((following,)), scope)] if following is not None else []
        return [*later, (iter(_as_list(node.get("items"))), scope)]
    if "AnnotationCollection" in types:
        first = node.get("first")
        if first is None:
            return []
        if not isinstance(first, dict):
            raise InteropError(f"{source}: collection 'first' is a link ({_clip(first)}); only embedded pages are read")
        return [(iter((first,)), scope)]
    raise InteropError(f"{source}: object of type {sorted(types)!r} is not an Annotation, page or collection")


# -- import: which document a target source names --------------------------------


@dataclass(frozen=True, slots=True)
class _Target:
    """A document as a target source names it: a path to look up, or a file named outright."""

    path: str | None = None  # relative, '/'-separated: looked up in the folders, then its tails
    file: Path | None = None  # absolute: read only if inside an allowed folder


def _target(source: str, base: str | None, at: str) -> _Target:
    """What `source` names; InteropError if it may not name a file of the project."""
    if base is not None and source.startswith(base) and len(source) > len(base):
        return _Target(path=_safe(_decoded(re.split(r"[?#]", source[len(base) :])[0]), source, at))
    scheme = _SCHEME.match(source)
    if scheme is None:
        return _Target(path=_safe(source, source, at))
    kind = scheme[1].lower()
    if len(kind) == 1:
        raise InteropError(f"{at}: target source {source!r} looks like a Windows path; it is not read")
    if kind == "file":
        return _Target(file=_file_iri(source, at))
    if kind in ("http", "https"):
        path = _decoded(urlsplit(source).path).lstrip("/")
        return _Target(path=_safe(path, source, at))
    raise InteropError(
        f"{at}: target source {source!r} is a {kind}: IRI, which names no document file; it is not read "
        "(name documents by a path, a file: IRI or an http(s) IRI)"
    )


def _decoded(path: str) -> str:
    return os.fsdecode(unquote_to_bytes(path))


def _safe(path: str, source: str, at: str) -> str:
    """`path` if it is relative, with '/' and no '..'; InteropError otherwise."""
    pure = PurePosixPath(path)
    if not path or "\x00" in path or "\\" in path or pure.is_absolute() or ".." in pure.parts:
        raise InteropError(
            f"{at}: target source {source!r} must be a path relative to the documents folder, "
            "with '/' and without '..'; it is not read"
        )
    return path


def _file_iri(source: str, at: str) -> Path:
    parts = urlsplit(source)
    if parts.netloc not in ("", "localhost"):
        raise InteropError(f"{at}: target source {source!r} names a file on another host; it is not read")
    path = _decoded(parts.path)
    if "\x00" in path or not path.startswith("/"):
        raise InteropError(f"{at}: target source {source!r} is not a valid file: IRI; it is not read")
    return Path(os.path.normpath(path))


def _tails(path: str) -> list[str]:
    """`path`, then each shorter tail of it: docs/a.txt, a.txt."""
    parts = [part for part in path.split("/") if part not in ("", ".")]
    return ["/".join(parts[i:]) for i in range(len(parts))]


class _Missing(Exception):
    """No allowed folder holds the text a target source names."""

    def __init__(self, looked: str) -> None:
        super().__init__(looked)
        self.looked = looked  # what was looked for, and where


class _NotThere(Exception):
    """A path looked at holds no file."""


class _Texts:
    """Document texts by target source, loaded once each.

    A file is read only inside `area`: the source folder and the folders
    texts are looked up in, links resolved, a regular file of at most `limit` bytes.
    """

    def __init__(self, source: Path, options: dict, area: Area, limit: int) -> None:
        documents, docs = options.get("documents"), options.get("docs")
        self.mapping = documents if isinstance(documents, Mapping) else None
        project = Path(documents) if isinstance(documents, str | os.PathLike) else source.parent
        folders = [project] + ([Path(docs)] if isinstance(docs, str | os.PathLike) else [])
        self.folders = tuple(dict.fromkeys(Path(os.path.abspath(each)) for each in folders))
        # Document texts may come from the project too: they are its files already.
        self.area = Area(tuple(dict.fromkeys((*area.roots, *Area.of(*self.folders).roots))))
        self.allowed = Area.of(*self.folders)
        self.limit = limit
        self.cache: dict[tuple[str, str | None], tuple[str, str, str, dict[str, str]]] = {}

    def get(self, source: str, base: str | None, at: str) -> tuple[str, str, str, dict[str, str]]:
        """(key, doc id, text, meta) of the document `source` names; _Missing if no folder has it."""
        if (source, base) not in self.cache:
            self.cache[(source, base)] = self._load(source, base, at)
        return self.cache[(source, base)]

    def where(self) -> str:
        return " and ".join(str(folder) for folder in self.folders)

    def _load(self, source: str, base: str | None, at: str) -> tuple[str, str, str, dict[str, str]]:
        if self.mapping is not None:
            return self._given(source, at)
        target = _target(source, base, at)
        if target.file is not None:
            found = self._try(self._inside(target.file, source, at), source, at)
            if found is None:
                raise _Missing(str(target.file))
            return found
        tails = _tails(target.path or "")
        for tail in tails:
            for folder in self.folders:
                found = self._try(folder / tail, source, at)
                if found is not None:
                    return found
        raise _Missing(f"{', '.join(tails)} in {self.where()}")

    def _given(self, source: str, at: str) -> tuple[str, str, str, dict[str, str]]:
        if source not in self.mapping:
            raise InteropError(f"{at}: no document given for target source {source!r}")
        value = self.mapping[source]
        if isinstance(value, Document):
            return source, value.id, value.text, {k: v for k, v in value.meta.as_dict().items() if k != "id"}
        if isinstance(value, str):
            return source, Path(source).stem or source, value, {}
        path = Path(value)  # named by the caller: read, but not through a link out of its folder
        try:
            return self._read(path, source, at, Area.of(path.parent))
        except _NotThere:
            raise InteropError(f"{at}: document {str(path)!r} given for {source!r} does not exist") from None

    def _inside(self, path: Path, source: str, at: str) -> Path:
        if path in self.allowed:
            return path
        raise InteropError(
            f"{at}: target source {source!r} names {path}, outside the project and the documents folder "
            f"({self.where()}); it is not read. Name documents by a path, or by an IRI under the "
            "@base the collection declares"
        )

    def _try(self, path: Path, source: str, at: str) -> tuple[str, str, str, dict[str, str]] | None:
        """The document at `path`, or None if there is none."""
        try:
            return self._read(path, source, at)
        except _NotThere:
            return None

    def _read(self, path: Path, source: str, at: str, area: Area | None = None) -> tuple[str, str, str, dict[str, str]]:
        area = area or self.area
        try:
            text = decode_text(read_file(path, limit=self.limit, area=area, what="document"), path)
            meta = load_meta(path, area=area)
        except UnsafeFile as err:
            raise InteropError(f"{at}: cannot read document {source!r}: {err.reason}") from None
        except (FileNotFoundError, NotADirectoryError):
            raise _NotThere from None
        except OSError as err:
            raise InteropError(f"{at}: cannot read document {str(path)!r}: {err.strerror or err}") from None
        except DocumentError as err:
            raise InteropError(f"{at}: {err}") from None
        return str(path), meta.id, text, {k: v for k, v in meta.as_dict().items() if k != "id"}


def _unreadable(source: str, at: str, looked: str) -> UnreadableDocument:
    """A document whose text was not found, refused as the import refuses any document."""
    return UnreadableDocument(
        at,
        f"no text for document {source}: looked for {looked}; a W3C export carries no texts: "
        "pass --docs DIR with the texts (a folder inside the project, the files named as in the IRIs)",
    )


# -- import: one annotation --------------------------------------------------------


def _selectors(target: dict, at: str) -> tuple[dict | None, dict | None]:
    quote_selector = position = None
    for selector in _as_list(target.get("selector")):
        if not isinstance(selector, dict):
            continue
        types = _strings(selector.get("type"), "selector type", at)
        if "TextQuoteSelector" in types and quote_selector is None:
            quote_selector = selector
        elif "TextPositionSelector" in types and position is None:
            position = selector
    return quote_selector, position


def _find(text: str, quote_selector: dict, at: str) -> tuple[int, int]:
    exact = quote_selector.get("exact")
    prefix, suffix = quote_selector.get("prefix") or "", quote_selector.get("suffix") or ""
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


def _offsets(text: str, target: dict, at: str) -> tuple[int, int]:
    quote_selector, position = _selectors(target, at)
    if position is None:
        if quote_selector is None:
            raise InteropError(f"{at}: no TextQuoteSelector or TextPositionSelector")
        return _find(text, quote_selector, at)
    start, end = position.get("start"), position.get("end")
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (start, end)):
        raise InteropError(f"{at}: TextPositionSelector start/end must be integers")
    if not 0 <= start <= end <= len(text):
        raise InteropError(f"{at}: position [{start}, {end}) is outside the document (length {len(text)})")
    if quote_selector is not None and quote_selector.get("exact") != text[start:end]:
        raise InteropError(
            f"{at}: TextPositionSelector [{start}, {end}) covers {text[start:end]!r} "
            f"but TextQuoteSelector exact is {_clip(quote_selector.get('exact'))}"
        )
    return start, end


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
            attributes.update(_attributes(value, at))
        elif "commenting" in purpose:
            notes.append(value)
        else:
            raise InteropError(f"{at}: body purpose {sorted(purpose)} is not supported")
    if label is None:
        raise InteropError(f"{at}: no tagging body gives a label")
    return label, attributes, "\n\n".join(notes) if notes else None, group


def _attributes(value: str, at: str) -> dict[str, Any]:
    try:
        decoded = orjson.loads(value)
    except orjson.JSONDecodeError:
        decoded = None
    if not isinstance(decoded, dict):
        raise InteropError(f"{at}: describing body {value!r} is not a JSON object of attributes")
    return decoded


def _creator(node: dict, scope: _Scope) -> str | None:
    """The annotator of an annotation: its own creator (the first), else its page's or collection's."""
    creators = _as_list(node.get("creator"))
    if creators:
        return _agent_name(creators[0], scope.agents)
    return scope.creator


def _id_of(node: dict) -> str | None:
    """An annotation's id as messages show it (clipped), if it has one."""
    ident = node.get("id")
    if isinstance(ident, int) and not isinstance(ident, bool):
        ident = str(ident)
    if isinstance(ident, str) and ident:
        return ident if len(ident) <= 120 else ident[:119] + "…"
    return None


def _ident(node: dict, number: int, where: str) -> str:
    """How an imported span names its annotation: its id, else its number in the file."""
    return _id_of(node) or f"#{number} in {where}"


def _place(found: _Found, number: int) -> str:
    """Where an annotation is, for messages: the file, and the annotation's id, else its number."""
    return f"{found.where}: annotation {_id_of(found.node) or f'#{number}'}"


def _target_of(node: dict, at: str) -> dict:
    targets = _as_list(node.get("target"))
    if len(targets) != 1:
        raise InteropError(f"{at}: exactly one target is supported, found {len(targets)}")
    target = targets[0]
    if not isinstance(target, dict) or not isinstance(target.get("source"), str):
        raise InteropError(f"{at}: target has no 'source' and selectors")
    return target


def read(source: Path, *, offsets: str = "codepoint", options: dict) -> Iterator[ReadItem]:
    _check_unit(offsets)
    source = Path(source)
    area, limit = source_area(source, options), source_limit(options)
    texts = _Texts(source, options, area, limit)
    documents: dict[tuple[str, str | None], ImportedDocument] = {}
    missing: dict[str, tuple[str, str]] = {}  # target source -> (first place, what was looked for)
    for number, found in enumerate(_annotations(source, area, limit), start=1):
        node = found.node
        if not isinstance(node, dict):
            raise InteropError(f"{found.where}: annotation #{number} must be a JSON object, not {_clip(node)}")
        at = _place(found, number)
        target = _target_of(node, at)
        base = _declared_base(node) or found.scope.base
        try:
            key, doc_id, text, meta = texts.get(target["source"], base, at)
        except _Missing as err:
            missing.setdefault(target["source"], (at, err.looked))
            continue
        start, end = _offsets(text, target, at)
        label, attributes, note, group = _bodies(node, at)
        creator = _creator(node, found.scope)
        document = documents.get((key, creator))
        if document is None:
            document = documents[(key, creator)] = ImportedDocument(
                doc_id=doc_id, text=text, source=f"{source}#{target['source']}", annotator=creator, meta=meta
            )
        document.spans.append(
            ImportedSpan(
                start=start,
                end=end,
                label=label,
                source=_ident(node, number, found.where),
                text=text[start:end],
                attributes=attributes,
                note=note,
                group=group,
            )
        )
    yield from documents.values()
    for target_source, (at, looked) in missing.items():
        yield _unreadable(target_source, at, looked)
