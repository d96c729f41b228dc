"""`flask site freeze OUTDIR`: the whole public site as plain files, for any web server or CDN.

Every public page, PDF, static file, offline bundle, the service worker, the manifests,
robots.txt and sitemap.xml are fetched through the app, as a browser would get them, and
written under the same URLs (`/ar/plan/` as `ar/plan/index.html`). Staff and editor pages
are not exported. What needs the server on the live site works without it:

- `/` shows the language chooser, and a small script opens the language the reader read
  last (remembered by offline.js) or the first one their browser asks for;
- `/language/<lang>` (the chooser's links, which set a cookie on the live site) is a page
  that opens the language's home page (`language/ar/index.html`: web servers and CDNs send
  `/language/ar` to `/language/ar/`);
- `404.html` is the friendly error page, for hosts that show one.

The export is written next to OUTDIR and then put in its place, so a web server never
serves half an export.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

import click
from flask import Flask, current_app, render_template, url_for
from flask.cli import AppGroup

from . import assets, content
from .http import fetch_through_app
from .i18n import languages
from .offline import bundle_url, offline_page_url
from .prebuild import public_pdf_paths
from .public import public_page_paths, render_public
from .recording_views import recording_paths


class ExportError(click.ClickException):
    """A page of the export could not be made; nothing was written."""


def export_paths() -> list[str]:
    """Return every address of the export that the app answers as it is."""
    places = [None, *content.current().municipalities.values()]
    paths = public_page_paths() + public_pdf_paths() + recording_paths()
    for lang in languages():
        paths.append(url_for("offline.manifest", lang=lang))
        for place in places:
            paths += [bundle_url(lang, place), offline_page_url(lang, place)]
    paths += [url_for("public.robots"), url_for("public.sitemap")]
    paths.append(url_for("offline.service_worker"))
    store = assets.store()
    return paths + [assets.asset_url(name) for name in sorted(store.files)]


def file_for(path: str) -> str:
    """Return the file that serves an address: `index.html` for one that ends in a slash."""
    return path.lstrip("/") + ("index.html" if path.endswith("/") else "")


def freeze(app: Flask, outdir: Path) -> int:
    """Write the public site into `outdir` (replacing what is there); return the file count."""
    base = str(app.config["PUBLIC_BASE_URL"]).strip().rstrip("/")
    if not base:
        raise ExportError(
            "The export's pages and PDFs carry the site's address: set PORTAL_PUBLIC_BASE_URL "
            "to where it will be published, e.g. PORTAL_PUBLIC_BASE_URL=https://wegwijs.example.nl"
        )
    outdir = outdir.resolve()
    outdir.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f".{outdir.name}-", dir=outdir.parent))
    try:
        count = write_site(app, base, building)
        replace_folder(building, outdir)
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return count


def write_site(app: Flask, base: str, folder: Path) -> int:
    """Fetch every address through the app and write it; add the pages the server makes
    differently (`/`, `/language/<lang>`, `404.html`)."""
    with app.test_request_context(base_url=base):
        paths = export_paths()
    for path in paths:
        reply = fetch_through_app(app, path, base)
        while reply.status_code == 503:  # a PDF that the server is making now: wait for it
            time.sleep(1)
            reply = fetch_through_app(app, path, base)
        if reply.status_code != 200:
            raise ExportError(f"{path} answered {reply.status_code}; nothing was written")
        write(folder, file_for(path), reply.get_data())
        reply.close()  # a recording is sent from its open file
    with app.test_request_context("/language/", base_url=base):
        write(folder, "index.html", chooser_that_picks())
        for lang in languages():
            page = render_template("public/go_to_language.html", lang=lang)
            write(folder, file_for(url_for("public.choose", lang=lang) + "/"), page.encode())
    missing = fetch_through_app(app, "/this-page-does-not-exist/", base)
    write(folder, "404.html", missing.get_data())
    return len(paths) + len(languages()) + 2


def chooser_that_picks() -> bytes:
    """Return the language chooser with the script that picks the language by itself."""
    return render_public("public/chooser.html", pick_language=True).get_data()


def write(folder: Path, name: str, body: bytes) -> None:
    """Write one file of the export."""
    target = folder / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(body)


def replace_folder(new: Path, outdir: Path) -> None:
    """Put the finished export in the place of the old one, with one rename each way."""
    new.chmod(0o755)  # mkdtemp makes it private; a web server must read it
    if outdir.exists():
        old = outdir.with_name(f".{outdir.name}-old")
        shutil.rmtree(old, ignore_errors=True)
        outdir.rename(old)
        new.rename(outdir)
        shutil.rmtree(old, ignore_errors=True)
    else:
        new.rename(outdir)


site_cli = AppGroup("site", help="The public site as plain files.")


@site_cli.command("freeze")
@click.argument("outdir", type=click.Path(file_okay=False, path_type=Path))
def freeze_command(outdir: Path) -> None:
    """Write every public page, PDF and static file into OUTDIR, for any web server or CDN
    (needs PORTAL_PUBLIC_BASE_URL: the address it will be published at)."""
    began = time.monotonic()
    count = freeze(current_app._get_current_object(), outdir)  # type: ignore[attr-defined]
    click.echo(f"{count} files written to {outdir} in {time.monotonic() - began:.0f} s")
