"""Wegwijs: the inburgering portal for statushouders."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from jinja2 import StrictUndefined

from . import accounts, assets, cli, editor, http, i18n, printing, public, staff
from .content import ContentStore
from .markup import isolate


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Create a new portal app: config, languages, content, assets, blueprints and CLI."""
    from .config import load_config

    app = Flask(__name__, static_folder=None)
    app.config.from_mapping(load_config(test_config))
    # A missing variable in a template is a bug to find in tests, not an empty spot on a page.
    app.jinja_env.undefined = StrictUndefined
    app.jinja_env.globals["isolate"] = isolate

    i18n.init_app(app)
    app.extensions["wegwijs_content"] = ContentStore(
        Path(app.config["CONTENT_DIR"]),
        Path(app.config["STATIC_DIR"]),
        lambda: list(i18n.reload_languages(app)),
        app.config["CONTENT_RELOAD_INTERVAL"],
    )
    assets.init_app(app)
    printing.init_app(app)
    http.init_app(app)
    public.init_app(app)
    accounts.init_app(app)
    staff.init_app(app)
    editor.init_app(app)
    cli.init_app(app)
    return app
