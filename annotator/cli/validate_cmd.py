"""`annotator validate`: the check that runs in CI on every commit.

Without --config, each file is checked against the project it lies in (see
annotator.config), so that its document paths resolve from anywhere; files of
several projects are checked each against its own, and reported in the order
given.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.cli.main import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, project_config, say

if TYPE_CHECKING:
    from annotator.config import Config
    from annotator.validation.findings import Finding


def run(args: argparse.Namespace) -> int:
    from annotator.validation.report import WRITERS, rules_table

    if args.list_rules:
        print(rules_table())
        return EXIT_OK
    config = project_config(args)
    if config is None:
        return EXIT_USAGE

    from annotator.config import ConfigError, configs_of
    from annotator.storage.paths import expand_paths

    # By default the annotations and the stored suggestions. A project without those
    # folders yet has no files to check; that is not an unreadable file. A path given
    # on the command line must exist, though.
    defaults = [config.annotations_path, config.suggestions_path]
    paths = [Path(p) for p in args.paths] or [folder for folder in defaults if folder.exists()] or defaults[:1]
    default_missing = not args.paths and not any(folder.exists() for folder in defaults)
    files = [] if default_missing else list(expand_paths(paths))
    try:
        configs = configs_of(files, config) if args.paths and not args.config else [config] * len(files)
    except ConfigError as err:
        say(f"config error: {err}")
        return EXIT_USAGE
    results = validate_by_project(files, configs)
    WRITERS[args.format](sys.stdout, results)
    sys.stdout.flush()

    findings = sum(len(found) for _, found in results)
    bad_files = sum(1 for _, found in results if found)
    if not args.quiet:
        if not results:
            shown = ", ".join(str(p) for p in paths)
            say(f"no annotation files found in {shown}")
        elif findings:
            say(f"{findings} finding(s) in {bad_files} of {len(results)} file(s)")
        else:
            say(f"{len(results)} file(s) valid")
    return EXIT_FINDINGS if findings else EXIT_OK


def validate_by_project(files: Sequence[Path], configs: Sequence[Config]) -> list[tuple[Path, list[Finding]]]:
    """Each file validated against its own config (one Validator per project), in the order of `files`."""
    from annotator.validation.engine import Validator

    groups: dict[int, tuple[Config, list[int]]] = {}
    for index, config in enumerate(configs):
        groups.setdefault(id(config), (config, []))[1].append(index)
    results: list[tuple[Path, list[Finding]]] = [(path, []) for path in files]
    for config, indices in groups.values():
        checked = Validator(config).validate_paths([files[index] for index in indices])
        for index, result in zip(indices, checked, strict=True):
            results[index] = result
    return results
