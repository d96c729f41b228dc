"""Blueprint for what statushouders read: language choice, the stappenplan and its steps."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from werkzeug.exceptions import HTTPException
from werkzeug.routing import BaseConverter
from werkzeug.wrappers import Response

from . import content
from .addresses import (
    online_url,
    plan_pages,
    plan_url,
    print_url,
    public_base_url,
    question_pages,
    questions_print_url,
    questions_url,
)
from .assets import asset_url
from .http import public_cache
from .i18n import LANGUAGE_COOKIE, language_from_headers, languages
from .printing import cached_public_pdf, public_pdf_response, render_in, render_print_template
from .texts import Municipality

bp = Blueprint("public", __name__)

# A year: the language a visitor chose is a preference, not personal data.
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600


class LanguageCodeConverter(BaseConverter):
    """Match anything shaped like a language code; the view decides if we have it."""

    regex = r"[a-z]{2,3}(?:-[a-z0-9]{2,8})*"


def require_language(lang: str) -> None:
    """Answer 404 for a language the portal does not have."""
    if lang not in languages():
        abort(404)


def require_municipality(slug: str | None) -> Municipality | None:
    """Return the municipality of a municipality view, or answer 404 for an unknown one."""
    if slug is None:
        return None
    municipality = content.current().municipalities.get(slug)
    if municipality is None:
        abort(404)
    return municipality


def render_public(
    template: str, municipality: Municipality | None = None, **context: Any
) -> Response:
    """Render a public page that every visitor gets the same, so caches may keep it.

    `municipality` is the municipality of the view (None outside one): its contact details
    are shown, and every link on the page stays inside its view.
    """
    page = render_template(
        template,
        content=content.current(),
        municipality=municipality,
        alternates=language_versions(),
        reader_lang=(request.view_args or {}).get("lang"),
        **context,
    )
    return public_cache(make_response(page))


def language_versions() -> list[tuple[str, str]]:
    """Return the same page in every language, for search engines (<link rel="alternate"
    hreflang>): full addresses, and the language chooser as the version for everyone else."""
    arguments = request.view_args or {}
    if "lang" not in arguments or request.endpoint is None:
        return []
    base = public_base_url()
    versions = [
        (code, base + url_for(request.endpoint, **(arguments | {"lang": code})))
        for code in languages()
    ]
    return [*versions, ("x-default", base + url_for("public.index"))]


@bp.app_context_processor
def address_helpers() -> dict[str, Any]:
    """Give every template (public pages, prints, the offline page) the builders of the
    plan's addresses."""
    return {
        "plan_url": plan_url,
        "print_url": print_url,
        "questions_url": questions_url,
        "questions_print_url": questions_print_url,
    }


@bp.app_context_processor
def appointment_helpers() -> dict[str, Any]:
    """Give the pages that show appointments from a link what the kinds are called."""
    return {"choice_labels": choice_labels}


@bp.route("/")
def index() -> Response:
    """Send a visitor to their language, or show the language chooser."""
    lang = language_from_headers()
    response = redirect(url_for(".home", lang=lang)) if lang else chooser()
    response.vary.update(["Cookie", "Accept-Language"])
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.route("/language/")
def chooser() -> Response:
    """Show every language in its own script."""
    return render_public("public/chooser.html")


@bp.route("/language/<lang:lang>")
def choose(lang: str) -> Response:
    """Remember the chosen language and open its home page."""
    require_language(lang)
    response = redirect(url_for(".home", lang=lang))
    response.set_cookie(
        LANGUAGE_COOKIE,
        lang,
        max_age=LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        httponly=True,
        secure=current_app.config["HTTPS"],
    )
    return response


@bp.route("/<lang:lang>/")
def home(lang: str) -> Response:
    """Show the welcome page of one language."""
    require_language(lang)
    return render_public("public/home.html")


@bp.route("/<lang:lang>/gemeente/")
def municipalities(lang: str) -> Response:
    """List the municipalities that have their own view of the plan."""
    require_language(lang)
    return render_public("public/municipalities.html")


@bp.route("/<lang:lang>/plan/", defaults={"municipality": None})
@bp.route("/<lang:lang>/gemeente/<municipality>/plan/", endpoint="local_plan")
def plan(lang: str, municipality: str | None) -> Response:
    """Show the whole stappenplan, with local contact details in a municipality's view."""
    require_language(lang)
    return render_public("public/plan.html", require_municipality(municipality))


@bp.route("/<lang:lang>/plan/<step>/", defaults={"municipality": None})
@bp.route("/<lang:lang>/gemeente/<municipality>/plan/<step>/", endpoint="local_step")
def step(lang: str, step: str, municipality: str | None) -> Response:
    """Show one step: what happens, what you do, who helps you, how long it takes."""
    require_language(lang)
    place = require_municipality(municipality)
    loaded = content.current()
    found = loaded.step(step)
    if found is None:
        abort(404)
    previous, following = loaded.neighbours(found)
    return render_public(
        "public/step.html", place, step=found, previous=previous, following=following
    )


@bp.route("/<lang:lang>/mijn-plan/")
def my_plan(lang: str) -> Response:
    """Show a person's own plan from the fragment of the link on their paper plan.

    The page is the same for everyone: the plan is read in the browser from the part of the
    address after # (which browsers never send) or from this phone's storage.
    """
    require_language(lang)
    return render_public("public/my_plan.html", plan_data=my_plan_data(lang))


def my_plan_data(lang: str) -> dict[str, Any]:
    """Return what the page needs to show any plan in `lang`: the steps, the learning routes,
    and what the roles of contacts are called (the kinds of appointment: appointment_words)."""
    loaded = content.current()
    routes = loaded.alternatives()
    return {
        "steps": [
            {
                "slug": step.slug,
                "number": step.number,
                "title": step.text(lang).title,
                "summary": step.text(lang).summary,
                "lang": step.text(lang).lang,
                "url": plan_url(lang, step.slug),
                "pictogram": asset_url(f"pictograms/{step.pictogram}.svg"),
            }
            for step in loaded.steps
        ],
        "routes": [step.slug for step in routes[0]] if routes else [],
        "roles": choice_labels("rol", lang),
    }


def choice_labels(list_name: str, lang: str) -> dict[str, str]:
    """Return what the choices of a list are called in `lang` (in Dutch where not translated):
    a link names a kind of appointment or a role by its choice's name."""
    found = content.current().choice_lists.get(list_name)
    if found is None:
        return {}
    return {
        c.name: found.label(c.name, lang) or found.label(c.name, "nl") or c.name
        for c in found.choices
    }


@bp.route("/<lang:lang>/vragen/", defaults={"municipality": None})
@bp.route("/<lang:lang>/gemeente/<municipality>/vragen/", endpoint="local_questions")
def questions(lang: str, municipality: str | None) -> Response:
    """List the questions pages: costs, time, an interpreter, letters, ..."""
    require_language(lang)
    return render_public("public/questions.html", require_municipality(municipality))


@bp.route("/<lang:lang>/vragen/<topic>/", defaults={"municipality": None})
@bp.route("/<lang:lang>/gemeente/<municipality>/vragen/<topic>/", endpoint="local_topic")
def topic(lang: str, topic: str, municipality: str | None) -> Response:
    """Show one questions page, with the steps it belongs to."""
    require_language(lang)
    place = require_municipality(municipality)
    loaded = content.current()
    found = loaded.topic(topic)
    if found is None:
        abort(404)
    steps = [step for step in loaded.steps if step.slug in found.steps]
    return render_public("public/topic.html", place, topic=found, steps=steps)


@bp.route(
    "/<lang:lang>/<any('vragen', 'vragen-bilingual'):name>.pdf", defaults={"municipality": None}
)
@bp.route(
    "/<lang:lang>/gemeente/<municipality>/<any('vragen', 'vragen-bilingual'):name>.pdf",
    endpoint="local_questions_print",
)
def questions_print(lang: str, name: str, municipality: str | None) -> Response:
    """Print every questions page as one A4 booklet; `-bilingual` adds the Dutch text."""
    require_language(lang)
    place = require_municipality(municipality)
    bilingual = name.endswith("-bilingual")
    if bilingual and lang == "nl":
        return redirect(questions_print_url(lang, municipality=place))
    topics = list(content.current().topics.values())

    def blocks(block_lang: str) -> dict[str, Any]:
        return {
            topic.slug: render_in(
                block_lang, "print/_topic_block.html", topic=topic, dutch_copy=block_lang != lang
            )
            for topic in topics
        }

    def render_html() -> str:
        return render_print_template(
            "print/questions.html",
            topics=topics,
            reader_blocks=blocks(lang),
            dutch_blocks=blocks("nl") if bilingual else None,
            online_url=public_base_url() + questions_url(lang, None, place),
            municipality=place,
        )

    key = ["questions", lang, place.slug if place else "", "bilingual" if bilingual else "single"]
    pdf = cached_public_pdf(key, render_html)
    filename = "-".join(filter(None, ["wegwijs", lang, "vragen", "nl" if bilingual else ""]))
    return public_pdf_response(pdf, f"{filename}.pdf")


def plan_pdf(
    lang: str, step_slug: str | None, bilingual: bool, municipality: Municipality | None
) -> Response:
    """Print the plan (or one step) in `lang`, with the Dutch text after it when bilingual."""
    loaded = content.current()
    steps = loaded.steps
    if step_slug is not None:
        found = loaded.step(step_slug)
        if found is None:
            abort(404)
        steps = (found,)
    address = online_url(lang, step_slug, municipality)

    def blocks(block_lang: str, qr: str | None) -> dict[str, Any]:
        return {
            s.slug: render_in(
                block_lang,
                "print/_blocks.html",
                step=s,
                online_url=qr,
                municipality=municipality,
                dutch_copy=block_lang != lang,
            )
            for s in steps
        }

    def render_html() -> str:
        # A single step's print has its QR code in the step's header, the plan's on page 1.
        return render_print_template(
            "print/plan.html",
            steps=steps,
            show_overview=step_slug is None,
            reader_blocks=blocks(lang, address if step_slug else None),
            dutch_blocks=blocks("nl", None) if bilingual else None,
            online_url=address,
            municipality=municipality,
        )

    key = ["plan", lang, municipality.slug if municipality else "", step_slug or "*"]
    key += ["bilingual" if bilingual else "single"]
    pdf = cached_public_pdf(key, render_html)  # the file in the shared cache
    name = "-".join(filter(None, ["wegwijs", lang, step_slug or "plan", "nl" if bilingual else ""]))
    return public_pdf_response(pdf, f"{name}.pdf")


@bp.route("/<lang:lang>/plan.pdf", defaults={"municipality": None, "variant": ""})
@bp.route(
    "/<lang:lang>/plan-bilingual.pdf", defaults={"municipality": None, "variant": "-bilingual"}
)
@bp.route(
    "/<lang:lang>/gemeente/<municipality>/plan.pdf",
    defaults={"variant": ""},
    endpoint="local_plan_pdf",
)
@bp.route(
    "/<lang:lang>/gemeente/<municipality>/plan-bilingual.pdf",
    defaults={"variant": "-bilingual"},
    endpoint="local_plan_pdf",
)
def plan_print(lang: str, municipality: str | None, variant: str) -> Response:
    """Print the whole stappenplan as A4 PDF; `-bilingual` adds the Dutch text."""
    require_language(lang)
    place = require_municipality(municipality)
    if variant and lang == "nl":
        return redirect(print_url(lang, municipality=place))
    return plan_pdf(lang, None, bool(variant), place)


@bp.route("/<lang:lang>/plan/<name>.pdf", defaults={"municipality": None})
@bp.route("/<lang:lang>/gemeente/<municipality>/plan/<name>.pdf", endpoint="local_step_pdf")
def step_print(lang: str, name: str, municipality: str | None) -> Response:
    """Print one step as PDF: `<step>.pdf`, or `<step>-bilingual.pdf` with the Dutch text."""
    require_language(lang)
    place = require_municipality(municipality)
    slug = name.removesuffix("-bilingual")
    if slug != name and lang == "nl":
        return redirect(print_url(lang, slug, municipality=place))
    return plan_pdf(lang, slug, slug != name, place)


@bp.route("/robots.txt")
def robots() -> Response:
    """Tell search engines what to read: the public pages, not the staff or editor areas."""
    lines = ["User-agent: *", "Disallow: /staff/", "Disallow: /editor/"]
    lines.append(f"Sitemap: {public_base_url()}{url_for('.sitemap')}")
    return public_cache(current_app.response_class("\n".join(lines) + "\n", mimetype="text/plain"))


@bp.route("/sitemap.xml")
def sitemap() -> Response:
    """List every public page in every language, for search engines."""
    base = public_base_url()
    page = render_template(
        "public/sitemap.xml", addresses=[base + path for path in public_page_paths()]
    )
    return public_cache(current_app.response_class(page, mimetype="application/xml"))


def public_page_paths() -> list[str]:
    """Return the path of every public page: home, municipalities, My plan, the plan and every
    step, in every language, in general and in every municipality's view."""
    paths = [url_for(".chooser")]
    for lang in languages():
        paths += [url_for(".home", lang=lang), url_for(".municipalities", lang=lang)]
        paths.append(url_for(".my_plan", lang=lang))  # the same page for every plan
    plan = plan_pages(languages(), content.current())
    paths += [plan_url(lang, step, place) for lang, step, place in plan]
    topics = question_pages(languages(), content.current())
    return paths + [questions_url(lang, topic, place) for lang, topic, place in topics]


@bp.route("/healthz")
def healthz() -> Response:
    """Tell monitoring that the portal runs and whether its content is current."""
    store = content.store()
    loaded = store.get()
    response = jsonify(
        # stale-content: a file is broken; what it holds is served as before, or left out.
        status="stale-content" if store.problems else "ok",
        problems=len(store.problems),
        steps=len(loaded.steps),
        languages=list(languages()),
        municipalities=len(loaded.municipalities),
    )
    response.headers["Cache-Control"] = "no-store"
    return response


AREAS = ("/staff/", "/editor/", "/admin/")  # pages for logged-in staff, editors and admins


def error_page(error: HTTPException) -> tuple[str, int, dict[str, str]]:
    """Show an error as a friendly page in the reader's language, with a way back."""
    code = error.code or 500
    area = request.path.split("/")[1] if request.path.startswith(AREAS) else ""
    staff_layout = bool(area) and current_user.is_authenticated
    page = render_template(
        "public/error.html",
        code=code,
        back=way_back(),
        area=area,
        staff_layout=staff_layout,
        recording=request.path.startswith("/editor/audio/"),  # a recording, not a list
    )
    # Retry-After of a 503, Allow of a 405: what the error itself says about trying again.
    headers = {k: v for k, v in error.get_headers() if k.lower() in ("retry-after", "allow")}
    return page, code, headers


def way_back() -> str | None:
    """Return the page the visitor came from on this site, to offer as the way back."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc != request.host or not referrer.path.startswith("/"):
        return None
    back = referrer.path + (f"?{referrer.query}" if referrer.query else "")
    # After a form was sent, its own page is the way back; a page that failed to open is not.
    same_page = back == request.full_path.rstrip("?")
    return None if same_page and request.method == "GET" else back


def init_app(app: Flask) -> None:
    """Register the public pages and the friendly error pages."""
    app.url_map.converters["lang"] = LanguageCodeConverter
    app.register_blueprint(bp)
    # Every error a visitor can meet (a form that timed out: 400, a wrong address: 404, a
    # file too large: 413, our fault: 500, ...) gets the same friendly page.
    app.register_error_handler(HTTPException, error_page)
