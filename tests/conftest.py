"""Fixtures shared by every test: an app on the bundled content, its client and CLI runner,
an app for the staff area; and how a test logs a client in."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from playwright.sync_api import Browser, Playwright, sync_playwright

# The asserts in the helper modules explain a failure the way those in the tests do.
pytest.register_assert_rewrite(
    "tests.catalogs", "tests.files", "tests.html_tools", "tests.pdf_tools", "tests.prints"
)

# Every app made by the tests keeps its secret key and database in a folder of its own.
os.environ["PORTAL_INSTANCE_DIR"] = tempfile.mkdtemp(prefix="wegwijs-test-instance-")
# Jobs (lists of letters) run at once inside the request that starts them; the real job
# worker is tested against the real server (tests/server/).
os.environ["PORTAL_JOBS_IMMEDIATE"] = "1"

from werkzeug.security import generate_password_hash  # noqa: E402

from portal import content, create_app  # noqa: E402 - after the instance folder is chosen
from portal.accounts import EVERY_LANGUAGE, User, db  # noqa: E402
from portal.config import PROJECT_ROOT  # noqa: E402
from portal.texts import Content  # noqa: E402
from tools.chromium import launch_chromium  # noqa: E402

CONTENT = PROJECT_ROOT / "content"
STATIC = PROJECT_ROOT / "static"
LANGUAGES = ["nl", "en", "ar", "ti"]
STEP_SLUGS = [p.name[3:] for p in sorted((CONTENT / "plan").iterdir()) if p.is_dir()]
QUESTION_SLUGS = [p.name[3:] for p in sorted((CONTENT / "questions").iterdir()) if p.is_dir()]


PASSWORD = "correct horse battery staple"  # noqa: S105 - a test account
STAFF_EMAIL = "medewerker@tilburg.example"
EXAMPLE_MUNICIPALITIES = ("tilburg", "oisterwijk", "goirle")


def ensure_account(
    app: Flask,
    email: str = STAFF_EMAIL,
    role: str = "staff",
    municipalities: tuple[str, ...] = EXAMPLE_MUNICIPALITIES,
    languages: str = EVERY_LANGUAGE,
) -> int:
    """Create an account (once) in the app's database and return its id."""
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == email))
        if user is None:
            user = User(
                email=email,
                password_hash=generate_password_hash(PASSWORD),
                role=role,
                municipality_slugs=" ".join(municipalities),
                language_codes=languages,
            )
            db.session.add(user)
            db.session.commit()
        return int(user.id)


def log_in_as(client: FlaskClient, user_id: int) -> None:
    """Log a client in by the Flask-Login session keys, without the login form."""
    with client.application.app_context():
        session_id = db.session.get(User, user_id).get_id()
    with client.session_transaction() as session:
        session["_user_id"] = session_id
        session["_fresh"] = True


class StaffClient(FlaskClient):
    """A test client that is logged in as a staff member of every example municipality."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        log_in_as(self, ensure_account(self.application))


def make_staff_app(**config: object) -> Flask:
    """Return an app without CSRF checks whose test clients are logged in as staff."""
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "test-secret", "WTF_CSRF_ENABLED": False} | config
    )
    app.test_client_class = StaffClient
    return app


def content_of(app: Flask) -> Content:
    """Return the content an app serves now, read as the portal reads it: content.current()."""
    with app.app_context():
        return content.current()


@pytest.fixture(autouse=True)
def no_failed_logins_counted() -> None:
    """Start every test with no failed logins counted: the tests share one database, and
    the failures of one test (all from 127.0.0.1) must not limit the logins of the next."""
    database = Path(os.environ["PORTAL_INSTANCE_DIR"]) / "portal.db"
    if database.is_file():
        with (
            contextlib.suppress(sqlite3.OperationalError),  # no table yet: nothing counted
            contextlib.closing(sqlite3.connect(database)) as connection,
            connection,
        ):
            connection.execute("DELETE FROM failed_logins WHERE 1 = 1")


@pytest.fixture
def app() -> Flask:
    """Return a portal app serving the bundled content."""
    return create_app({"TESTING": True, "SECRET_KEY": "test-secret"})


@pytest.fixture(scope="module")
def staff_app() -> Flask:
    """Return a staff app for one test module, so that its prints can be made once."""
    return make_staff_app()


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


# One Playwright driver and one chromium for the whole run: the browser tests and the
# server tests that use a real browser share them (Playwright starts once per thread).
@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[Playwright]:
    """Start Playwright's driver once for the whole run."""
    driver = sync_playwright().start()
    try:
        yield driver
    finally:
        driver.stop()


@pytest.fixture(scope="session")
def browser(playwright_driver: Playwright) -> Iterator[Browser]:
    """Launch Debian's chromium once; every test gets its own context in it."""
    launched = launch_chromium(playwright_driver)
    try:
        yield launched
    finally:
        launched.close()
