"""The plan link: a personal plan in the fragment of an address (issue 16). Every language and
route goes there and back; no name goes in; whatever staff type comes back as typed; a link
that is not whole is refused; the longest plan the staff form allows still prints as a QR
code that zbarimg reads from a 150 dpi scan of the sheet."""

from __future__ import annotations

import base64
import datetime as dt
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask

from portal.personal_plan import Appointment, Contact, make_plan
from portal.plan_link import (
    LinkError,
    fragment_of,
    letter_appointment_fragment,
    my_plan_url,
    read_fragment,
    read_letter_appointment,
)
from portal.texts import Picked
from tests.conftest import LANGUAGES, content_of, make_staff_app

NAME = "Amanuel Tesfay Gebremedhin"
CONTACT_NAME = "Fatima Jansen"
TYPED_PLACE = "Café 't Hoekje, 2e etage #3 + 50%! * , ' ~ / Stadhuisplein 130 (ingang B)"


@pytest.fixture(scope="module")
def app() -> Flask:
    """Return a staff app of the bundled content."""
    return make_staff_app()


def plans(app: Flask, lang: str) -> list[object]:
    """Return a plan per learning route (and one before the choice), with every kind of value."""
    loaded = content_of(app)
    kinds, roles = loaded.choice_lists["afspraak"], loaded.choice_lists["rol"]
    routes = [step.slug for step in loaded.alternatives()[0]]
    made = []
    with app.test_request_context():
        for route in ["", *routes]:
            made.append(
                make_plan(
                    NAME,
                    lang,
                    "tilburg",
                    route,
                    "pip",
                    [
                        Contact(CONTACT_NAME, Picked("x", roles.choices[0], roles), "013 542 0000"),
                        Contact("Ahmed", Picked("Buurtcoach van de wijk"), "+31 6 1234 5678"),
                    ],
                    [
                        Appointment(
                            Picked("x", kinds.choices[3], kinds),
                            dt.date(2027, 1, 14),
                            dt.time(9, 30),
                            "Stadskantoor, Stadhuisplein 130, 5038 TC Tilburg",
                        ),
                        Appointment(
                            Picked("Gesprek met de jobcoach"),
                            dt.date(2027, 2, 1),
                            None,
                            TYPED_PLACE,
                        ),
                    ],
                )
            )
    return made


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_language_and_route_goes_there_and_back_without_a_name(app: Flask, lang: str) -> None:
    for plan in plans(app, lang):
        with app.test_request_context():
            url = my_plan_url(plan)  # type: ignore[arg-type]
        parts = urlsplit(url)
        assert parts.path == f"/{lang}/mijn-plan/"
        assert not parts.query, "the plan must not be in what is sent to a server"
        assert " " not in url
        for name in (NAME, "Amanuel", "Tesfay", CONTACT_NAME, "Fatima", "Ahmed"):
            assert name not in url
        read = read_fragment(parts.fragment)
        assert read.route == (plan.route.slug if plan.route else "")  # type: ignore[attr-defined]
        assert read.current == "pip"
        first, second = read.appointments
        assert (first.kind, first.typed) == ("brede-intake", False)
        assert (first.date, first.time) == (dt.date(2027, 1, 14), dt.time(9, 30))
        assert first.place == "Stadskantoor, Stadhuisplein 130, 5038 TC Tilburg"
        assert (second.kind, second.typed, second.time) == ("Gesprek met de jobcoach", True, None)
        assert second.place == TYPED_PLACE
        assert [(c.role, c.typed, c.phone) for c in read.contacts] == [
            ("klantregisseur", False, "013 542 0000"),
            ("Buurtcoach van de wijk", True, "+31 6 1234 5678"),
        ]
        assert fragment_of(plan) == parts.fragment  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "fragment",
    [
        "",
        "2!!pip!!",
        "1!!pip!",
        "1!!!!",
        "1!B1!pip!!",
        "1!!pip!brede-intake,2027011,0930,x!",
        "1!!pip!brede-intake,20270114,930,x!",
        "1!!pip!brede-intake,20271340,0930,x!",
        "1!!pip!Brede Intake,20270114,0930,x!",
        "1!!pip!!klantregisseur",
        "1!!pip!'%E0%A4,20270114,,x!",
        "1!!pip!brede-intake,20270114,0930-,x!",
        "1!!pip!brede-intake,20270114,0930-2561,x!",
    ],
)
def test_a_link_that_is_not_whole_is_refused(fragment: str) -> None:
    with pytest.raises(LinkError):
        read_fragment(fragment)


def test_the_longest_plan_prints_a_qr_code_read_from_a_150_dpi_scan(
    app: Flask, tmp_path: Path
) -> None:
    """Every field at the length the staff form allows, three contacts and appointments."""
    data = {
        "name": "N" * 120,
        "language": "ti",
        "municipality": "tilburg",
        "route": "",
        "current_step": "brede-intake",
    }
    for row in range(3):
        data |= {
            f"contacts-{row}-name": "C" * 80,
            f"contacts-{row}-role": ("Begeleider van de wijk en het werkplein " * 3)[:80],
            f"contacts-{row}-phone": "+31 (0)6-1234-5678 90",
            f"appointments-{row}-what": ("Gesprek over werk, school en geld " * 4)[:100],
            f"appointments-{row}-date": f"{20 + row}-1-2027",
            f"appointments-{row}-time": "13:45",
            f"appointments-{row}-place": ("Stadskantoor, Stadhuisplein 130, 5038 TC Tilburg " * 3)[
                :120
            ],
        }
    response = app.test_client().post("/staff/personal-plan/", data=data)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    pdf = tmp_path / "plan.pdf"
    pdf.write_bytes(response.data)
    subprocess.run(
        ["pdftoppm", "-r", "150", "-gray", "-png", str(pdf), str(tmp_path / "page")], check=True
    )
    found = []
    for page in sorted(tmp_path.glob("page*.png")):
        read = subprocess.run(["zbarimg", "-q", "--raw", str(page)], capture_output=True, text=True)
        found += read.stdout.splitlines()
    links = [url for url in found if "/mijn-plan/#" in url]
    assert len(links) == 1, found
    plan = read_fragment(urlsplit(links[0]).fragment)
    assert len(plan.appointments) == 3
    assert plan.appointments[0].place == data["appointments-0-place"].strip()
    assert plan.contacts[2].phone == data["contacts-2-phone"]
    assert "N" * 20 not in links[0], "the person's name"
    assert "C" * 20 not in links[0], "a contact's name"


def test_the_staff_form_shows_the_phone_code_on_screen(app: Flask, tmp_path: Path) -> None:
    data = {
        "name": NAME,
        "language": "ar",
        "municipality": "tilburg",
        "route": "",
        "current_step": "pip",
        "contacts-0-name": CONTACT_NAME,
        "contacts-0-role": "klantregisseur",
        "contacts-0-phone": "013 542 0000",
        "appointments-0-what": "brede intake",
        "appointments-0-date": "14-1-2027",
        "appointments-0-time": "9:30",
        "appointments-0-place": "Stadskantoor",
        "action": "phone",
    }
    response = app.test_client().post("/staff/personal-plan/", data=data)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    image = page.split('class="phone-qr" src="data:image/png;base64,', 1)[1].split('"', 1)[0]
    png = tmp_path / "code.png"
    png.write_bytes(base64.b64decode(image))
    read = subprocess.run(["zbarimg", "-q", "--raw", str(png)], capture_output=True, text=True)
    url = read.stdout.strip()
    assert urlsplit(url).path == "/ar/mijn-plan/"
    assert NAME not in url
    assert CONTACT_NAME not in url
    plan = read_fragment(urlsplit(url).fragment)
    assert (plan.current, plan.appointments[0].kind, plan.appointments[0].place) == (
        "pip",
        "brede-intake",
        "Stadskantoor",
    )
    assert plan.contacts[0].phone == "013 542 0000"
    # The form keeps what was filled in, to print it afterwards.
    assert f'value="{CONTACT_NAME}"' in page


def test_a_letters_appointment_goes_there_and_back_with_the_time_it_ends() -> None:
    fragment = letter_appointment_fragment(
        "brede-intake", dt.date(2027, 1, 14), dt.time(9, 30), "Stadhuis, kamer 2", dt.time(11)
    )
    assert fragment == "afspraak=brede-intake,20270114,0930-1100,Stadhuis%2C+kamer+2"
    appointment = read_letter_appointment(fragment)
    assert (appointment.time, appointment.end) == (dt.time(9, 30), dt.time(11))
    assert appointment.place == "Stadhuis, kamer 2"
    # An end before the start (a typing error) or without a start is left out, not carried.
    for start, end in ((dt.time(9, 30), dt.time(9)), (None, dt.time(11))):
        kept = letter_appointment_fragment("pip", dt.date(2027, 1, 14), start, "x", end)
        assert "-" not in kept.split(",")[2]
    with pytest.raises(LinkError):
        read_letter_appointment("afspraak=pip,20270114,0930-1,x")
    with pytest.raises(LinkError):
        read_letter_appointment("1!!pip!!")
