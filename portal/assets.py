"""Static files served from memory under a fingerprinted URL, cached by browsers forever."""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, Flask, Response, abort, current_app, request, url_for
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

# Only these are sent to browsers; the TTF fonts in static/fonts/ttf/ are for PDFs.
WEB_SUFFIXES = {".css", ".js", ".svg", ".woff2", ".png", ".ico", ".txt"}
COMPRESSIBLE = {".css", ".js", ".svg", ".txt"}
IMMUTABLE = "public, max-age=31536000, immutable"

bp = Blueprint("assets", __name__)


@dataclass(frozen=True)
class Asset:
    """One static file: its bytes, gzip-compressed bytes when that helps, and its type."""

    body: bytes
    gzipped: bytes | None
    mimetype: str


class AssetStore:
    """Every web file of static/, read once, with one version code for the whole set.

    One version for all files keeps relative URLs inside CSS (fonts) valid: when any file
    changes, every URL changes, so a browser can keep each file forever.
    """

    def __init__(self, static_dir: Path) -> None:
        self.files: dict[str, Asset] = {}
        digest = hashlib.sha256()
        for path in sorted(static_dir.rglob("*")):
            if not path.is_file() or path.suffix not in WEB_SUFFIXES:
                continue
            name = path.relative_to(static_dir).as_posix()
            body = path.read_bytes()
            digest.update(name.encode() + b"\0" + body)
            gzipped = gzip.compress(body, 9, mtime=0) if path.suffix in COMPRESSIBLE else None
            mimetype = mimetypes.guess_type(name)[0] or "application/octet-stream"
            if path.suffix == ".woff2":
                mimetype = "font/woff2"
            self.files[name] = Asset(body, gzipped, mimetype)
        self.version = digest.hexdigest()[:10]

    def svg_inline(self, name: str) -> Markup:
        """Return a bundled SVG icon to put straight into a page (no extra request).

        The icon sits beside words that say the same, so screen readers skip it.
        """
        svg = self.files[f"pictograms/{name}.svg"].body.decode("utf-8")
        svg = svg.replace("<svg ", '<svg class="icon" aria-hidden="true" focusable="false" ', 1)
        # The Dutch <title> would pop up as a tooltip in every language: the words beside it say it.
        svg = re.sub(r"<title>.*?</title>\s*", "", svg, count=1)
        return Markup(svg)  # noqa: S704 - our own bundled file


def printing(context: Context) -> bool:
    """Say whether a template renders a print (printing.render_print_template says so)."""
    return bool(context.get("printing"))


@pass_context
def pictogram_url(context: Context, name: str, size: int = 48) -> str:
    """Return a pictogram's URL: the drawing on the web, a PNG in prints (placed faster)."""
    if not printing(context):
        return asset_url(f"pictograms/{name}.svg")
    return asset_url(f"pictograms/print/{'large' if size > 64 else 'small'}/{name}.png")


@pass_context
def icon(context: Context, name: str) -> Markup:
    """Return a small icon beside words that say the same: inline SVG, or a PNG in prints."""
    if printing(context):
        return Markup('<img class="icon" src="{}" alt="">').format(pictogram_url(context, name))
    return store().svg_inline(name)


def store() -> AssetStore:
    """Return the asset store of the running app."""
    assets: AssetStore = current_app.extensions["wegwijs_assets"]
    return assets


def asset_url(name: str) -> str:
    """Return the fingerprinted URL of a static file; fail loudly on a missing one."""
    assets = store()
    if name not in assets.files:
        raise KeyError(f"static file {name!r} does not exist")
    return url_for("assets.serve", version=assets.version, name=name)


@bp.route("/static/<version>/<path:name>")
def serve(version: str, name: str) -> Response:
    """Send a static file from memory; cache it forever when the version is current."""
    assets = store()
    asset = assets.files.get(name)
    if asset is None:
        abort(404)
    use_gzip = asset.gzipped is not None and "gzip" in request.headers.get("Accept-Encoding", "")
    response = Response(asset.gzipped if use_gzip else asset.body, mimetype=asset.mimetype)
    if use_gzip:
        response.headers["Content-Encoding"] = "gzip"
    if asset.gzipped is not None:
        response.vary.add("Accept-Encoding")
    # An old version's URL still gets today's file, but must not be kept under that URL.
    response.headers["Cache-Control"] = IMMUTABLE if version == assets.version else "no-cache"
    return response


def init_app(app: Flask) -> None:
    """Read static/ into memory and register the asset route and template helpers."""
    assets = AssetStore(Path(app.config["STATIC_DIR"]))
    app.extensions["wegwijs_assets"] = assets
    app.register_blueprint(bp)
    app.jinja_env.globals.update(asset_url=asset_url, icon=icon, pictogram_url=pictogram_url)
