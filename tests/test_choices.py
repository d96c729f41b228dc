"""Values staff pick (kinds of appointment, roles of contact persons) are printed in the
person's language; their own words stay Dutch, marked as Dutch and flagged before printing.

Checked from the PDFs' text (pdftotext), the QR codes they carry, the preview page, the list's
job page and its templates, and the content files as editors translate them.
"""

from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import urlsplit

import openpyxl
import pytest
from flask import Flask
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from portal import content as content_store
from portal.loading import load_content
from portal.plan_link import read_letter_appointment
from portal.textfiles import ContentError
from tests.catalogs import app_message
from tests.conftest import LANGUAGES, STATIC, content_of
from tests.html_tools import StaffPage
from tests.job_tools import finished
from tests.pdf_tools import has_phrase, pages_text, qr_codes
from tests.test_letters import MUNICIPALITY, letter_values
from tests.test_merge import COLUMNS, PEOPLE, PHONE, csv_bytes

REMINDER = "herinnering-afspraak"
OWN_WORDS = "Gesprek met Sanne over de cursus"


def label(app: Flask, list_name: str, choice: str, lang: str) -> str:
    """Return what the content calls a choice in `lang`."""
    found = content_of(app).choice_lists[list_name].label(choice, lang)
    assert found, (list_name, choice, lang)
    return found


def reminder(app: Flask, lang: str, afspraak: str, action: str = "pdf") -> bytes:
    """Post the reminder for a person speaking `lang`; return the PDF or the preview page."""
    values = letter_values(app, REMINDER, lang, afspraak=afspraak, action=action)
    response = app.test_client().post(f"/staff/letters/{REMINDER}/", data=values)
    assert response.status_code == 200, response.status_code
    return response.data


# --- The content: lists editors translate ---------------------------------------------------


def test_every_choice_is_labelled_in_every_language(staff_app: Flask) -> None:
    lists = content_of(staff_app).choice_lists
    assert {"afspraak", "rol"} <= set(lists)
    for choices in lists.values():
        for lang in LANGUAGES:
            assert choices.status(lang) in ("source", "draft", "reviewed"), (choices.slug, lang)
            for choice in choices.choices:
                assert choices.label(choice.name, lang), (choices.slug, choice.name, lang)


def test_a_typed_value_is_found_by_any_label_in_any_case(staff_app: Flask) -> None:
    appointments = content_of(staff_app).choice_lists["afspraak"]
    tigrinya = label(staff_app, "afspraak", "pip", "ti")
    for typed in ("pip", "GESPREK OVER UW PLAN (PIP)", "  Gesprek over  uw plan (PIP) ", tigrinya):
        found = appointments.find(typed)
        assert found is not None, typed
        assert found.name == "pip", typed
    assert appointments.find("Gesprek over uw plan") is None  # not a whole label: own words


def test_a_translation_without_a_label_for_a_choice_is_named(content_copy: Path) -> None:
    path = content_copy / "choices" / "afspraak" / "ti.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace("  examen:", "  examen_weg:"), encoding="utf-8"
    )
    problems: list[ContentError] = []
    loaded = load_content(content_copy, STATIC, LANGUAGES, problems)
    assert [(p.path, "no label for examen" in p.message) for p in problems] == [(path, True)]
    assert "ti" not in loaded.choice_lists["afspraak"].texts  # readers get the Dutch label


def test_a_letter_field_must_name_an_existing_choice_list(content_copy: Path) -> None:
    meta = content_copy / "letters" / REMINDER / "meta.yml"
    meta.write_text(
        meta.read_text(encoding="utf-8").replace("choices: afspraak", "choices: afspraken"),
        encoding="utf-8",
    )
    with pytest.raises(ContentError, match="choices must name a list in content/choices/"):
        load_content(content_copy, STATIC, LANGUAGES)


# Editors translate the lists like any text: see test_editor.py
# (test_a_choice_list_is_translated_label_by_label).


# --- The letter: picked values in the person's language --------------------------------------


@pytest.mark.parametrize("lang", ["ar", "ti", "en"])
def test_a_picked_appointment_is_printed_in_the_persons_language(
    staff_app: Flask, lang: str
) -> None:
    dutch_page, own_page = pages_text(reminder(staff_app, lang, "brede intake"))[:2]
    assert has_phrase(dutch_page, "Brede intake", "nl")
    assert has_phrase(own_page, label(staff_app, "afspraak", "brede-intake", lang), lang)
    assert "Brede intake" not in own_page


def test_own_words_stay_dutch_marked_and_flagged_in_the_preview(staff_app: Flask) -> None:
    page = reminder(staff_app, "ar", OWN_WORDS, action="preview").decode("utf-8")
    # In the Arabic letter the words are Dutch, isolated, and marked for the preview.
    assert f'<span lang="nl" dir="ltr" class="untranslated">\u2066{OWN_WORDS}\u2069</span>' in page
    notice = StaffPage(page).text("untranslated")
    assert OWN_WORDS in notice
    assert "Arabisch" in notice
    # A picked kind is not flagged.
    preview = reminder(staff_app, "ar", "Brede intake", action="preview").decode("utf-8")
    assert 'id="untranslated"' not in preview
    assert 'class="untranslated"' not in preview


def test_own_words_are_printed_in_dutch_and_in_order_in_arabic(staff_app: Flask) -> None:
    own_page = pages_text(reminder(staff_app, "ar", OWN_WORDS))[1]
    assert OWN_WORDS in " ".join(own_page.split())  # isolated: the words keep their order


@pytest.mark.parametrize(
    ("typed", "step", "bring"),
    [
        ("Brede intake", "brede-intake", ["residence-permit", "bank-card", "letters"]),
        ("Gesprek over uw plan (PIP)", "pip", ["letters"]),
        ("Les over Nederland (KNM)", "knm-en-map", []),
        (OWN_WORDS, None, []),
    ],
)
def test_the_reminder_leads_to_the_appointments_step_and_lists_what_to_bring(
    staff_app: Flask, typed: str, step: str | None, bring: list[str]
) -> None:
    pdf = reminder(staff_app, "ti", typed)
    plan = f"http://localhost/ti/gemeente/{MUNICIPALITY}/plan/"
    expected = f"{plan}{step}/" if step else plan  # own words: the whole plan
    [code] = qr_codes(pdf, 1)
    assert qr_codes(pdf, 2) == [code]
    address, _hash, fragment = code.partition("#")
    assert address == expected
    # After #, the appointment: the kind picked (its name) or the words typed (in Dutch).
    appointment = read_letter_appointment(fragment)
    assert appointment.typed == (step is None)
    if step is None:
        assert appointment.kind == typed
    else:
        assert label(staff_app, "afspraak", appointment.kind, "nl") == typed
    own_page = pages_text(pdf)[1]
    loaded = content_of(staff_app)
    for name in bring:
        assert has_phrase(own_page, loaded.pictogram_alt(name, "ti"), "ti"), name
    bring_title = app_message(staff_app, "Bring with you:", "ti")
    assert (bring_title in own_page) == bool(bring)


# --- The list: the template offers the choices, the job page names own words ----------------


def test_the_templates_offer_the_kinds_of_appointment(staff_app: Flask) -> None:
    client = staff_app.test_client()
    dutch_labels = [
        label(staff_app, "afspraak", c.name, "nl")
        for c in content_of(staff_app).choice_lists["afspraak"].choices
    ]
    csv_text = client.get(f"/staff/letters/{REMINDER}/list-template.csv").data.decode("utf-8-sig")
    header, example = (line.split(";") for line in csv_text.splitlines()[:2])
    assert example[header.index("afspraak")] == dutch_labels[0]
    data = client.get(f"/staff/letters/{REMINDER}/list-template.xlsx").data
    book = openpyxl.load_workbook(io.BytesIO(data))
    listed = [row[0] for row in book["Keuzes"].iter_rows(min_row=2, values_only=True)]
    assert listed == dutch_labels
    column = openpyxl.utils.get_column_letter(header.index("afspraak") + 1)
    validations = book["Lijst"].data_validations.dataValidation
    assert [(v.type, v.formula1, v.showErrorMessage) for v in validations] == [
        ("list", f"Keuzes!$A$2:$A${len(dutch_labels) + 1}", False)
    ]
    assert str(validations[0].sqref).startswith(f"{column}2:{column}")
    explained = {row[0]: row for row in book["Uitleg"].iter_rows(min_row=2, values_only=True)}
    assert all(name in explained["afspraak"][3] for name in dutch_labels)


def test_a_list_with_own_words_names_their_rows_on_the_job_page(staff_app: Flask) -> None:
    kinds = ["Brede intake", OWN_WORDS, "examen", OWN_WORDS, "Les over werk (MAP)"]
    rows = [COLUMNS] + [
        [*person, kind, "3-12-2026", "9:30", "Stadskantoor", "Sanne de Wit", PHONE]
        for person, kind in zip(PEOPLE, kinds, strict=True)
    ]
    client = staff_app.test_client()
    boundary, body = encode_multipart(
        {
            "municipality": MUNICIPALITY,
            "list": FileStorage(io.BytesIO(csv_bytes(rows, ";", "utf-8")), filename="lijst.csv"),
        }
    )
    started = client.post(
        f"/staff/letters/{REMINDER}/list",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert started.status_code == 303
    job_page = client.get(urlsplit(started.headers["Location"]).path).get_data(as_text=True)
    # Row 3 (Zoë, English) and row 5 (Amanuel, Tigrinya) have own words: named by row and
    # column, never by their values. Row 2 (José) reads Dutch: nothing is untranslated.
    notice = StaffPage(job_page).text("untranslated")
    assert "afspraak" in notice
    assert "3, 5" in notice
    assert OWN_WORDS not in job_page
    pdf = finished(client, started).data
    texts = pages_text(pdf)
    assert any(
        has_phrase(text, label(staff_app, "afspraak", "examen", "ar"), "ar") for text in texts
    )


# --- The personal plan ----------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["ar", "ti"])
def test_the_personal_plan_prints_picked_roles_and_appointments_translated(
    staff_app: Flask, lang: str
) -> None:
    data = {
        "name": "Amanuel Tesfaye",
        "language": lang,
        "municipality": MUNICIPALITY,
        "current_step": "brede-intake",
        "contacts-0-name": "Fatima Jansen",
        "contacts-0-role": "klantregisseur",
        "contacts-1-name": "Sanne de Wit",
        "contacts-1-role": "Buurvrouw die helpt",
        "appointments-0-what": "Brede intake",
        "appointments-0-date": "3-12-2026",
        "appointments-1-what": OWN_WORDS,
        "appointments-1-date": "4-12-2026",
    }
    response = staff_app.test_client().post("/staff/personal-plan/", data=data)
    assert response.status_code == 200
    own_page, dutch_page = pages_text(response.data)[:2]
    assert has_phrase(own_page, label(staff_app, "rol", "klantregisseur", lang), lang)
    assert has_phrase(own_page, label(staff_app, "afspraak", "brede-intake", lang), lang)
    for dutch in ("Buurvrouw die helpt", OWN_WORDS):
        assert dutch in " ".join(own_page.split())  # own words: in Dutch, in order
    assert "Klantregisseur" in dutch_page
    assert "Brede intake" in dutch_page


def test_the_forms_offer_the_choices_and_the_signatories(staff_app: Flask) -> None:
    client = staff_app.test_client()
    letter_page = client.get(f"/staff/letters/{REMINDER}/").get_data(as_text=True)
    assert 'list="choices-afspraak"' in letter_page
    assert '<datalist id="choices-afspraak">' in letter_page
    assert '<option value="Brede intake">' in letter_page
    with staff_app.test_request_context():
        tilburg = content_store.current().municipalities[MUNICIPALITY]
        names = [name for name, _role in tilburg.signatories]
    offered = StaffPage(letter_page).options["field-ondertekenaar"]
    assert offered[0] == ""  # the usual signatory
    assert set(names) <= set(offered)
    plan_page = client.get("/staff/personal-plan/").get_data(as_text=True)
    assert plan_page.count('list="choices-rol"') == 3
    assert plan_page.count('list="choices-afspraak"') == 3
    assert '<datalist id="choices-rol">' in plan_page


def test_the_xlsx_template_filled_in_as_excel_keeps_it_prints_the_picked_kind(
    staff_app: Flask,
) -> None:
    """Fill the downloaded workbook itself (its drop-down, its explanation sheets kept), as an
    employee does in Excel, and upload it as it is."""
    client = staff_app.test_client()
    data = client.get(f"/staff/letters/{REMINDER}/list-template.xlsx").data
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book["Lijst"]
    header = [cell.value for cell in sheet[1]]
    person = dict(zip(COLUMNS, [*PEOPLE[3], "", "", "", "", "", ""], strict=True))
    kind = book["Keuzes"]["A3"].value  # the second value of the drop-down
    values = person | {
        "afspraak": kind,
        "datum": "3-12-2026",
        "tijd": "14:30",
        "locatie": "Stadskantoor",
        "contactpersoon": "Sanne de Wit",
        "telefoon": PHONE,
        "briefdatum": "",
        "kenmerk": "",
    }
    for column, name in enumerate(header, start=1):
        sheet.cell(row=2, column=column, value=values.get(name, ""))
    out = io.BytesIO()
    book.save(out)
    boundary, body = encode_multipart(
        {
            "municipality": MUNICIPALITY,
            "list": FileStorage(io.BytesIO(out.getvalue()), filename="lijst.xlsx"),
        }
    )
    started = client.post(
        f"/staff/letters/{REMINDER}/list",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert started.status_code == 303, started.get_data(as_text=True)[:2000]
    pdf = finished(client, started).data
    choice = content_of(staff_app).choice_lists["afspraak"].find(kind)
    assert choice is not None
    tigrinya_page = pages_text(pdf)[1]
    assert has_phrase(tigrinya_page, label(staff_app, "afspraak", choice.name, "ti"), "ti")
    assert "14:30" in tigrinya_page
