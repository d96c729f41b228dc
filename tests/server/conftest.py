"""Fixtures of the fault suite: the portal under gunicorn as `make run` starts it.

Every test gets servers of its own (`start_server`, or `server` for a plain one): a free port
on 127.0.0.1, private copies of content/ and translations/, a throwaway instance folder, and
gunicorn's output in files next to them. They are stopped when the test ends. The helpers
(the server, a browser, logging in) are in tests/server/harness.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

# The asserts in the harness explain a failure the way those in the tests do.
pytest.register_assert_rewrite("tests.server.harness")

from tests.server.harness import Server, StartServer  # noqa: E402 - after the rewrite is registered


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test in this folder as a server test, so `-m "not server"` leaves them out."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.server)


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[StartServer]:
    """Return a starter of servers; every server it started is stopped after the test.

    `start_server(name="https", settings={"PORTAL_HTTPS": "1"}, git_content=True)`: `settings`
    are extra PORTAL_* variables, `git_content` makes the content copy a git repository.
    """
    started: list[Server] = []

    def start(
        name: str = "server", settings: dict[str, str] | None = None, git_content: bool = False
    ) -> Server:
        server = Server(tmp_path / name, dict(settings or {})).prepare(git_content)
        started.append(server)
        server.start()
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def server(start_server: StartServer) -> Server:
    """Return a running server with the bundled content and no accounts yet."""
    return start_server()
