"""Response policy for every page (security headers, caching and compression), and fetching
a page through the app as a browser would (for saving, exporting and making PDFs ahead)."""

from __future__ import annotations

import gzip

from flask import Flask, Response, current_app, request
from werkzeug.test import TestResponse

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "media-src 'self' blob:",  # recordings; blob: an editor's recording before it is saved
        "manifest-src 'self'",
        "worker-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}
# Browsers keep to HTTPS for a year once they saw this (only sent when PORTAL_HTTPS is set).
HSTS = "max-age=31536000; includeSubDomains"
# Below this size gzip saves too little to be worth the work.
MIN_COMPRESS_SIZE = 512


def add_security_headers(response: Response) -> Response:
    """Give every response the same strict security headers (and HSTS when on HTTPS)."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if current_app.config["HTTPS"]:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def compress(response: Response) -> Response:
    """Gzip HTML and JSON for clients that accept it: old phones on slow data pay per byte."""
    if (
        response.direct_passthrough
        or response.status_code != 200
        or "Content-Encoding" in response.headers
        or response.mimetype not in ("text/html", "application/json")
    ):
        return response
    response.vary.add("Accept-Encoding")
    if "gzip" not in request.headers.get("Accept-Encoding", ""):
        return response
    body = response.get_data()
    if len(body) < MIN_COMPRESS_SIZE:
        return response
    response.set_data(gzip.compress(body, 6, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    return response


def no_store(response: Response) -> Response:
    """Keep a page out of every cache: it shows personal data or a visitor's own form."""
    response.headers["Cache-Control"] = "no-store"
    return response


def public_cache(response: Response) -> Response:
    """Let browsers and shared caches keep a public page for a while."""
    response.headers["Cache-Control"] = f"public, max-age={current_app.config['PUBLIC_MAX_AGE']}"
    return response


def fetch_through_app(
    app: Flask, path: str, base: str, headers: dict[str, str] | None = None
) -> TestResponse:
    """GET a path from the running app as a browser would, from inside a request or a
    command. The request gets an app context (and so a `g`) of its own: Flask-Babel keeps the
    locale in `g`, and a request inside another would otherwise speak the other's language."""
    with app.app_context():
        return app.test_client().get(path, base_url=base, headers=headers or {})


def init_app(app: Flask) -> None:
    """Apply the response policy to every response of the app."""
    app.after_request(compress)
    app.after_request(add_security_headers)
