"""Configuration defaults; PORTAL_* environment variables override them."""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent

DEFAULTS: dict[str, Any] = {
    # Signs sessions and CSRF tokens. Unset: a random key kept in instance/secret_key, so that
    # every worker and every restart of this server signs with the same key.
    "SECRET_KEY": None,
    "INSTANCE_DIR": str(PROJECT_ROOT / "instance"),
    # The largest request: a 5 MB list of people plus the form around it (kept in memory).
    "MAX_CONTENT_LENGTH": 6 * 1024 * 1024,
    # Accounts and the audit log; empty means SQLite in the instance folder.
    "DATABASE_URL": "",
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
    # The public address of the site, e.g. https://wegwijs.tilburg.nl: every QR code and
    # printed link leads there. Unset: a print made through the web carries the address its
    # request came in on (X-Forwarded-Host/-Proto count only from TRUSTED_PROXIES); a print
    # made outside a request (the command line) fails and says to set it.
    "PUBLIC_BASE_URL": "",
    # Served over HTTPS: cookies get the Secure flag and browsers are told to keep to HTTPS
    # (Strict-Transport-Security). Set PORTAL_HTTPS=1 behind a proxy that ends TLS.
    "HTTPS": False,
    # How many reverse proxies in front of the portal may say who the client is
    # (X-Forwarded-For, -Proto, -Host). 0: none; every header of that kind is ignored.
    "TRUSTED_PROXIES": 0,
    # Jobs (lists of letters) go through Redis when set, e.g. redis://localhost:6379/0, and
    # `flask jobs worker` on any machine takes them; unset: SQLite in the instance folder.
    "REDIS_URL": "",
    # Run each job at once inside the request that starts it: for tests only.
    "JOBS_IMMEDIATE": False,
    # How long a finished list of letters waits to be downloaded before it is deleted.
    "JOB_KEEP_SECONDS": 3600,
    # A running job that has not said it is alive for this long lost its worker: it fails.
    "JOB_STALL_SECONDS": 120,
}
TRUE_WORDS = ("1", "true", "yes", "on")


def load_config(test_config: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return the defaults, overridden by PORTAL_* variables, then by test_config."""
    config = dict(DEFAULTS)
    for key, default in DEFAULTS.items():
        value = os.environ.get(f"PORTAL_{key}")
        if value is None:
            continue
        if isinstance(default, bool):
            config[key] = value.strip().lower() in TRUE_WORDS
        elif isinstance(default, int | float):
            config[key] = type(default)(value)
        else:
            config[key] = value
    if test_config:
        config.update(test_config)
    if not config["SECRET_KEY"]:
        config["SECRET_KEY"] = instance_secret_key(Path(config["INSTANCE_DIR"]))
    return config


def instance_secret_key(instance_dir: Path) -> str:
    """Return the key in instance/secret_key, creating it once (workers may race: O_EXCL)."""
    path = instance_dir / "secret_key"
    instance_dir.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(descriptor, "w", encoding="ascii") as file:
            file.write(secrets.token_hex(32))
    for _attempt in range(50):  # another worker may be writing it right now
        key = path.read_text(encoding="ascii").strip()
        if key:
            return key
        time.sleep(0.01)
    raise RuntimeError(f"{path} is empty: delete it and start again")
