"""The JSON Schema of the annotation file, generated from the models."""

from __future__ import annotations

from typing import Any

from annotator.model.annotation import SCHEMA_DIALECT, SCHEMA_ID, AnnotationFile


def annotation_schema() -> dict[str, Any]:
    schema = AnnotationFile.model_json_schema(mode="validation")
    return {"$schema": SCHEMA_DIALECT, "$id": SCHEMA_ID, **schema}
