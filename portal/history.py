"""Saving content files, and their history in git: every save is a commit by its editor.

Saves are serialised across every worker process by one lock (`saving`), so that checking
for someone else's change, writing and committing happen as one step. When content/ is not
inside a git work tree, saves are not committed and no history is shown.
"""

from __future__ import annotations

import difflib
import fcntl
import logging
import subprocess
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from flask import current_app

from .textfiles import source_hash_of, write_atomically
from .texts import TranslatedItem

log = logging.getLogger(__name__)


class SaveError(RuntimeError):
    """Files could not be saved (a full disk, git refused); nothing of the save was kept."""


@contextmanager
def saving() -> Iterator[None]:
    """Hold the lock of content saves: one save at a time, in every worker of this server."""
    lock_path = Path(current_app.config["INSTANCE_DIR"]) / "saving.lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def save_files(files: Mapping[Path, str | bytes], message: str, author_email: str) -> bool:
    """Write files and commit them as one change: all of it, or nothing (SaveError).

    Returns False, writing nothing, when every file already holds what it would get.
    Call it while holding `saving()`.
    """
    wanted = {
        path: data.encode("utf-8") if isinstance(data, str) else data
        for path, data in files.items()
    }
    changed = {p: d for p, d in wanted.items() if not p.is_file() or p.read_bytes() != d}
    if not changed:
        return False
    before = {path: path.read_bytes() if path.is_file() else None for path in changed}
    try:
        for path, data in changed.items():
            write_atomically(path, data)
        commit(list(changed), message, author_email)
    except (OSError, RuntimeError) as error:
        restore(before)
        raise SaveError(str(error)) from error
    return True


def restore(before: dict[Path, bytes | None]) -> None:
    """Put files back as they were before a failed save (best effort: the disk may be full)."""
    for path, data in before.items():
        try:
            if data is None:
                path.unlink(missing_ok=True)
            else:
                write_atomically(path, data)
        except OSError as error:
            log.error("could not restore %s after a failed save: %s", path, error)
    folder = next(iter(before)).parent
    if in_git(folder):
        git(folder, "reset", "-q", "--", *(str(path) for path in before))


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
    return work_tree(folder) is not None


def work_tree(folder: Path) -> str | None:
    """Return the top folder of the git work tree a folder is in, or None."""
    result = git(folder, "rev-parse", "--show-toplevel")
    return result.stdout.strip() if result.returncode == 0 else None


def commit(paths: list[Path], message: str, author_email: str) -> None:
    """Commit saved files with the editor as author, so every change can be undone.

    Files git ignores (compiled catalogs) are saved but not committed.
    """
    folder = paths[0].parent
    top = work_tree(folder)
    if top is None:
        return
    # Only files of that work tree that git does not ignore (compiled catalogs are ignored).
    tracked = [
        str(p)
        for p in paths
        if work_tree(p.parent) == top and git(folder, "check-ignore", "-q", str(p)).returncode
    ]
    if not tracked:
        return
    author = f"{author_email} <{author_email}>"
    identity = ["-c", "user.name=Wegwijs editor", "-c", "user.email=editor@wegwijs.invalid"]
    added = git(folder, "add", "--", *tracked)
    if added.returncode != 0:
        raise RuntimeError(f"git add failed: {added.stderr.strip()}")
    if git(folder, "diff", "--cached", "--quiet", "--", *tracked).returncode == 0:
        return  # the files now hold what git already has: nothing to record
    done = git(folder, *identity, "commit", "-q", "--author", author, "-m", message, "--", *tracked)
    if done.returncode != 0:
        raise RuntimeError(f"git commit failed: {done.stderr.strip()}")


def dutch_change(item: TranslatedItem, lang: str) -> list[str] | None:
    """Return the change in the Dutch text since the translation was made (from git), if known."""
    old = dutch_version(item, lang)
    if old is None:
        return None
    new = item.source.path.read_text(encoding="utf-8").splitlines()
    return list(difflib.unified_diff(old.splitlines(), new, "before", "now", lineterm="", n=1))[2:]


def dutch_version(item: TranslatedItem, lang: str) -> str | None:
    """Return the Dutch file as it was when an outdated translation was made (from git), or
    None when the translation is not outdated or that version cannot be found."""
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
            return shown.stdout
    return None
