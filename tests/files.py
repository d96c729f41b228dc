"""Files that tests change: make a change visible to mtime checks, see which files changed,
and keep them in a git repository as the editors' saves do."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path


def bump_mtime(path: Path) -> None:
    """Make a change visible to mtime checks even within the file system's time resolution."""
    later = time.time() + 5
    os.utime(path, (later, later))


def snapshot(folder: Path) -> dict[str, bytes]:
    """Return every file under a folder (but .git) with its bytes."""
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and ".git" not in path.relative_to(folder).parts
    }


def changed_files(before: dict[str, bytes], after: dict[str, bytes]) -> set[str]:
    """Return the names of the files that differ between two snapshots (added or removed too)."""
    return {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}


def git(folder: Path, *args: str) -> str:
    """Run git in a folder as a test user; return what it printed (fail on an error)."""
    result = subprocess.run(
        ["git", "-C", str(folder), "-c", "user.name=Test", "-c", "user.email=test@example.invalid"]
        + list(args),
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def make_repository(folder: Path) -> None:
    """Make a folder a git repository with everything in it committed."""
    git(folder, "init", "-q")
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", "content as bundled")
