"""The database of accounts, failed logins and the audit log: SQLite in instance/ by default.

PORTAL_DATABASE_URL points elsewhere (e.g. PostgreSQL) when a region runs several servers.
"""

from __future__ import annotations

import time
from pathlib import Path

from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import inspect, text
from sqlalchemy.exc import SQLAlchemyError

db = SQLAlchemy()

# Columns added after a table was first made: (table, column, SQL type and default).
ADDED_COLUMNS = (
    ("users", "session_token", "VARCHAR(64) NOT NULL DEFAULT ''"),
    # Editors from before accounts had languages keep editing every language.
    ("users", "language_codes", "VARCHAR(200) NOT NULL DEFAULT '*'"),
    ("users", "disabled", "BOOLEAN NOT NULL DEFAULT FALSE"),
    ("jobs", "output", "VARCHAR(8) NOT NULL DEFAULT 'pdf'"),
    ("jobs", "public_base", "VARCHAR(200) NOT NULL DEFAULT ''"),
    ("jobs", "untranslated", "TEXT NOT NULL DEFAULT ''"),
)


def database_url(app: Flask) -> str:
    """Return PORTAL_DATABASE_URL, or SQLite in instance/ by default."""
    return app.config.get("DATABASE_URL") or f"sqlite:///{app.config['INSTANCE_DIR']}/portal.db"


def create_tables() -> None:
    """Make the tables that are missing, and add the columns an older database lacks."""
    db.create_all()
    for table, column, definition in ADDED_COLUMNS:
        existing = {c["name"] for c in inspect(db.engine).get_columns(table)}
        if column not in existing:
            with db.engine.begin() as connection:
                connection.execute(text(f"ALTER TABLE {table} ADD COLUMN {column} {definition}"))


def init_app(app: Flask) -> None:
    """Connect the app to its database and make sure its tables are there."""
    Path(app.config["INSTANCE_DIR"]).mkdir(parents=True, exist_ok=True)  # SQLite's folder
    app.config.setdefault("SQLALCHEMY_DATABASE_URI", database_url(app))
    db.init_app(app)
    with app.app_context():
        try:
            create_tables()
        except SQLAlchemyError:
            # Two processes starting at once: the other one made them first.
            db.session.rollback()
            time.sleep(0.5)
            create_tables()
        # No connection stays open: gunicorn forks its workers from this process
        # (preload_app), and a connection shared by two processes corrupts both.
        db.session.remove()
        db.engine.dispose()
