"""The text a document had when it was annotated, from the project's git history.

An annotation file records the SHA-256 of the document text it was made on.
When the document has changed since, `text_in_history` looks through the
commits that touched the document's path, newest first, for a version whose
text (decoded by the document text policy: UTF-8, no BOM, LF line endings)
has that hash. git runs as a subprocess with a time limit; a project that is
not a repository, or a machine without git, simply has no history.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from annotator.model.document import DocumentError, decode_text, text_sha256

GIT_TIMEOUT = 30.0  # seconds for one git command
MAX_VERSIONS = 200  # commits of one document looked at, newest first


def text_in_history(root: Path, relative_path: str, sha256: str) -> str | None:
    """The text of `relative_path` (under `root`) whose SHA-256 is `sha256`, from a commit that
    touched it; None if no commit holds it or there is no git history to look in."""
    git = shutil.which("git")
    if git is None:
        return None
    commits = _git(git, root, "log", f"--max-count={MAX_VERSIONS}", "--format=%H", "--", relative_path)
    if commits is None:
        return None
    for commit in commits.decode("ascii", "replace").split():
        data = _git(git, root, "show", f"{commit}:{relative_path}")
        if data is None:
            continue  # the commit deleted it
        try:
            text = decode_text(data, relative_path)
        except DocumentError:
            continue
        if text_sha256(text) == sha256:
            return text
    return None


def _git(git: str, root: Path, *args: str) -> bytes | None:
    try:
        done = subprocess.run(
            [git, "-C", str(root), *args],
            capture_output=True,
            timeout=GIT_TIMEOUT,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None
