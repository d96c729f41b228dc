"""Fixtures shared by every test: an app on the bundled content, its client and CLI runner."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from portal import create_app
from portal.config import PROJECT_ROOT

CONTENT = PROJECT_ROOT / "content"
STATIC = PROJECT_ROOT / "static"
LANGUAGES = ["nl", "en", "ar", "ti"]
STEP_SLUGS = [p.name[3:] for p in sorted((CONTENT / "plan").iterdir()) if p.is_dir()]


@pytest.fixture
def app() -> Flask:
    """Return a portal app serving the bundled content."""
    return create_app({"TESTING": True, "SECRET_KEY": "test-secret"})


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """Return a test client of the bundled portal."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """Return a CLI runner of the bundled portal."""
    return app.test_cli_runner()


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """Return a private copy of content/ that a test may change or break."""
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    return target


@pytest.fixture
def app_on(content_copy: Path) -> Iterator[Callable[..., Flask]]:
    """Return a factory for apps that read the private content copy."""

    def make(**config: object) -> Flask:
        return create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "test-secret",
                "CONTENT_DIR": str(content_copy),
                "CONTENT_RELOAD_INTERVAL": 0,
            }
            | config
        )

    return make
