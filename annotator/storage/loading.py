"""Load an annotation file: read it by the storage rules, parse it by the validator's.

Above validation in the layers: a file that does not parse is refused with
the validator's own findings ("path:line:col: CODE message"), so the editor,
review and history report a bad file exactly as `annotator validate` does.
"""

from __future__ import annotations

from pathlib import Path

from annotator.model.annotation import AnnotationFile
from annotator.storage.files import DEFAULT_MAX_FILE_SIZE, Area, read_file
from annotator.validation.engine import ANNOTATION_FILE, parse_annotation_file


def load_annotation_file(
    path: Path, *, area: Area | None = None, limit: int = DEFAULT_MAX_FILE_SIZE
) -> tuple[AnnotationFile, bytes]:
    """Read one annotation file for editing (a regular file of at most `limit` bytes, inside
    `area` if given); raise ValueError naming each problem. OSErrors pass through: a refused
    file (storage.files.UnsafeFile) is one, with a message that says why."""
    raw = read_file(path, limit=limit, area=area, what=ANNOTATION_FILE)
    return parse_annotation_file(path, raw), raw
