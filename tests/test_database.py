"""The database: tables are made at start, and an older database gets the columns it lacks."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from werkzeug.security import generate_password_hash

from portal import create_app
from portal.accounts import User, db
from tests.conftest import PASSWORD


def test_an_older_database_gets_the_session_token_column(tmp_path: Path) -> None:
    database = tmp_path / "portal.db"
    with sqlite3.connect(database) as connection:
        connection.execute(
            "CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(254) UNIQUE, "
            "password_hash VARCHAR(256), role VARCHAR(16), municipality_slugs VARCHAR(1000))"
        )
        connection.execute(
            "INSERT INTO users VALUES (1, 'oud@regio.example', ?, 'editor', '')",
            (generate_password_hash(PASSWORD),),
        )
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": f"sqlite:///{database}"})
    with app.app_context():
        user = db.session.get(User, 1)
        assert user is not None
        assert user.session_token == ""
        # A session made before the column existed does not open the account.
        assert user.get_id() == "1:"
    client = app.test_client()
    page = client.get("/staff/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert token is not None
    data = {"email": "oud@regio.example", "password": PASSWORD, "csrf_token": token.group(1)}
    assert client.post("/staff/login", data=data).status_code == 302
    assert client.get("/editor/").status_code == 200  # the old account logs in and stays in
    with sqlite3.connect(database) as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    assert {"users", "audit_log", "failed_logins"} <= tables
