"""Saving content files: one save at a time, all or nothing, and a git commit by its editor."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from flask import Flask

from portal import history
from portal.history import SaveError, save_files, saving
from tests.files import git, make_repository


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """Return a git repository with two committed texts."""
    folder = tmp_path / "content"
    folder.mkdir()
    (folder / "ar.md").write_text("oud\n", encoding="utf-8")
    (folder / "ti.md").write_text("oud\n", encoding="utf-8")
    make_repository(folder)
    return folder


def commits(folder: Path) -> list[str]:
    """Return the author and subject of every commit, newest first."""
    return git(folder, "log", "--format=%ae %s").splitlines()


def test_files_saved_together_are_one_commit_by_their_editor(repository: Path) -> None:
    files = {repository / "ar.md": "nieuw\n", repository / "ti.md": b"nieuw\n"}
    assert save_files(files, "ar, ti: saved", "editor@regio.example")
    assert commits(repository)[0] == "editor@regio.example ar, ti: saved"
    assert (repository / "ti.md").read_text(encoding="utf-8") == "nieuw\n"
    assert git(repository, "status", "--porcelain") == ""


def test_a_save_that_changes_nothing_writes_and_commits_nothing(repository: Path) -> None:
    before = commits(repository)
    assert not save_files({repository / "ar.md": "oud\n"}, "no change", "e@regio.example")
    assert commits(repository) == before


def test_a_failed_save_keeps_nothing_of_itself(
    repository: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_replace = Path.replace

    def second_write_fails(self: Path, target: Path) -> Path:
        if Path(target).name == "ti.md":
            raise OSError(28, "No space left on device")
        return real_replace(self, target)

    monkeypatch.setattr(Path, "replace", second_write_fails)
    files = {repository / "ar.md": "nieuw\n", repository / "ti.md": "nieuw\n"}
    with pytest.raises(SaveError, match="No space"):
        save_files(files, "both", "e@regio.example")
    monkeypatch.undo()
    assert (repository / "ar.md").read_text(encoding="utf-8") == "oud\n"
    assert (repository / "ti.md").read_text(encoding="utf-8") == "oud\n"
    assert sorted(p.name for p in repository.iterdir()) == [".git", "ar.md", "ti.md"]
    assert git(repository, "status", "--porcelain") == ""


def test_a_file_git_ignores_is_saved_but_not_committed(repository: Path) -> None:
    (repository / ".gitignore").write_text("*.mo\n", encoding="utf-8")
    git(repository, "add", ".gitignore")
    git(repository, "commit", "-q", "-m", "ignore compiled catalogs")
    files = {repository / "ar.md": "nieuw\n", repository / "messages.mo": b"\x00"}
    assert save_files(files, "catalog", "e@regio.example")
    assert (repository / "messages.mo").read_bytes() == b"\x00"
    assert git(repository, "show", "--name-only", "--format=", "HEAD").split() == ["ar.md"]


def test_outside_git_a_save_is_written_without_a_commit(tmp_path: Path) -> None:
    path = tmp_path / "ar.md"
    assert save_files({path: "nieuw\n"}, "saved", "e@regio.example")
    assert path.read_text(encoding="utf-8") == "nieuw\n"


def test_one_save_at_a_time_across_processes(app: Flask, tmp_path: Path) -> None:
    """The lock is a file lock: a forked process (another worker) waits for it too."""
    order = tmp_path / "order"
    with app.app_context(), saving():
        child = os.fork()
        if child == 0:  # pragma: no cover - runs in the child
            with app.app_context(), saving():
                order.write_text(order.read_text() + "child\n" if order.exists() else "child\n")
            os._exit(0)
        threading.Event().wait(0.3)  # the child is now waiting for the lock
        order.write_text("parent\n")
    os.waitpid(child, 0)
    assert order.read_text().splitlines() == ["parent", "child"]


def test_the_lock_file_lives_in_the_instance_folder(app: Flask) -> None:
    with app.app_context(), saving():
        assert (Path(app.config["INSTANCE_DIR"]) / "saving.lock").is_file()
    assert history.SaveError.__mro__[1] is RuntimeError
