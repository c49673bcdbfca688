"""`annotator export`: annotation files to another tool's format, streamed.

Without --config, each file's document is read from the project the file lies
in (see annotator.config), as `annotator validate` checks it; files of several
projects go out in the order given, and must share one tag set.

All or nothing, like import: a file that `annotator validate` would not pass
is never exported, and if any file fails, nothing is: every failing file is
reported with its first findings, the exit status is 1 and an existing --out
is left exactly as it was (the export is written beside it and renamed over
it only when the whole export succeeded; see annotator.interop.output). An
--out that is one of the export's inputs (an annotation file, a document, the
documents folder for brat) is refused before anything is read.
"""

from __future__ import annotations

import argparse
import itertools
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.cli.main import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, project_config, requested_files, say, searched_in
from annotator.interop import registry
from annotator.interop.registry import Purpose

if TYPE_CHECKING:
    from annotator.config import Config


def run(args: argparse.Namespace) -> int:
    from annotator.interop.corpus import iter_records
    from annotator.interop.formats import MissingDependency, chosen_format, dependencies_of
    from annotator.interop.model import ExportRecord, InteropError
    from annotator.interop.output import check_destination
    from annotator.interop.progress import Progress

    class _Invalid(InteropError):
        """Some files cannot be exported: the export stops before writing anything."""

    config = project_config(args)
    if config is None:
        return EXIT_USAGE
    fmt = args.format
    try:
        module, unit = chosen_format(args, Purpose.EXPORT)
    except InteropError as err:
        say(str(err))
        return EXIT_USAGE
    files = requested_files(args, config)
    if files is None:
        return EXIT_USAGE
    if not files:
        shown = searched_in(args, config)
        say(f"no annotation files found in {shown}; nothing exported")
        return EXIT_FINDINGS
    configs = _configs(args, files, config)
    if configs is None:
        return EXIT_USAGE

    messages: list[str] = []
    stats: dict[str, int] = {}
    options: dict = {
        "report": lambda message: messages.append(str(message)),
        # A format counts here the spans it had to leave out (`skipped`), for --strict.
        "stats": stats,
        # With --config, every document path is relative to that project's root (W3C names them so).
        **({"documents": config.root} if args.config else {}),
        "tagset": configs[0].tagset,
        **registry.chosen_options(args, fmt, Purpose.EXPORT),
    }
    check_options = getattr(module, "check_options", None)
    if check_options is not None:
        try:
            check_options(options)
        except InteropError as err:
            say(str(err))
            return EXIT_USAGE
    planned = getattr(module, "export_options_for", None)
    if planned is not None:
        options.update(planned(files))
    dest = Path(args.out)
    try:
        paths = check_destination(module, dest, files, configs)
    except InteropError as err:
        say(f"{err}; nothing was exported")
        return EXIT_USAGE
    options["paths"] = paths
    existed = os.path.lexists(dest)
    unchanged = f"{dest} is unchanged" if existed else f"{dest} was not written"
    skipped: list[InteropError] = []
    exported = 0

    with Progress(len(files), f"exporting {fmt}") as bar:

        def records() -> Iterator[ExportRecord]:
            nonlocal exported
            # Runs of files of one project, so the records keep the order of the files.
            for _, run in itertools.groupby(zip(files, configs, strict=True), key=lambda pair: id(pair[1])):
                pairs = list(run)
                project = pairs[0][1]
                records = iter_records([path for path, _ in pairs], project, on_error=skipped.append, inputs=paths)
                for record in records:
                    exported += 1
                    bar.advance()
                    yield record
            bar.advance(len(skipped))
            if skipped:
                # Raised inside the format's loop, so that it writes nothing.
                raise _Invalid(f"{len(skipped)} of {len(files)} file(s) cannot be exported")

        try:
            with dependencies_of(fmt):
                spans = module.export(records(), dest, offsets=unit, options=options)
        except MissingDependency as err:
            say(str(err))
            return EXIT_USAGE
        except _Invalid as err:
            for each in skipped:
                say(f"not exported: {each}")
            say(f"{err}; fix them (see 'annotator validate') and export again. Nothing was exported; {unchanged}")
            return EXIT_FINDINGS
        except InteropError as err:
            for each in skipped:  # found before the format gave up
                say(f"not exported: {each}")
            say(f"export failed: {err}")
            say(f"nothing was exported; {unchanged}")
            return EXIT_FINDINGS
        except OSError as err:
            say(f"{err.filename or dest}: cannot write: {err.strerror or err}")
            say(f"nothing was exported; {unchanged}")
            return EXIT_FINDINGS
        except ValueError as err:
            say(f"export failed: {err}")
            say(f"nothing was exported; {unchanged}")
            return EXIT_FINDINGS

    for message in messages:
        say(message)
    say(f"exported {exported} annotation file(s), {spans} spans to {dest} (offsets: {unit})")
    left_out = stats.get("skipped", 0)
    if left_out and args.strict:
        say(f"--strict: {left_out} span(s) were left out of the export (listed above)")
        return EXIT_FINDINGS
    return EXIT_OK


def _configs(args: argparse.Namespace, files: Sequence[Path], config: Config) -> list[Config] | None:
    """Each file's project config (`config` alone with --config or no PATH), or None after saying why not."""
    from annotator.config import ConfigError, configs_of

    if args.config or not args.paths:
        return [config] * len(files)
    try:
        configs = configs_of(files, config)
    except ConfigError as err:
        say(f"config error: {err}")
        return None
    projects = {id(each): each for each in configs}
    first, *others = projects.values()
    differ = [each for each in others if list(each.tagset) != list(first.tagset)]
    if differ:
        say(
            f"the files belong to projects with different tag sets ({first.root} and {differ[0].root}); "
            "export each project on its own"
        )
        return None
    return configs
