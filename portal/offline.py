"""Save a language for offline: what a reader's phone keeps, and the service worker that
answers from it when there is no signal.

A *bundle* is one language's plan as a reader takes it home: the home page, the plan, every
step, the plan's PDF, the pictograms, the script's font and the offline page, in general or
in one municipality's view. `offline.json` lists its files with their size and a hash of
their bytes; the page's script (static/js/offline.js) saves them into the browser's cache and,
whenever the reader is online again, fetches only what changed and drops what is gone. The
service worker (static/js/sw.js, served from /sw.js so that it may answer for every page)
only reads that cache. Staff, editor and personal pages are never in a bundle.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from typing import Any

from flask import Blueprint, Flask, current_app, request, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import ServiceUnavailable
from werkzeug.wrappers import Response

from . import assets, content
from .addresses import plan_url, print_url, questions_url
from .http import fetch_through_app
from .i18n import languages
from .public import render_public, require_language, require_municipality
from .texts import Municipality

bp = Blueprint("offline", __name__)

# The files of a page that are static files: pictograms, stylesheet, scripts, icons.
ASSET_PATH = re.compile(r"/static/[0-9a-f]+/[\w./-]+")
# The recordings the pages play (their addresses name their version).
RECORDING_PATH = re.compile(r"/audio/[\w-]+/[\w-]+/[\w-]+\.m4a")
# Scripts whose font the browser downloads (the others use the phone's own fonts).
SCRIPT_FONTS = ("arabic", "ethiopic")
APP_ICONS = {"192x192": "icons/app-icon-192.png", "512x512": "icons/app-icon-512.png"}


def bundle_url(lang: str, municipality: Municipality | None = None) -> str:
    """Return the address of a bundle's list of files."""
    if municipality is None:
        return url_for("offline.bundle", lang=lang)
    return url_for("offline.local_bundle", lang=lang, municipality=municipality.slug)


def offline_page_url(lang: str, municipality: Municipality | None = None) -> str:
    """Return the address of a bundle's offline page (its list path, `offline/` for
    `offline.json`: the service worker finds one from the other)."""
    return bundle_url(lang, municipality).removesuffix(".json") + "/"


def bundle_pages(lang: str, municipality: Municipality | None) -> list[str]:
    """Return the pages and the PDF a bundle holds, without their static files."""
    steps = [None, *(step.slug for step in content.current().steps)]
    pages = [url_for("public.home", lang=lang), offline_page_url(lang, municipality)]
    pages += [plan_url(lang, step, municipality) for step in steps]
    topics = [None, *(topic.slug for topic in content.current().topics.values())]
    pages += [questions_url(lang, topic, municipality) for topic in topics]
    # The page that shows a person's own plan (kept in the phone's storage, not in the pack).
    pages.append(url_for("public.my_plan", lang=lang))
    return [*pages, print_url(lang, municipality=municipality), url_for(".manifest", lang=lang)]


def script_fonts(lang: str) -> list[str]:
    """Return the web fonts a language's pages need: the script's font in both weights."""
    script = languages()[lang].script
    if script not in SCRIPT_FONTS:
        return []
    return [assets.asset_url(f"fonts/noto-sans-{script}-{weight}.woff2") for weight in (400, 700)]


def describe_bundle(lang: str, municipality: Municipality | None) -> dict[str, Any]:
    """Fetch every file of a bundle through the app, as the reader's phone will, and list
    them with the bytes they take on the line (gzipped where the portal gzips) and a hash.

    The static files are the ones the pages name, so a new pictogram or script is never
    forgotten. A plan PDF that is not made yet is made now (or, when the printer is busy,
    the answer is 503 and the page asks again).
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    base = request.host_url
    files: dict[str, dict[str, Any]] = {}
    queue = [*bundle_pages(lang, municipality), *script_fonts(lang)]
    while queue:
        path = queue.pop(0)
        if path in files:
            continue
        reply = fetch_through_app(app, path, base, {"Accept-Encoding": "gzip"})
        if reply.status_code == 503:
            raise ServiceUnavailable(retry_after=5)
        if reply.status_code != 200:
            raise RuntimeError(f"{path} answered {reply.status_code} while saving for offline")
        body = reply.get_data()
        reply.close()  # a recording is sent from its open file
        files[path] = {"url": path, "size": len(body), "hash": fingerprint(body)}
        if reply.mimetype in ("text/html", "application/manifest+json"):
            text = gzip.decompress(body) if reply.content_encoding == "gzip" else body
            queue += ASSET_PATH.findall(text.decode("utf-8"))
            queue += RECORDING_PATH.findall(text.decode("utf-8"))
    listed = list(files.values())
    return {
        "url": bundle_url(lang, municipality),
        "offline_page": offline_page_url(lang, municipality),
        "size": sum(file["size"] for file in listed),
        "files": listed,
    }


def fingerprint(body: bytes) -> str:
    """Return a short hash of a file's bytes: a file whose hash changed is fetched again."""
    return hashlib.sha256(body).hexdigest()[:16]


@bp.route("/<lang:lang>/offline.json", defaults={"municipality": None})
@bp.route("/<lang:lang>/gemeente/<municipality>/offline.json", endpoint="local_bundle")
def bundle(lang: str, municipality: str | None) -> Response:
    """List the files of a language's bundle, to save it or to bring a saved copy up to date."""
    require_language(lang)
    place = require_municipality(municipality)
    body = json.dumps(described(lang, place), ensure_ascii=False, indent=1)
    response = current_app.response_class(body, mimetype="application/json")
    # Always asked again (a saved copy must see changes soon), mostly answered "not modified".
    response.headers["Cache-Control"] = "no-cache"
    response.set_etag(fingerprint(body.encode("utf-8")))
    return response.make_conditional(request)


def described(lang: str, municipality: Municipality | None) -> dict[str, Any]:
    """Return a bundle's description, kept while content, static files and address stay the
    same: describing fetches some twenty files through the app (a tenth of a second)."""
    remembered: dict[tuple[str, ...], dict[str, Any]] = current_app.extensions["wegwijs_bundles"]
    key = (
        bundle_url(lang, municipality),
        content.current().version,
        assets.store().version,
        request.host_url,
        str(current_app.config["PUBLIC_BASE_URL"]),
    )
    if key not in remembered:
        if len(remembered) > 64:  # old versions: one entry per language and view is enough
            remembered.clear()
        remembered[key] = describe_bundle(lang, municipality)
    return remembered[key]


@bp.route("/<lang:lang>/offline/", defaults={"municipality": None})
@bp.route("/<lang:lang>/gemeente/<municipality>/offline/", endpoint="local_offline_page")
def offline_page(lang: str, municipality: str | None) -> Response:
    """Show what is saved on this phone: the page the service worker shows, without a
    connection, for a page that is not saved."""
    require_language(lang)
    return render_public("public/offline.html", require_municipality(municipality))


@bp.route("/<lang:lang>/manifest.webmanifest")
def manifest(lang: str) -> Response:
    """Describe the portal as an app that a phone can put on its home screen, in a language."""
    require_language(lang)
    locale = languages()[lang]
    app_manifest = {
        "name": "Wegwijs",
        "short_name": "Wegwijs",
        "description": _("The steps of your inburgering, in your language."),
        "lang": locale.tag,
        "dir": locale.dir,
        "start_url": url_for("public.home", lang=lang),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#1d3a5f",
        "icons": [
            {"src": assets.asset_url(name), "sizes": size, "type": "image/png", "purpose": "any"}
            for size, name in APP_ICONS.items()
        ]
        + [
            {
                "src": assets.asset_url(APP_ICONS["512x512"]),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            }
        ],
    }
    body = json.dumps(app_manifest, ensure_ascii=False, indent=1)
    response = current_app.response_class(body, mimetype="application/manifest+json")
    response.headers["Cache-Control"] = f"public, max-age={current_app.config['PUBLIC_MAX_AGE']}"
    return response


@bp.route("/sw.js")
def service_worker() -> Response:
    """Send the service worker from the root, so that it may answer for every page.

    Browsers look for a new version of it at least once a day; no-cache makes them ask
    every time they look (it is small)."""
    script = assets.store().files["js/sw.js"]
    response = current_app.response_class(script.body, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.app_context_processor
def offline_helpers() -> dict[str, Any]:
    """Give templates the addresses of bundles, offline pages and the manifest."""
    return {"bundle_url": bundle_url, "offline_page_url": offline_page_url}


def init_app(app: Flask) -> None:
    """Register the offline routes and the per-worker memory of bundle descriptions."""
    app.extensions["wegwijs_bundles"] = {}
    app.register_blueprint(bp)
