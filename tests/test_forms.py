"""Forms: printed blank (to fill in by hand), filled in by staff, or as a PDF with fields to
fill in on a computer; labels in Dutch and in the person's language. Read back with pdftotext
and pypdf."""

from __future__ import annotations

import io

import pytest
from flask import Flask
from pypdf import PdfReader
from werkzeug.test import TestResponse

from portal.texts import Form
from tests.catalogs import app_message
from tests.conftest import CONTENT, content_of
from tests.html_tools import StaffPage
from tests.pdf_tools import ARABIC_LETTERS, ETHIOPIC_LETTERS, has_phrase, normalise
from tests.prints import KeptPrints

FORMS = sorted(path.name for path in (CONTENT / "forms").iterdir() if path.is_dir())
FORM_LANGUAGES = ["nl", "ar", "ti"]
MODES = ["blank", "filled", "fillable"]
MUNICIPALITY = "tilburg"
NAME = "Zyx Testnaam-Ali"
# What staff type for a filled-in form, by field type.
TYPED = {"text": NAME, "date": "3-12-2026", "textarea": "Basisschool in Asmara, 6 jaar."}


def form_of(app: Flask, slug: str) -> Form:
    return content_of(app).forms[slug]


def form_values(app: Flask, slug: str, lang: str, mode: str, **changes: str) -> dict[str, str]:
    values = {"municipality": MUNICIPALITY, "language": lang, "mode": mode}
    for field in form_of(app, slug).fields:
        if field.type in TYPED:
            values[field.name] = TYPED[field.type]
    return values | changes


class Prints(KeptPrints[tuple[str, str, str]]):
    """Post each (form, language, mode) once per module and keep the answer and its text."""

    def request(self, key: tuple[str, str, str]) -> TestResponse:
        slug, lang, mode = key
        return self.client.post(
            f"/staff/forms/{slug}/", data=form_values(self.app, slug, lang, mode)
        )

    def response(self, slug: str, lang: str, mode: str) -> TestResponse:
        return self.response_of((slug, lang, mode))

    def text(self, slug: str, lang: str, mode: str) -> str:
        return "\n".join(self.pages_of((slug, lang, mode)))

    def fields(self, slug: str, lang: str, mode: str) -> dict[str, object]:
        return PdfReader(io.BytesIO(self.pdf_of((slug, lang, mode)))).get_fields() or {}


@pytest.fixture(scope="module")
def prints(staff_app: Flask) -> Prints:
    return Prints(staff_app)


def test_there_are_forms_to_test(staff_app: Flask) -> None:
    assert FORMS == sorted(content_of(staff_app).forms)
    assert len(FORMS) == 2


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("lang", FORM_LANGUAGES)
@pytest.mark.parametrize("slug", FORMS)
def test_every_form_prints_in_every_mode(prints: Prints, slug: str, lang: str, mode: str) -> None:
    response = prints.response(slug, lang, mode)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("lang", FORM_LANGUAGES)
@pytest.mark.parametrize("slug", FORMS)
def test_every_label_is_in_dutch_and_in_the_persons_language(
    prints: Prints, staff_app: Flask, slug: str, lang: str, mode: str
) -> None:
    form = form_of(staff_app, slug)
    text = prints.text(slug, lang, mode)
    assert has_phrase(text, form.source.title, "nl")
    for field in form.fields:
        assert has_phrase(text, form.source.labels[field.name], "nl"), (field.name, "nl")
        if lang != "nl":
            label = form.texts[lang].labels[field.name]
            assert has_phrase(text, label, lang), (field.name, lang, label)
    if lang != "nl":
        assert has_phrase(text, form.texts[lang].title, lang)
    assert bool(ARABIC_LETTERS.search(text)) == (lang == "ar")
    assert bool(ETHIOPIC_LETTERS.search(text)) == (lang == "ti")


@pytest.mark.parametrize("slug", FORMS)
def test_a_dutch_form_has_its_labels_once(prints: Prints, staff_app: Flask, slug: str) -> None:
    # Without a translation the form is printed in Dutch only, not in Dutch twice.
    form = form_of(staff_app, slug)
    text = normalise(prints.text(slug, "nl", "blank"))
    assert text.count(normalise(form.source.title)) == 1


@pytest.mark.parametrize("lang", FORM_LANGUAGES)
@pytest.mark.parametrize("slug", FORMS)
def test_a_filled_form_shows_what_staff_typed(prints: Prints, slug: str, lang: str) -> None:
    text = normalise(prints.text(slug, lang, "filled"))
    assert NAME in text
    assert TYPED["textarea" if slug == "voorbereiding-intake" else "date"] in text


@pytest.mark.parametrize("mode", ["blank", "fillable"])
@pytest.mark.parametrize("slug", FORMS)
def test_a_blank_or_fillable_form_prints_nothing_typed(
    prints: Prints, slug: str, mode: str
) -> None:
    # Values that were posted along are not printed on a form meant to be filled in later.
    text = normalise(prints.text(slug, "ar", mode))
    assert NAME not in text
    assert TYPED["textarea"] not in text


@pytest.mark.parametrize("lang", FORM_LANGUAGES)
@pytest.mark.parametrize("slug", FORMS)
def test_a_fillable_form_has_fields_and_the_others_none(
    prints: Prints, staff_app: Flask, slug: str, lang: str
) -> None:
    fields = prints.fields(slug, lang, "fillable")
    assert fields, "the fillable PDF has no form fields"
    expected = {f.name for f in form_of(staff_app, slug).fields if f.type != "signature"}
    assert expected <= set(fields), set(fields)
    for mode in ("blank", "filled"):
        assert not prints.fields(slug, lang, mode), mode


# --- Impossible input -----------------------------------------------------------------------


def test_an_impossible_date_on_a_filled_form_is_refused(staff_app: Flask) -> None:
    slug = "toestemming-gegevens-delen"
    response = staff_app.test_client().post(
        f"/staff/forms/{slug}/",
        data=form_values(staff_app, slug, "ar", "filled", geboortedatum="31-02-2027"),
    )
    assert response.status_code == 422
    assert not response.data.startswith(b"%PDF")
    assert response.headers["Cache-Control"] == "no-store"
    page = StaffPage(response.get_data(as_text=True))
    assert page.text("field-geboortedatum-error") == normalise(
        app_message(staff_app, "This date does not exist.")
    )
    assert page.inputs["field-geboortedatum"]["aria-invalid"] == "true"
    assert page.inputs["field-geboortedatum"]["value"] == "31-02-2027"
    assert page.inputs["field-naam"]["value"] == NAME
    assert "field-naam-error" not in page.texts


def test_a_date_written_wrongly_on_a_filled_form_is_refused(staff_app: Flask) -> None:
    slug = "toestemming-gegevens-delen"
    response = staff_app.test_client().post(
        f"/staff/forms/{slug}/",
        data=form_values(staff_app, slug, "ti", "filled", datum="morgen"),
    )
    assert response.status_code == 422
    page = StaffPage(response.get_data(as_text=True))
    assert page.text("field-datum-error") == normalise(
        app_message(staff_app, "Write the date as day-month-year, for example 3-12-2026.")
    )


def test_a_blank_form_ignores_what_was_typed(staff_app: Flask) -> None:
    # Only a filled-in form prints (and so checks) the typed values.
    slug = "toestemming-gegevens-delen"
    response = staff_app.test_client().post(
        f"/staff/forms/{slug}/",
        data=form_values(staff_app, slug, "ar", "blank", geboortedatum="31-02-2027"),
    )
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"


def test_an_unknown_language_or_mode_is_refused(staff_app: Flask) -> None:
    slug = FORMS[0]
    client = staff_app.test_client()
    response = client.post(
        f"/staff/forms/{slug}/", data=form_values(staff_app, slug, "xx", "blank")
    )
    assert response.status_code == 422
    assert StaffPage(response.get_data(as_text=True)).text("language-error") == normalise(
        app_message(staff_app, "This language is unknown.")
    )
    response = client.post(
        f"/staff/forms/{slug}/", data=form_values(staff_app, slug, "ar", "gefaxt")
    )
    assert response.status_code == 422
    assert not response.data.startswith(b"%PDF")


def test_a_text_that_is_too_long_is_refused(staff_app: Flask) -> None:
    slug = "voorbereiding-intake"
    response = staff_app.test_client().post(
        f"/staff/forms/{slug}/",
        data=form_values(staff_app, slug, "nl", "filled", werk="x" * 2001),
    )
    assert response.status_code == 422
    assert StaffPage(response.get_data(as_text=True)).text("field-werk-error") == normalise(
        app_message(staff_app, "This is too long: at most %(count)s characters.", count=2000)
    )
