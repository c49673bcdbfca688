"""Large batches are validated in worker processes; the result must not change."""

from __future__ import annotations

import sys

import pytest
from conftest import Project, build_sample

from annotator.validation.engine import Validator


@pytest.mark.skipif(sys.platform != "linux", reason="parallel validation forks, which only Linux uses")
def test_parallel_validation_gives_the_same_findings_in_the_same_order(project: Project) -> None:
    good = build_sample(project).to_file()
    for index in range(12):
        project.write(f"doc{index:02d}/alice.json", good)
    project.write("doc03/bob.json", "{not json")
    broken = good.model_copy(update={"annotator": "bob"})
    data = broken.model_dump(mode="json", exclude_none=True)
    data["spans"][1]["text"] = "changed"
    project.write("doc07/bob.json", data)

    validator = Validator(project.config)
    serial = list(validator.validate_paths([project.root / "annotations"], jobs=1))
    parallel = list(Validator(project.config).validate_paths([project.root / "annotations"], jobs=2))

    assert parallel == serial
    assert [path.parent.name for path, found in serial if found] == ["doc03", "doc07"]
    codes = {finding.code for _, found in serial for finding in found}
    assert {"A103", "A402"} <= codes
