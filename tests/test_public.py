"""The public pages: plan, steps, municipality view, fallbacks and friendly errors."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask, render_template, template_rendered
from flask.testing import FlaskClient

from portal import create_app
from portal.markup import isolate
from tests.catalogs import shown_text
from tests.conftest import (
    LANGUAGES,
    PROJECT_ROOT,
    STEP_SLUGS,
    StaffClient,
    content_of,
    ensure_account,
    log_in_as,
)

PERSON = {
    "voornaam": "Ali",
    "achternaam": "Berg",
    "straat": "Kerkstraat",
    "huisnummer": "1",
    "postcode": "5038 AA",
    "plaats": "Tilburg",
    "afspraak": "Brede intake",
    "datum": "3-12-2026",
    "tijd": "9:30",
    "locatie": "Stadhuis",
    "contactpersoon": "Mevrouw de Vries",
    "telefoon": "013 123 4567",
}


def text(client: FlaskClient, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.get_data(as_text=True)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("slug", STEP_SLUGS)
def test_every_step_page_is_shown_in_every_language(
    app: Flask, client: FlaskClient, lang: str, slug: str
) -> None:
    # Soft hyphens mark where long words of titles may break on a phone; they are not seen.
    page = text(client, f"/{lang}/plan/{slug}/").replace("\u00ad", "")
    step = content_of(app).step(slug)
    translated = step.texts[lang]
    assert f"<h1>{translated.title}</h1>" in page
    for section in translated.sections:
        assert section.heading in page
    # The Dutch name stays visible: it is the word the reader hears at the municipality.
    assert isolate(step.dutch_title) in page or lang == "nl"
    assert f"pictograms/{step.pictogram}.svg" in page


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_plan_lists_every_step_with_pictogram_and_summary(
    app: Flask, client: FlaskClient, lang: str
) -> None:
    page = text(client, f"/{lang}/plan/")
    content = content_of(app)
    for step in content.steps:
        assert f'href="/{lang}/plan/{step.slug}/"' in page
        assert step.texts[lang].summary in page
        assert f'alt="{content.pictogram_alt(step.pictogram, lang)}"' in page


def test_a_step_page_says_where_it_is_and_links_to_its_neighbours(client: FlaskClient) -> None:
    page = text(client, "/en/plan/brede-intake/")
    assert "Step 4 of 10" in page
    assert 'rel="prev" href="/en/plan/maatschappelijke-begeleiding/"' in page
    assert 'rel="next" href="/en/plan/pip/"' in page
    first = text(client, "/en/plan/wonen-en-inschrijven/")
    assert 'rel="prev"' not in first
    last = text(client, f"/en/plan/{STEP_SLUGS[-1]}/")
    assert 'rel="next"' not in last


def test_a_missing_translation_shows_the_dutch_text_with_a_notice(
    content_copy: Path, app_on: Callable[..., Flask]
) -> None:
    (content_copy / "plan" / "05-pip" / "ti.md").unlink()
    client = app_on().test_client()
    page = text(client, "/ti/plan/pip/")
    dutch = (content_copy / "plan" / "05-pip" / "nl.md").read_text(encoding="utf-8")
    summary = re.search(r"^summary: (.+)$", dutch, flags=re.M)
    assert summary
    assert summary.group(1) in page
    assert '<article class="step" lang="nl" dir="ltr">' in page
    assert 'class="notice"' in page
    # The rest of the page stays in Tigrinya.
    assert '<html lang="ti" dir="ltr"' in page


def test_a_draft_translation_says_it_is_not_checked_yet(client: FlaskClient) -> None:
    draft = "This translation has not been checked yet. The Dutch text is the official one."
    assert draft in text(client, "/en/plan/pip/")
    assert shown_text("nl", draft) not in text(client, "/nl/plan/pip/")


@pytest.mark.parametrize(
    "url",
    [
        "/xx/",
        "/xx/plan/",
        "/nl/plan/no-such-step/",
        "/ar/plan/no-such-step/",
        "/ti/gemeente/atlantis/plan/",
        "/en/nothing/",
    ],
)
def test_unknown_pages_are_a_friendly_not_found(client: FlaskClient, url: str) -> None:
    page = text(client, url, status=404)
    assert "Traceback" not in page
    assert 'class="button"' in page  # a way back to the plan


def test_not_found_speaks_the_readers_language(client: FlaskClient) -> None:
    arabic = text(client, "/ar/plan/no-such-step/", status=404)
    assert '<html lang="ar" dir="rtl"' in arabic
    assert 'href="/ar/plan/"' in arabic
    unknown = text(client, "/xx/plan/", status=404)
    assert '<html lang="nl"' in unknown


def test_a_server_error_is_a_friendly_page(app: Flask) -> None:
    @app.route("/boom")
    def boom() -> str:
        raise RuntimeError("boom")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "Traceback" not in response.get_data(as_text=True)
    assert "RuntimeError" not in response.get_data(as_text=True)


@pytest.mark.parametrize("lang", ["nl", "ar", "ti"])
def test_a_form_sent_without_its_token_is_a_friendly_page_with_a_way_back(
    app: Flask, lang: str
) -> None:
    """A form left open too long (its CSRF token expired) is a visitor's error, not a crash."""
    app.test_client_class = StaffClient
    client = app.test_client()
    letter_page = "/staff/letters/uitnodiging-brede-intake/"
    response = client.post(
        letter_page,
        data={"municipality": "tilburg"},
        headers={"Accept-Language": lang, "Referer": f"http://localhost{letter_page}"},
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f'<html lang="{lang}"' in page
    assert shown_text(lang, "Please try again") in page
    assert f'href="{letter_page}"' in page  # back to the form
    assert 'href="/staff/"' in page  # back to the staff area


def test_the_way_back_never_leads_to_another_site(client: FlaskClient) -> None:
    page = client.get("/nl/no-such-page/", headers={"Referer": "https://evil.example/x"})
    assert "evil.example" not in page.get_data(as_text=True)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_municipality_view_shows_local_contact_details(client: FlaskClient, lang: str) -> None:
    page = text(client, f"/{lang}/gemeente/tilburg/plan/")
    assert "013 000 0000" in page
    assert "5038 AA" in page
    assert f'href="/{lang}/gemeente/tilburg/plan/brede-intake/"' in page
    step = text(client, f"/{lang}/gemeente/tilburg/plan/maatschappelijke-begeleiding/")
    assert "VluchtelingenWerk (voorbeeld)" in step
    assert f'href="/{lang}/gemeente/tilburg/plan/"' in step
    assert f'rel="next" href="/{lang}/gemeente/tilburg/plan/' in step


def test_example_contact_details_are_marked_as_made_up(client: FlaskClient) -> None:
    assert "made up" in text(client, "/en/gemeente/goirle/plan/")


def test_the_municipality_list_links_to_each_view(client: FlaskClient) -> None:
    page = text(client, "/en/gemeente/")
    for slug in ("tilburg", "oisterwijk", "goirle"):
        assert f'href="/en/gemeente/{slug}/plan/"' in page


def test_the_health_check_reports_the_content(client: FlaskClient) -> None:
    data = client.get("/healthz").get_json()
    assert data["status"] == "ok"
    assert data["steps"] == len(STEP_SLUGS)
    assert data["languages"] == LANGUAGES


def test_the_health_check_reports_a_broken_change(
    content_copy: Path, app_on: Callable[..., Flask]
) -> None:
    client = app_on().test_client()
    (content_copy / "plan" / "05-pip" / "en.md").write_text("broken", encoding="utf-8")
    assert client.get("/healthz").get_json()["status"] == "stale-content"
    assert client.get("/en/plan/pip/").status_code == 200


PUBLIC_PAGES = [
    "/language/",
    "/nl/",
    "/ar/plan/",
    "/ti/plan/brede-intake/",
    "/en/gemeente/",
    "/en/gemeente/tilburg/plan/pip/",
    "/ar/vragen/",
    "/ti/gemeente/tilburg/vragen/hulp-in-uw-taal/",
    "/ar/mijn-plan/",
]


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_pages_have_strict_security_headers_and_no_inline_script(
    client: FlaskClient, url: str
) -> None:
    response = client.get(url)
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy
    assert "unsafe-inline" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    page = response.get_data(as_text=True)
    # Only scripts from our static files (saving for offline), none written into the page.
    for attributes, body in re.findall(r"<script\b([^>]*)>(.*?)</script>", page, re.S):
        assert re.fullmatch(r' src="/static/\w+/js/[\w-]+\.js" defer', attributes)
        assert not body.strip()
    assert page.count("<script") == len(re.findall(r"<script\b[^>]*></script>", page))
    assert " style=" not in page
    assert "<style" not in page
    assert re.search(r" on[a-z]+=", page) is None


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_pages_may_be_cached_and_are_compressed(client: FlaskClient, url: str) -> None:
    response = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert response.headers["Cache-Control"].startswith("public, max-age=")
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]


def test_every_template_is_rendered_by_some_page(tmp_path: Path) -> None:
    # An instance folder of its own: an empty PDF cache, so the public PDF is printed.
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "INSTANCE_DIR": str(tmp_path)})
    client = app.test_client()
    rendered: set[str] = set()

    def record(sender: Flask, template, context, **extra: object) -> None:
        rendered.add(template.name)

    template_rendered.connect(record, app)
    pdfs = ["/ar/plan-bilingual.pdf", "/ti/vragen.pdf"]
    for url in [*PUBLIC_PAGES, "/en/plan/", "/xx/", *pdfs, "/staff/login"]:
        client.get(url)
    client.get("/ar/offline/")
    with app.test_request_context("/language/"):  # the static export's /language/ti/
        render_template("public/go_to_language.html", lang="ti")
    app.config["WTF_CSRF_ENABLED"] = False
    for _attempt in range(11):  # the eleventh login attempt in a minute meets the rate limit
        client.post("/staff/login", data={"email": "x@example.org", "password": "wrong"})
    app.test_client_class = StaffClient
    staff = app.test_client()
    assert staff.get("/staff/window-check/tilburg.pdf").mimetype == "application/pdf"
    for url in ["/staff/", "/staff/personal-plan/", "/staff/forms/voorbereiding-intake/"]:
        assert staff.get(url).status_code == 200, url
    staff.get("/staff/letters/uitnodiging-pip/list")
    form = {"name": "A", "language": "ti", "municipality": "", "route": "", "current_step": "pip"}
    assert staff.post("/staff/personal-plan/", data=form).mimetype == "application/pdf"
    letter = {"municipality": "tilburg", "action": "preview", **PERSON, "taal": "ti"}
    assert staff.post("/staff/letters/herinnering-afspraak/", data=letter).status_code == 200
    letter["action"] = "pdf"
    assert staff.post("/staff/letters/herinnering-afspraak/", data=letter).data.startswith(b"%PDF")
    form = {"municipality": "tilburg", "language": "ar", "mode": "blank"}
    assert staff.post("/staff/forms/voorbereiding-intake/", data=form).data.startswith(b"%PDF")
    person = PERSON | {"taal": "ar"}
    people = ";".join(person) + "\n" + ";".join(person.values()) + "\n"
    started = staff.post(
        "/staff/letters/herinnering-afspraak/list",
        data={"municipality": "tilburg", "list": (io.BytesIO(people.encode()), "lijst.csv")},
        content_type="multipart/form-data",
    )
    assert started.status_code == 303
    assert staff.get(started.headers["Location"]).status_code == 200  # the job page
    admin = app.test_client()
    log_in_as(admin, ensure_account(app, "admin@example.org", "admin", ()))
    for url in [
        "/editor/",
        "/editor/step/pip/ar",
        "/editor/letter/uitnodiging-pip/ti",
        "/editor/xliff/en",
        "/editor/strings/ar",
        "/editor/languages",
        "/editor/audio/step/pip/ar",
        "/editor/facts",
        "/editor/step/pip/nl",
        "/admin/accounts",
        "/admin/accounts/1",
    ]:
        assert admin.get(url).status_code == 200, url
    body = "## a\nb\n## c\nd\n## e\nf\n## g\nh\n"
    edit = {"base": "wrong", "action": "preview", "title": "t", "summary": "s", "body": body}
    assert admin.post("/editor/step/pip/ar", data=edit).status_code == 409
    base = re.search(r'name="base" value="(\w+)"', admin.get("/editor/step/pip/ar").text)
    assert base is not None
    edit["base"] = base.group(1)
    assert admin.post("/editor/step/pip/ar", data=edit).status_code == 200  # the preview
    templates = PROJECT_ROOT / "portal" / "templates"
    pages = {
        p.relative_to(templates).as_posix()
        for p in templates.rglob("*.html")
        if not p.name.startswith("_") and p.name != "base.html"
    }
    assert pages <= rendered


def test_no_url_disappears_unnoticed(app: Flask) -> None:
    """Compare the routes with the committed list; update tests/routes.txt on purpose only."""
    routes = sorted(
        f"{rule.rule} {','.join(sorted(rule.methods - {'HEAD', 'OPTIONS'}))}"
        for rule in app.url_map.iter_rules()
    )
    committed = (PROJECT_ROOT / "tests" / "routes.txt").read_text(encoding="utf-8").split("\n")
    assert routes == [line for line in committed if line]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_step_page_explains_its_terms_when_tapped(
    app: Flask, client: FlaskClient, lang: str
) -> None:
    page = text(client, f"/{lang}/plan/brede-intake/")
    loaded = content_of(app)
    terms = loaded.terms_of(loaded.step("brede-intake").dutch_words)
    assert {"brede intake", "leerbaarheidstoets", "klantregisseur"} <= {t.dutch for t in terms}
    explained = re.findall(r'<details class="word-explained">(.*?)</details>', page, re.S)
    assert len(explained) == len(terms)
    for term, html in zip(terms, explained, strict=True):
        entry = term.in_language(lang)
        assert isolate(term.dutch) in html
        assert entry.explain in html
        assert lang == "nl" or entry.term == term.dutch or entry.term in html


def test_the_end_of_the_inburgering_is_told_per_route(client: FlaskClient) -> None:
    # A reader in the Z-route is not told to take exams; the page names where that comes from.
    page = text(client, "/nl/plan/examens/")
    routes = dict(re.findall(r"<li><strong>([^<]+):</strong>([^<]+)</li>", page))
    assert set(routes) == {"B1-route", "Z-route", "Onderwijsroute"}
    assert "u doet examens" in routes["B1-route"]
    assert "u doet geen examen" in routes["Z-route"]
    assert 'class="sources"' in page
    assert 'href="https://werkeninkomentilburg.nl/' in page


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_home_page_and_what_to_bring_show_pictograms(
    app: Flask, client: FlaskClient, lang: str
) -> None:
    home = text(client, f"/{lang}/")
    for name in ("residence-permit", "plan", "town-hall"):
        assert f"pictograms/{name}.svg" in home, name
    loaded = content_of(app)
    step = loaded.step("brede-intake")
    assert step.bring == ("residence-permit", "bank-card", "letters")
    page = text(client, f"/{lang}/plan/brede-intake/")
    bring = re.search(r'<div class="bring">.*?</div>', page, flags=re.S)
    assert bring is not None
    for name in step.bring:
        assert f"pictograms/{name}.svg" in bring.group(0)
        assert loaded.pictogram_alt(name, lang) in bring.group(0)  # the words beside it


def test_every_step_shows_its_key_action_as_a_pictogram_beside_what_you_do(
    app: Flask, client: FlaskClient
) -> None:
    loaded = content_of(app)
    for step in loaded.steps:
        assert step.action in loaded.pictograms, step.slug
        page = text(client, f"/ar/plan/{step.slug}/")
        action = re.search(r'<div class="with-pictogram step-action">(.*?)</div>', page, re.S)
        assert action is not None, step.slug
        assert f"pictograms/{step.action}.svg" in action.group(1)
        assert f'alt="{loaded.pictogram_alt(step.action, "ar")}"' in action.group(1)
        # Beside the list of what to do (the second part of the step).
        assert "<li>" in page[action.end() : action.end() + 400] or "<li>" in action.group(1)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_municipalitys_view_of_a_step_shows_what_it_offers(
    app: Flask, client: FlaskClient, lang: str
) -> None:
    loaded = content_of(app)
    kinds = loaded.choice_lists["aanbod"]
    tilburg = loaded.municipalities["tilburg"]
    offers = tilburg.offers_for("meedoen", kinds)
    assert [offer.kind for offer in offers] == ["orientatietraject"]
    page = text(client, f"/{lang}/gemeente/tilburg/plan/meedoen/")
    box = re.search(r'<div class="offers">.*?</div>', page, flags=re.S)
    assert box is not None
    assert kinds.label("orientatietraject", lang) in box.group(0)
    assert isolate(offers[0].by) in box.group(0)
    # Without a municipality, or in one that offers nothing for the step: no box.
    assert 'class="offers"' not in text(client, f"/{lang}/plan/meedoen/")
    assert 'class="offers"' not in text(client, f"/{lang}/gemeente/tilburg/plan/pip/")
