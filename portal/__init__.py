"""Wegwijs: the inburgering portal for statushouders."""

from __future__ import annotations

import io
from typing import IO, Any

from flask import Flask, Request
from jinja2 import StrictUndefined
from werkzeug.middleware.proxy_fix import ProxyFix

from . import (
    account_admin,
    accounts,
    assets,
    cli,
    content,
    conversions,
    dutch_editor,  # noqa: F401 - its views join the editor's blueprint before it is registered
    editor,
    facts,  # noqa: F401 - as dutch_editor
    http,
    i18n,
    jobs,
    offline,
    printing,
    public,
    recording_views,
    staff,
)
from .markup import address_breaks, hyphenate, isolate


class InMemoryRequest(Request):
    """A request whose uploaded files stay in memory: lists of people never touch the disk.

    Werkzeug would spool an upload over 500 KB to a temporary file; MAX_CONTENT_LENGTH
    bounds what is kept in memory instead.
    """

    def _get_file_stream(
        self,
        total_content_length: int | None,
        content_type: str | None,
        filename: str | None = None,
        content_length: int | None = None,
    ) -> IO[bytes]:
        return io.BytesIO()


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Create a new portal app: config, languages, content, assets, blueprints and CLI."""
    from .config import load_config

    app = Flask(__name__, static_folder=None)
    app.request_class = InMemoryRequest
    app.config.from_mapping(load_config(test_config))
    proxies = int(app.config["TRUSTED_PROXIES"])
    if proxies:
        # The client's address (for login limits) and scheme come from the trusted proxies.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies
        )
    # A missing variable in a template is a bug to find in tests, not an empty spot on a page.
    app.jinja_env.undefined = StrictUndefined
    app.jinja_env.globals["isolate"] = isolate
    app.jinja_env.filters["hyphenate"] = hyphenate
    app.jinja_env.globals["printing"] = False  # render_print_template says True
    app.jinja_env.filters["address_breaks"] = address_breaks

    i18n.init_app(app)
    content.init_app(app)
    assets.init_app(app)
    printing.init_app(app)
    http.init_app(app)
    public.init_app(app)
    offline.init_app(app)
    accounts.init_app(app)
    jobs.init_app(app)
    conversions.init_app(app)
    staff.init_app(app)
    editor.init_app(app)
    account_admin.init_app(app)
    recording_views.init_app(app)
    cli.init_app(app)
    return app
