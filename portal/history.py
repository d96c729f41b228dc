"""The history of content files in git: every editor's save is a commit with them as author.

When content/ is not inside a git work tree, saves are not committed and no history is shown.
"""

from __future__ import annotations

import difflib
import subprocess
from pathlib import Path

from .textfiles import source_hash_of
from .texts import Form, Letter, Step


def git(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run git in a content folder: a fixed command list, never a shell."""
    return subprocess.run(  # noqa: S603 - arguments are ours or checked slugs, no shell
        ["git", "-C", str(folder), *args],  # noqa: S607 - git from PATH, as a developer runs it
        capture_output=True,
        text=True,
        check=False,
    )


def in_git(folder: Path) -> bool:
    """Say whether a folder is inside a git work tree."""
    result = git(folder, "rev-parse", "--is-inside-work-tree")
    return result.returncode == 0 and result.stdout.strip() == "true"


def commit(path: Path, message: str, author_email: str) -> None:
    """Commit one saved file with the editor as author, so every change can be undone."""
    folder = path.parent
    if not in_git(folder):
        return
    author = f"{author_email} <{author_email}>"
    identity = ["-c", "user.name=Wegwijs editor", "-c", "user.email=editor@wegwijs.invalid"]
    git(folder, "add", "--", path.name)
    done = git(
        folder, *identity, "commit", "-q", "--author", author, "-m", message, "--", path.name
    )
    if done.returncode != 0:
        raise RuntimeError(f"git commit of {path} failed: {done.stderr.strip()}")


def dutch_change(item: Step | Letter | Form, lang: str) -> list[str] | None:
    """Return the change in the Dutch text since the translation was made (from git), if known."""
    text = item.texts.get(lang)
    if text is None or text.translated_from in (None, item.source_hash):
        return None
    source = item.source.path
    if not in_git(source.parent):
        return None
    log = git(source.parent, "log", "--format=%H", "--", source.name)
    for revision in log.stdout.split():
        shown = git(source.parent, "show", f"{revision}:./{source.name}")
        if shown.returncode != 0:
            continue
        if source_hash_of(item.kind_info, source, shown.stdout) == text.translated_from:
            old = shown.stdout.splitlines()
            new = source.read_text(encoding="utf-8").splitlines()
            return list(difflib.unified_diff(old, new, "before", "now", lineterm="", n=1))[2:]
    return None
