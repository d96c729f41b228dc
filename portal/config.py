"""Configuration defaults; PORTAL_* environment variables override them."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent

DEFAULTS: dict[str, Any] = {
    # Public pages only: no personal data lives in the session, but Flask needs a key to sign it.
    "SECRET_KEY": None,
    "CONTENT_DIR": str(PROJECT_ROOT / "content"),
    "STATIC_DIR": str(PROJECT_ROOT / "static"),
    # Flask-Babel resolves a relative path inside portal/, so it must be absolute.
    "BABEL_TRANSLATION_DIRECTORIES": str(PROJECT_ROOT / "translations"),
    "BABEL_DEFAULT_LOCALE": "nl",
    "DEFAULT_LANGUAGE": "nl",
    # How often (seconds) a request may look whether a content file changed on disk.
    "CONTENT_RELOAD_INTERVAL": 2.0,
    # Public pages may be kept this long by browsers and shared caches.
    "PUBLIC_MAX_AGE": 600,
    # Address the site is reached at; used for links that leave the page (QR codes, prints).
    "PUBLIC_BASE_URL": "http://127.0.0.1:5000",
}


def load_config(test_config: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return the defaults, overridden by PORTAL_* variables, then by test_config."""
    config = dict(DEFAULTS)
    for key, default in DEFAULTS.items():
        value = os.environ.get(f"PORTAL_{key}")
        if value is None:
            continue
        config[key] = type(default)(value) if isinstance(default, int | float) else value
    if test_config:
        config.update(test_config)
    if not config["SECRET_KEY"]:
        # A fresh key per process is fine while nothing but public pages uses the session.
        config["SECRET_KEY"] = os.urandom(32).hex()
    return config
