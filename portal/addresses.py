"""The public addresses of the plan, its steps and their prints: the one place that builds them.

Inside a municipality's view every address stays in that view, so the municipality is an
argument of each function, never something found in the request.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import current_app, has_request_context, request, url_for

from .texts import Content, Municipality


def plan_pages(
    langs: Iterable[str], loaded: Content
) -> list[tuple[str, str | None, Municipality | None]]:
    """Return every page of the plan as (language, step or None for the whole plan,
    municipality or None): in every language, in general and in every municipality's view."""
    places: list[Municipality | None] = [None, *loaded.municipalities.values()]
    steps: list[str | None] = [None, *(step.slug for step in loaded.steps)]
    return [(lang, step, place) for lang in langs for place in places for step in steps]


def plan_url(lang: str, step: str | None = None, municipality: Municipality | None = None) -> str:
    """Return the path of the plan or of one step, in a municipality's view when one is given."""
    if municipality is None:
        if step is None:
            return url_for("public.plan", lang=lang)
        return url_for("public.step", lang=lang, step=step)
    if step is None:
        return url_for("public.local_plan", lang=lang, municipality=municipality.slug)
    return url_for("public.local_step", lang=lang, municipality=municipality.slug, step=step)


def questions_url(
    lang: str, topic: str | None = None, municipality: Municipality | None = None
) -> str:
    """Return the path of the questions pages' list or of one page, in a municipality's view
    when one is given."""
    if municipality is None:
        if topic is None:
            return url_for("public.questions", lang=lang)
        return url_for("public.topic", lang=lang, topic=topic)
    if topic is None:
        return url_for("public.local_questions", lang=lang, municipality=municipality.slug)
    return url_for("public.local_topic", lang=lang, municipality=municipality.slug, topic=topic)


def questions_print_url(
    lang: str, bilingual: bool = False, municipality: Municipality | None = None
) -> str:
    """Return the path of the questions booklet (PDF): the list's path with `.pdf`."""
    page = questions_url(lang, None, municipality).rstrip("/")
    return page + ("-bilingual" if bilingual else "") + ".pdf"


def question_pages(
    langs: Iterable[str], loaded: Content
) -> list[tuple[str, str | None, Municipality | None]]:
    """Return every questions page as (language, topic or None for the list, municipality or
    None), like plan_pages."""
    places: list[Municipality | None] = [None, *loaded.municipalities.values()]
    topics: list[str | None] = [None, *(topic.slug for topic in loaded.topics.values())]
    return [(lang, topic, place) for lang in langs for place in places for topic in topics]


def print_url(
    lang: str,
    step: str | None = None,
    bilingual: bool = False,
    municipality: Municipality | None = None,
) -> str:
    """Return the path of the PDF of the plan or a step: the page's path with `.pdf`."""
    page = plan_url(lang, step, municipality).rstrip("/")
    return page + ("-bilingual" if bilingual else "") + ".pdf"


class NoPublicAddress(RuntimeError):
    """A print was made outside a web request, and PORTAL_PUBLIC_BASE_URL is not set."""


def public_base_url() -> str:
    """Return the address a printed QR code or link leads to, without a trailing slash:
    PORTAL_PUBLIC_BASE_URL, else the address the current request came in on."""
    configured = str(current_app.config["PUBLIC_BASE_URL"]).strip()
    if configured:
        return configured.rstrip("/")
    if has_request_context():
        return request.host_url.rstrip("/")
    raise NoPublicAddress(
        "Prints made outside a web request need the site's public address: set "
        "PORTAL_PUBLIC_BASE_URL, e.g. PORTAL_PUBLIC_BASE_URL=https://wegwijs.example.nl"
    )


def online_url(lang: str, step: str | None = None, municipality: Municipality | None = None) -> str:
    """Return the full web address that a printed QR code or link leads to."""
    return public_base_url() + plan_url(lang, step, municipality)
