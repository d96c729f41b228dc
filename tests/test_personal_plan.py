"""The personal plan: the staff form, its checks in the staff member's language, and the PDF
in the person's language plus Dutch, read back with pdffonts and pdftotext. Nothing typed may
be stored or cached."""

from __future__ import annotations

import pytest
from babel.dates import format_date
from flask import Flask
from werkzeug.test import TestResponse

from portal.printing import PdfCache
from portal.texts import Step
from tests.catalogs import catalog_text, shown_text
from tests.conftest import LANGUAGES, StaffClient, content_of, make_staff_app
from tests.dates import APPOINTMENT, DATES
from tests.html_tools import ElementTexts
from tests.pdf_tools import (
    as_extracted,
    embedded_font_names,
    fonts,
    has_phrase,
    normalise,
    page_count,
)
from tests.prints import KeptPrints

FORM = "/staff/personal-plan/"
NAME = '<b>Ali</b> "O\'Neil" & van der Berg'
# Impossible input, one field each: (field id, what was typed).
IMPOSSIBLE = {
    "name": "",
    "appointments-0-date": "31-02-2027",
    "appointments-0-time": "25:00",
    "contacts-0-phone": "013 abc 4567",
}
MESSAGES = {
    "name": "Write the name of the person.",
    "appointments-0-date": "This date does not exist.",
    "appointments-0-time": "This time does not exist.",
    "contacts-0-phone": "A phone number has only digits, spaces and + - ( ).",
}


def routes_of(app: Flask) -> tuple[Step, ...]:
    """Return the learning routes: the first group of steps that are alternatives ("or")."""
    groups = content_of(app).alternatives()
    assert groups, "the plan has no learning routes to choose from"
    return groups[0]


def person(app: Flask, lang: str, **changes: str) -> dict[str, str]:
    """Return a valid form: a person with a municipality, a route, a contact and a meeting."""
    return {
        "name": NAME,
        "language": lang,
        "municipality": "tilburg",
        "route": routes_of(app)[1].slug,
        "current_step": "brede-intake",
        "contacts-0-name": "Fatima Jansen",
        "contacts-0-role": "klantregisseur",
        "contacts-0-phone": "013 000 1234",
        "appointments-0-what": "Gesprek over het plan",
        "appointments-0-date": "3-12-2026",
        "appointments-0-time": "9:30",
        "appointments-0-place": "Stadskantoor",
    } | changes


class PersonalPlans(KeptPrints[str]):
    """Post the valid form once per language and keep the response and its text."""

    def request(self, key: str) -> TestResponse:
        return self.client.post(FORM, data=person(self.app, key))

    def response(self, lang: str) -> TestResponse:
        return self.response_of(lang)

    def pdf(self, lang: str) -> bytes:
        return self.pdf_of(lang)

    def pages(self, lang: str) -> list[str]:
        return self.pages_of(lang)


@pytest.fixture(scope="module")
def plans(staff_app: Flask) -> PersonalPlans:
    return PersonalPlans(staff_app)


def page_languages(lang: str) -> list[str]:
    """The person's language first, then Dutch; a Dutch plan is Dutch once."""
    return ["nl"] if lang == "nl" else [lang, "nl"]


class FormPage(ElementTexts):
    """Read the re-shown form: input values, chosen options, invalid fields, messages by id."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.inputs: dict[str, dict[str, str]] = {}
        self.checked: dict[str, str] = {}
        self.selected: dict[str, str] = {}
        self.feed(html)

    def start(self, tag: str, values: dict[str, str]) -> None:
        if tag == "input":
            if values.get("type") == "radio":
                if "checked" in values:
                    self.checked[values["name"]] = values["value"]
            else:
                self.inputs[values.get("id", "")] = values
        elif tag == "select":
            self._select = values["name"]
            self.inputs[values.get("id", "")] = values
        elif tag == "option" and "selected" in values and self._select:
            self.selected[self._select] = values["value"]

    def message(self, field: str) -> str:
        return self.text(f"{field}-error")


# --- The form -------------------------------------------------------------------------------


def test_the_form_is_shown_and_never_stored(staff_app: Flask) -> None:
    response = staff_app.test_client().get(FORM)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = FormPage(response.get_data(as_text=True))
    assert "name" in page.inputs
    assert "appointments-0-date" in page.inputs


def test_a_post_without_the_csrf_token_is_refused(app: Flask) -> None:
    # The default app checks CSRF: a page elsewhere cannot make a browser post this form.
    app.test_client_class = StaffClient
    response = app.test_client().post(FORM, data=person(app, "en"))
    assert response.status_code == 400
    assert not response.data.startswith(b"%PDF")


def test_a_post_with_the_forms_csrf_token_is_printed(app: Flask) -> None:
    app.test_client_class = StaffClient
    client = app.test_client()
    page = FormPage(client.get(FORM).get_data(as_text=True))
    token = page.inputs["csrf_token"]["value"]
    assert token
    response = client.post(FORM, data=person(app, "nl", csrf_token=token))
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"


# --- The PDF --------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_plan_is_a_pdf_that_nobody_stores(plans: PersonalPlans, lang: str) -> None:
    response = plans.response(lang)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_plan_is_one_page_per_language(plans: PersonalPlans, lang: str) -> None:
    assert page_count(plans.pdf(lang)) == len(page_languages(lang))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_plan_embeds_the_font_of_the_persons_script(plans: PersonalPlans, lang: str) -> None:
    names = embedded_font_names(plans.pdf(lang), lang)
    assert "Noto-Sans" in names  # the Dutch and Latin text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_plan_uses_only_the_bundled_fonts(plans: PersonalPlans, lang: str) -> None:
    # print.css: "Fonts are the bundled TTFs: never a system font." Every font the PDF
    # embeds must be one of static/fonts/ttf (pdffonts names them Noto-Sans...).
    found = fonts(plans.pdf(lang))
    strangers = [font.name for font in found if not font.name.startswith("Noto-Sans")]
    assert not strangers, f"system fonts in the {lang} personal plan: {strangers}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_name_comes_out_exactly_as_typed_on_every_page(plans: PersonalPlans, lang: str) -> None:
    for page in plans.pages(lang):
        assert NAME in normalise(page)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_page_is_in_its_language_with_the_dutch_words(
    plans: PersonalPlans, staff_app: Flask, lang: str
) -> None:
    pages = plans.pages(lang)
    chosen = routes_of(staff_app)[1]
    steps = [s for s in content_of(staff_app).steps if s not in routes_of(staff_app) or s == chosen]
    for page, page_lang in zip(pages, page_languages(lang), strict=True):
        heading = shown_text(page_lang, "My step-by-step plan")
        assert has_phrase(page, heading, page_lang), (page_lang, heading)
        for step in steps:
            assert has_phrase(page, step.text(page_lang).title, page_lang), (page_lang, step.slug)
            # The Dutch name is on every page: it is the word the person hears at the desk.
            assert normalise(step.dutch_title) in normalise(page), (page_lang, step.slug)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_dates_are_written_the_way_each_language_writes_them(
    plans: PersonalPlans, lang: str
) -> None:
    assert format_date(APPOINTMENT, "full", locale="nl") == DATES["nl"]
    assert format_date(APPOINTMENT, "full", locale="en_GB") == DATES["en"]
    for page, page_lang in zip(plans.pages(lang), page_languages(lang), strict=True):
        # Arabic: word by word, as pdftotext puts the digits of "الخميس، 3 كانون الأول 2026" in
        # visual order (see has_phrase).
        assert has_phrase(page, DATES[page_lang], page_lang), (page_lang, DATES[page_lang])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_only_the_chosen_learning_route_is_in_the_plan(
    plans: PersonalPlans, staff_app: Flask, lang: str
) -> None:
    routes = routes_of(staff_app)
    chosen = routes[1]
    others = [route for route in routes if route != chosen]
    assert len(others) == 2
    text = "\n".join(plans.pages(lang))
    for page_lang in page_languages(lang):
        assert has_phrase(text, chosen.text(page_lang).title, page_lang)
        for other in others:
            title = as_extracted(other.text(page_lang).title, page_lang)
            assert normalise(title) not in normalise(text), other.slug
    for other in others:
        assert normalise(other.dutch_title) not in normalise(text), other.slug


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_plan_says_you_are_here_in_each_language(plans: PersonalPlans, lang: str) -> None:
    for page, page_lang in zip(plans.pages(lang), page_languages(lang), strict=True):
        here = catalog_text(page_lang, "You are here")
        assert here, f"'You are here' has no {page_lang} translation"
        assert has_phrase(page, here, page_lang), (page_lang, here)


def test_nothing_typed_is_cached(monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_staff_app()
    stored: list[str] = []
    real_put = PdfCache.put

    def recording_put(self: PdfCache, generation: str, key: str, pdf: bytes) -> None:
        stored.append(key)
        real_put(self, generation, key, pdf)

    monkeypatch.setattr(PdfCache, "put", recording_put)
    client = app.test_client()
    assert client.post(FORM, data=person(app, "ar")).status_code == 200
    assert client.post(FORM, data=person(app, "ar", name="")).status_code == 422
    assert stored == []


@pytest.mark.parametrize("lang", ["nl", "ar", "ti"])
def test_a_completely_filled_form_still_fits_one_sheet_per_language(
    staff_app: Flask, lang: str
) -> None:
    # staff.py: three contact and three appointment rows are "what fits on one sheet";
    # print.css: "A personal plan is one sheet per language".
    data = person(staff_app, lang, route="")  # no route chosen: all steps are listed
    for row in range(3):
        data |= {
            f"contacts-{row}-name": f"Fatima Jansen {row}",
            f"contacts-{row}-role": "klantregisseur",
            f"contacts-{row}-phone": f"013 000 123{row}",
            f"appointments-{row}-what": "Gesprek over het plan",
            f"appointments-{row}-date": f"{3 + row}-12-2026",
            f"appointments-{row}-time": "9:30",
            f"appointments-{row}-place": "Stadskantoor",
        }
    response = staff_app.test_client().post(FORM, data=data)
    assert response.status_code == 200
    pages = page_count(response.data)
    assert pages == len(page_languages(lang)), f"{pages} pages for {page_languages(lang)}"


# --- Impossible input -----------------------------------------------------------------------


def impossible(app: Flask) -> dict[str, str]:
    """Return a form with one impossible value in four fields, and sensible values elsewhere."""
    return person(
        app, "ar", municipality="goirle", route=routes_of(app)[2].slug, current_step="pip"
    ) | {
        "name": IMPOSSIBLE["name"],
        "contacts-0-phone": IMPOSSIBLE["contacts-0-phone"],
        "appointments-0-date": IMPOSSIBLE["appointments-0-date"],
        "appointments-0-time": IMPOSSIBLE["appointments-0-time"],
    }


@pytest.fixture(scope="module")
def refused(staff_app: Flask) -> TestResponse:
    """Return the answer to the impossible form (asked in Dutch, the default)."""
    return staff_app.test_client().post(FORM, data=impossible(staff_app))


def test_impossible_input_is_refused_and_not_stored(refused: TestResponse) -> None:
    assert refused.status_code == 422
    assert refused.mimetype == "text/html"
    assert refused.headers["Cache-Control"] == "no-store"


def test_each_impossible_field_has_its_message_next_to_it(refused: TestResponse) -> None:
    page = FormPage(refused.get_data(as_text=True))
    for field in IMPOSSIBLE:
        attrs = page.inputs[field]
        assert attrs["aria-invalid"] == "true", field
        assert f"{field}-error" in attrs["aria-describedby"].split(), field
        assert page.message(field), f"no message with id {field}-error"
    valid = [f for f in page.inputs if f not in IMPOSSIBLE and "aria-invalid" in page.inputs[f]]
    assert valid
    for field in valid:
        assert page.inputs[field]["aria-invalid"] == "false", field
        assert f"{field}-error" not in page.texts, field


def test_every_typed_value_stays_in_the_form(staff_app: Flask, refused: TestResponse) -> None:
    page = FormPage(refused.get_data(as_text=True))
    typed = impossible(staff_app)
    for field, value in typed.items():
        if field in ("language", "municipality", "current_step"):
            assert page.selected.get(field) == value, field
        elif field == "route":
            assert page.checked.get("route") == value
        else:
            assert page.inputs[field].get("value", "") == value, field


def test_the_name_is_shown_literally_in_the_form_again(staff_app: Flask) -> None:
    response = staff_app.test_client().post(
        FORM, data=person(staff_app, "en", **{"appointments-0-date": "31-02-2027"})
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert FormPage(html).inputs["name"]["value"] == NAME
    assert "<b>Ali</b>" not in html  # escaped, not a tag


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_messages_are_in_the_staff_members_language(staff_app: Flask, lang: str) -> None:
    response = staff_app.test_client().post(
        FORM, data=impossible(staff_app), headers={"Accept-Language": lang}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'<html lang="{lang}"' in html
    page = FormPage(html)
    for field, msgid in MESSAGES.items():
        translation = catalog_text(lang, msgid)
        assert translation, f"{msgid!r} has no {lang} translation in messages.po"
        assert page.message(field) == normalise(translation), field
        if lang != "en":
            assert translation != msgid
            assert msgid not in html, field
