"""Render every public PDF ahead into the shared cache (printing.PdfCache), so that a reader
never waits for one and a storm of PDF requests finds them all made.

`flask prints build` renders them all; the job worker renders the missing ones a few at a
time every minute (after a start, and after an editor's change made new ones necessary).
Both need PORTAL_PUBLIC_BASE_URL: the QR codes of a PDF lead to the public address.
"""

from __future__ import annotations

import time

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from . import content
from .addresses import plan_pages, print_url, questions_print_url
from .http import fetch_through_app
from .i18n import languages
from .textfiles import SOURCE_LANGUAGE
from .texts import Municipality

# How long the job worker renders public PDFs at a time before it looks for lists of letters.
PREBUILD_SECONDS = 20.0


def public_pdf_paths() -> list[str]:
    """Return the path of every public PDF: the plan, every step and the questions booklet,
    in every language, with the Dutch text after it or not, in general and in every
    municipality's view."""
    plan = [
        print_url(lang, step, bilingual, place)
        for lang, step, place in plan_pages(languages(), content.current())
        for bilingual in ((False,) if lang == SOURCE_LANGUAGE else (False, True))
    ]
    places: list[Municipality | None] = [None, *content.current().municipalities.values()]
    questions = [
        questions_print_url(lang, bilingual, place)
        for lang in languages()
        for place in places
        for bilingual in ((False,) if lang == SOURCE_LANGUAGE else (False, True))
    ]
    return plan + questions


def prebuild(app: Flask, seconds: float | None = PREBUILD_SECONDS) -> tuple[int, int]:
    """Ask for every public PDF until `seconds` have passed (None: until all are asked for);
    return how many were asked for and how many are still to be made.

    A PDF in the cache answers at once; a missing one is rendered and kept. One that another
    process is rendering (503) is left for the next round.
    """
    base = str(app.config["PUBLIC_BASE_URL"]).strip()
    if not base:
        raise click.ClickException(
            "Public PDFs carry the site's address: set PORTAL_PUBLIC_BASE_URL first, "
            "e.g. PORTAL_PUBLIC_BASE_URL=https://wegwijs.example.nl"
        )
    with app.test_request_context(base_url=base):
        paths = public_pdf_paths()
    deadline = None if seconds is None else time.monotonic() + seconds
    asked, busy = 0, 0
    for path in paths:
        status = fetch_through_app(app, path, base).status_code
        asked += 1
        if status == 503:
            busy += 1
        elif status != 200:
            raise click.ClickException(f"{path} answered {status}")
        if deadline is not None and time.monotonic() > deadline:
            break  # at least one a round: the cache fills a little every round
    return asked, len(paths) - asked + busy


prints_cli = AppGroup("prints", help="The public PDFs.")


@prints_cli.command("build")
def build() -> None:
    """Render every public PDF into the shared cache (needs PORTAL_PUBLIC_BASE_URL)."""
    began = time.monotonic()
    asked, left = prebuild(current_app, seconds=None)
    while left:  # some were being rendered by the server meanwhile: ask again
        time.sleep(1)
        asked, left = prebuild(current_app, seconds=None)
    click.echo(f"{asked} public PDFs ready in {time.monotonic() - began:.0f} s")
