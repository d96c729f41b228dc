"""The content of the running app: loaded from content/, kept current, one accessor.

`init_app` creates the app's content store; `current()` returns what it holds now (reloaded
when a file changed). Every module, and the tests, reach the content through `current()`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from flask import Flask, current_app

from . import i18n
from .loading import load_content, watched_files
from .textfiles import ContentError
from .texts import Content

log = logging.getLogger(__name__)


class ContentStore:
    """Hold the loaded content and reload it when a file changes.

    A broken file never stops the rest: it is named in `problems` (and the log), and the
    text it holds keeps the version served before, or is left out when there was none
    (right after a start). So a server always starts, and a save is published at once even
    while another file is broken.
    """

    def __init__(
        self,
        content_dir: Path,
        static_dir: Path,
        languages: Callable[[list[str]], list[str]],
        interval: float,
    ):
        self.content_dir = content_dir
        self.static_dir = static_dir
        # Called at every reload: a language added to languages.yml appears without a restart.
        self.languages = languages
        self.interval = interval
        self._lock = threading.Lock()
        self._languages: list[str] = []
        self._content = self._load(None)
        self._checked = time.monotonic()

    @property
    def problems(self) -> tuple[ContentError, ...]:
        """Return what is broken in the content being served (empty when all is well)."""
        return self._content.problems

    def get(self) -> Content:
        """Return the current content, reloading it first if a file changed (looked at
        once every `interval` seconds)."""
        if time.monotonic() - self._checked >= self.interval and self._lock.acquire(blocking=False):
            try:
                self._reload_if_changed()
            finally:
                self._lock.release()
        return self._content

    def get_fresh(self) -> Content:
        """Return the content as the files are now, looking at once (a few milliseconds).

        For editors: right after a save in another worker, this worker must not show the
        text from before (a fact ticked off that comes back, a status from before)."""
        with self._lock:
            self._reload_if_changed()
        return self._content

    def _reload_if_changed(self) -> None:
        self._checked = time.monotonic()
        if watched_files(self.content_dir, self.static_dir) != self._content.files:
            self._content = self._load(self._content)

    def reload_now(self) -> None:
        """Read the content again at once (after an editor saved a file)."""
        with self._lock:
            self._checked = time.monotonic()
            self._content = self._load(self._content)

    def _load(self, previous: Content | None) -> Content:
        language_problems: list[str] = []
        try:
            self._languages = self.languages(language_problems)
        except ValueError as error:  # languages.yml cannot be read: keep the languages we have
            language_problems.append(str(error))
        languages_file = self.content_dir / "languages.yml"
        problems = [ContentError(languages_file, problem) for problem in language_problems]
        loaded = load_content(
            self.content_dir, self.static_dir, self._languages, problems, previous
        )
        for problem in loaded.problems:
            log.error("content problem (the rest is served): %s", problem)
        if previous is not None and previous.problems and not loaded.problems:
            log.warning("content problems solved: every file loads again")
        return loaded


def init_app(app: Flask) -> None:
    """Load the content of the app's CONTENT_DIR into a store that keeps it current."""
    app.extensions["wegwijs_content"] = ContentStore(
        Path(app.config["CONTENT_DIR"]),
        Path(app.config["STATIC_DIR"]),
        lambda problems: i18n.reload_languages(app, problems),
        app.config["CONTENT_RELOAD_INTERVAL"],
    )
    # Look for changed files before every request, not only when a view reads the content:
    # a language added in another worker must be known before its URL is checked.
    app.before_request(refresh)


def refresh() -> None:
    """Reload the content (and the language list) if a file changed since the last look."""
    store().get()


def store() -> ContentStore:
    """Return the content store of the running app."""
    found: ContentStore = current_app.extensions["wegwijs_content"]
    return found


def current() -> Content:
    """Return the current content of the running app (reloaded when a file changed)."""
    return store().get()
