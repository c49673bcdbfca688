"""brat standoff: a folder of ``DOC.txt`` + ``DOC.ann`` pairs and an ``annotation.conf``.

Offsets: "codepoint" only. brat counts characters of the ``.txt`` (Python code
points), 0-based, end exclusive.

Export layout (``writing``; ``dest`` is a folder; one record at a time):

* ``options["layout"] = "flat"`` (default): ``dest/<doc id>.txt`` and
  ``dest/<doc id>.ann``. A second annotation file for a document already
  written is refused (InteropError) -- use the "annotator" layout.
* ``options["layout"] = "annotator"``: ``dest/<annotator>/<doc id>.txt`` and
  ``.ann``; every annotator folder is a brat collection of its own. Reading
  ``dest`` gives each file back to its annotator (see Read).
* ``dest/annotation.conf`` (and ``dest/visual.conf`` when ``options["tagset"]``
  is given and ``options["visual_conf"]`` is not false) is written once at the
  end. brat looks for its configuration in the collection folder and then in
  each parent, so the subfolders of the "annotator" layout use it too.

The ``.txt`` is the document text exactly (UTF-8, LF, no BOM). The ``.ann``
holds, in this order (names, values and notes are encoded by ``standoff``):

* ``T`` lines, numbered from T1 in text order. Spans sharing a ``group`` (and
  label) become one discontinuous line ``T3\\tlabel s1 e1;s2 e2\\tfrag1 frag2``.
  brat's ``.ann`` is line based, so a span whose text holds a line break
  (``\\n``, or another character ``str.splitlines`` breaks on) is written as
  fragments that leave the line breaks out; reading joins fragments whose gap
  is only line breaks again (see below). Line breaks at the very start or end
  of a span are lost. Fragments of one group that overlap are split over
  several ``T`` lines (brat refuses overlapping fragments).
* ``A`` lines: ``True`` -> binary ``A1\\tName T1``; ``False`` -> no line;
  anything else -> ``A1\\tName T1 Value``. Names and values are
  percent-encoded (UTF-8 ``%XX``) for ``%``, ``"``, ``,``, ``|``, ``:``,
  ``;``, ``=``, ``<``, ``>``, ``#``, whitespace and unprintable characters.
  Integers are written as digits, floats with ``repr`` (``1.0``, ``1e+16``).
  A string that would read back as a number gets its first character
  percent-encoded (``"42"`` -> ``%342``); the empty string is written ``""``.
  Non-finite floats are written ``inf``/``nan`` and read back as strings.
* ``#`` lines: ``#1\\tAnnotatorNotes T1\\tnote`` with the note backslash-escaped
  (``\\\\``, ``\\n``, ``\\r``, ``\\t``, other line breaks as ``\\uXXXX``).
* the file's ``foreign`` records of format "brat" (relations, events,
  normalisations, equivs, attributes and notes on relations/events), written
  back as they were read with their ``T`` ids renumbered. A record is found
  through the spans it lists: each span's ``source`` (``x.ann#T3``) gives its old
  id. An event's type is set to its trigger's current label (brat requires
  them equal; labels may have been mapped on import). A record whose spans are
  gone (validation rule A407), or that holds a line break, is left out with a
  report, and so is any record that refers to a left-out record. Generated
  ``A``/``#`` ids skip the ids of kept records.

``annotation.conf`` (``conf``): ``[entities]`` the labels of non-trigger spans plus the
tag set's labels; ``[relations]`` each kept relation type with the labels seen
per argument, each equiv type as ``symmetric-transitive``, and ``<OVERLAP>``
allowing any overlap (annotator spans may overlap); ``[events]`` each event
type with ``Role*:`` and the labels seen; ``[attributes]`` each attribute with
``Arg:`` the labels it was used on and ``Value:`` the values written (plus a
tag set enum's values; a tag set string/number attribute never used is left
out, brat needs its values listed). ``visual.conf``: ``[labels]`` and
``[drawing]`` with each tag set label's colour.

Options: ``tagset`` (TagSet), ``layout`` ("flat" | "annotator"),
``visual_conf`` (default true), ``report`` (callable for messages).

Export writes into a folder beside ``dest`` and moves it into place only when
every record was written (annotator.interop.output.Staging): a failed export
leaves ``dest`` as it was. Into an existing folder the files are moved one by
one; other files there are left alone, and a link or file where a subfolder
should be is refused.

Read (``reading``): ``source`` is a ``.ann`` file or a folder searched
recursively (hidden files and folders skipped, linked folders not followed);
every ``X.ann`` needs ``X.txt`` beside it. Both are read only inside the
source folder (a link leading out of it is refused), only if they are regular
files of at most ``options["limit"]`` bytes (annotator.interop.sources).

A folder whose ``.ann`` files all lie one folder down, with some document in
more than one of those folders, is a folder per annotator (the export's
"annotator" layout): each document's ``annotator`` is its folder's name, which
must be a valid annotator name (else InteropError naming the folder), so
``gold/`` comes back as the gold file. Any other source (a flat folder, one
``.ann`` file, subfolders such as ``train/`` and ``test/`` that share no
document) gives ``annotator`` None. Reading a folder per annotator is
reported, with its annotators.

The text is read with the document policy (BOM dropped, CR LF and lone CR ->
LF). brat offsets count characters of the raw file, so when the raw text
differs they are converted from raw positions (BOM and ``\\r`` counted) to
policy positions, and each span's stored text is checked against the raw
slice. A ``T`` line may list its fragments in any order, as brat's own parser
allows (``T2\\tquote 40 52;3 10\\t<text of 40-52> <text of 3-10>``): its
stored text is the fragments' text joined by one space in the order listed.
Fragments that overlap are refused. brat itself reads the ``.txt`` with
universal newlines, so if the text check fails anywhere in a file, offsets
into the LF text are tried for the whole file before the first mismatch is
reported. A mismatch, an unknown or malformed line, overlapping fragments, a
duplicate id or a reference to an undefined id raises InteropError naming
``file:line``.

* ``T`` -> one ImportedSpan per fragment, in text order; ``source =
  "<ann path>#T3"`` (path relative to the source folder, with ``/``);
  fragments of a multi-fragment ``T`` share ``group = "T3"``. Neighbouring
  fragments whose gap is only line breaks are joined into one span first.
* ``A``/``M`` on a ``T``: binary -> ``True``; a value ``""`` -> ``""``; a value
  matching ``[+-]?[0-9]+`` -> int; else one matching
  ``[+-]?([0-9]+\\.[0-9]*|\\.[0-9]+|[0-9]+)([eE][+-]?[0-9]+)?`` -> float; else
  the percent-decoded string (``%XX`` as UTF-8).
* ``#`` ``AnnotatorNotes`` on a ``T`` -> note (unescaped; several notes on one
  ``T`` are joined with a newline).
* ``R``, ``E``, ``N``, ``*`` and ``A``/``M``/``#`` lines on other ids ->
  ImportedRecord(format "brat", kind "relation", "event", "normalization",
  "equiv", "attribute" or "note"; id as written, ``*1``, ``*2``... for equivs;
  record = the raw line; span_sources = the sources of the ``T`` ids it names).
* ``doc_id`` is the file stem; ``annotator`` the folder's name in a folder per
  annotator, else None (the caller's default applies). Labels are kept as
  written (annotator labels are lower case; mapping is the caller's job).

Lost on the way out: span ids, origin, audit history, a single-fragment
group's id (group ids become ``T`` ids), ``False`` attributes, line breaks at
the edges of a span, spans that are only line breaks (reported), the order a
``T`` line read in listed its fragments (they are written in text order, the
text to match). A gold file's adjudication (``adjudicated_from``, rejected
candidates) is lost too: it is gold again by its name alone, its folder's in
the "annotator" layout (``gold``, or the name given to ``--gold``). One ``T``
has one set of attributes and notes: the fragments of a group come back with
the attributes of all of them (the first fragment's value wins a conflict)
and every distinct note. Ambiguous on the way in: a brat ``T`` whose
fragments are separated only by line breaks is read as one span; a foreign
note holding a backslash escape (``\\n``) is unescaped. Not generated:
``tools.conf`` (normalisation databases).

Reports (left-out records) go to ``options["report"]`` when callable, else to
stderr.

The modules: ``standoff`` the ``.ann`` syntax both directions share (ids, the
ids a line refers to, value and note encoding), ``records`` the named records
they share, ``writing`` export, ``conf`` ``annotation.conf`` and
``visual.conf``, ``reading`` import.
"""

from __future__ import annotations

from annotator.interop.formats.brat.conf import CONF_FILES
from annotator.interop.formats.brat.reading import read
from annotator.interop.formats.brat.standoff import (
    EMPTY_VALUE,
    KINDS,
    LINE_BREAKS,
    NAME,
    NOTE_TYPE,
    OFFSET_UNITS,
    decode_value,
    encode_token,
    encode_value,
    escape_note,
    unescape_note,
)
from annotator.interop.formats.brat.writing import FOLDER_OUTPUT, LAYOUTS, export, export_options_for, outputs

__all__ = [
    "CONF_FILES",
    "EMPTY_VALUE",
    "FOLDER_OUTPUT",
    "KINDS",
    "LAYOUTS",
    "LINE_BREAKS",
    "NAME",
    "NOTE_TYPE",
    "OFFSET_UNITS",
    "decode_value",
    "encode_token",
    "encode_value",
    "escape_note",
    "export",
    "export_options_for",
    "outputs",
    "read",
    "unescape_note",
]
