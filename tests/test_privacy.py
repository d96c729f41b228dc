"""Personal data typed or uploaded by staff lives only in memory while a request runs: after a
mail merge, a single letter and a personal plan, the names are nowhere on disk (instance
folder, temporary folder), in no log record, not in the session and not in the PDF cache."""

from __future__ import annotations

import csv
import io
import logging
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from portal.letters import PEOPLE_PER_DOCUMENT
from portal.loading import PERSON_FIELDS
from tests.job_tools import finished

SLUG = "herinnering-afspraak"
FIRST_NAME = "Zyxwaldo"
LAST_NAME = "Qwertinga"
STREET = "Xylofoonsteeg"
CONTACT = "Vyxmeralda"
# What must not be found anywhere once the prints are made.
SECRETS = [FIRST_NAME, LAST_NAME, STREET, CONTACT]
LETTER_COLUMNS = ["afspraak", "datum", "tijd", "locatie", "contactpersoon", "telefoon"]
MAX_SCANNED_BYTES = 64 * 1024 * 1024


def person_row(n: int, lang: str) -> list[str]:
    return [
        f"{FIRST_NAME}{n}", "", f"{LAST_NAME}{n}", STREET, str(n + 1), "5038 AB", "Tilburg", lang,
        "brede intake", "3-12-2026", "9:30", "Stadskantoor", CONTACT, "013 000 1234",
    ]  # fmt: skip


def list_bytes(people: int) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([*PERSON_FIELDS, *LETTER_COLUMNS])
    languages = ["ar", "nl", "ti", "en"]
    writer.writerows(person_row(n, languages[n % 4]) for n in range(people))
    return out.getvalue().encode("utf-8")


def post_list(client: FlaskClient, data: bytes) -> bytes:
    boundary, body = encode_multipart(
        {
            "municipality": "tilburg",
            "list": FileStorage(io.BytesIO(data), filename="lijst.csv", name="list"),
        }
    )
    response = client.post(
        f"/staff/letters/{SLUG}/list",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    response = finished(client, response)
    return response.data if response.status_code == 200 else b""


def letter_form(action: str) -> dict[str, str]:
    return {
        "municipality": "tilburg",
        "voornaam": FIRST_NAME,
        "tussenvoegsel": "",
        "achternaam": LAST_NAME,
        "straat": STREET,
        "huisnummer": "7",
        "postcode": "5038ab",
        "plaats": "Tilburg",
        "taal": "ar",
        "afspraak": "brede intake",
        "datum": "3-12-2026",
        "tijd": "9:30",
        "locatie": "Stadskantoor",
        "contactpersoon": CONTACT,
        "telefoon": "013 000 1234",
        "action": action,
    }


def plan_form() -> dict[str, str]:
    return {
        "name": f"{FIRST_NAME} {LAST_NAME}",
        "language": "ti",
        "municipality": "tilburg",
        "route": "",
        "current_step": "brede-intake",
        "contacts-0-name": CONTACT,
        "contacts-0-role": "klantregisseur",
        "contacts-0-phone": "013 000 1234",
        "appointments-0-what": f"Gesprek in de {STREET}",
        "appointments-0-date": "3-12-2026",
        "appointments-0-time": "9:30",
        "appointments-0-place": STREET,
    }


# --- Looking for the names ------------------------------------------------------------------


def encodings_of(word: str) -> list[bytes]:
    """Return the ways a file may hold a word: UTF-8 and UTF-16 either way, any case."""
    forms = []
    for text in (word, word.lower(), word.upper()):
        for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
            forms.append(text.encode(encoding))
    return forms


def pdf_text(data: bytes) -> str:
    try:
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    except Exception:  # noqa: BLE001 - a half-written or broken PDF: its bytes are scanned
        return ""


def files_under(folder: Path, since: float | None) -> Iterator[Path]:
    for root, _dirs, names in os.walk(folder):
        for name in names:
            path = Path(root) / name
            try:
                stat = path.lstat()
            except OSError:
                continue
            if not path.is_file() or path.is_symlink() or stat.st_size > MAX_SCANNED_BYTES:
                continue
            if since is None or stat.st_mtime >= since:
                yield path


def names_in(data: bytes) -> list[str]:
    """Return the names that some bytes hold. A PDF is also read as text: its words are
    compressed, so its bytes would not show them."""
    text = pdf_text(data).lower() if data.startswith(b"%PDF") else ""
    return [
        word
        for word in SECRETS
        if any(form in data for form in encodings_of(word)) or word.lower() in text
    ]


def found_in_files(folder: Path, since: float | None = None) -> list[str]:
    """Return 'path: word' for every file under `folder` that holds one of the names."""
    found = []
    for path in files_under(folder, since):
        try:
            data = path.read_bytes()
        except OSError:
            continue
        found += [f"{path}: {word[:2]}…" for word in names_in(data)]
    return found


def found_in_logs(records: list[logging.LogRecord]) -> list[str]:
    found = []
    for record in records:
        parts = [record.getMessage(), str(record.args), record.exc_text or "", record.name]
        text = " ".join(parts).lower()
        for word in SECRETS:
            if word.lower() in text:
                found.append(f"{record.name} {record.levelname}: {word[:2]}…")
    return found


# --- The prints -----------------------------------------------------------------------------


@pytest.fixture
def every_log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Capture every log record at DEBUG, also of loggers that set their own level."""
    caplog.set_level(logging.DEBUG)
    for name in list(logging.root.manager.loggerDict):
        if isinstance(logging.root.manager.loggerDict[name], logging.Logger):
            caplog.set_level(logging.DEBUG, logger=name)
    return caplog


def test_personal_data_is_nowhere_after_printing(
    staff_app: Flask, every_log: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    started = time.time() - 2  # file times may be rounded
    client = staff_app.test_client()
    people = PEOPLE_PER_DOCUMENT + 5  # more than one chunk: the print workers run too

    merged = post_list(client, list_bytes(people))
    refused_list = list_bytes(3).replace(b"3-12-2026", b"31-02-2027")
    assert post_list(client, refused_list) == b""
    preview = client.post(f"/staff/letters/{SLUG}/", data=letter_form("preview"))
    letter = client.post(f"/staff/letters/{SLUG}/", data=letter_form("pdf"))
    wrong_letter = client.post(f"/staff/letters/{SLUG}/", data=letter_form("pdf") | {"tijd": "x"})
    plan = client.post("/staff/personal-plan/", data=plan_form())
    wrong_plan = client.post(
        "/staff/personal-plan/", data=plan_form() | {"appointments-0-date": "31-02-2027"}
    )

    # The prints really were made, and hold the names (so the search below can find them).
    assert merged.startswith(b"%PDF")
    assert preview.status_code == 200
    assert FIRST_NAME in preview.get_data(as_text=True)
    assert letter.mimetype == "application/pdf"
    assert plan.mimetype == "application/pdf"
    assert wrong_letter.status_code == 422
    assert wrong_plan.status_code == 422
    assert f"{FIRST_NAME}{people - 1}" in pdf_text(merged)
    assert LAST_NAME in pdf_text(letter.data)
    assert LAST_NAME in pdf_text(plan.data)

    # Nothing on disk: the instance folder (database, key) and new temporary files.
    instance = Path(staff_app.config["INSTANCE_DIR"])
    assert instance.is_dir()
    assert found_in_files(instance) == []
    assert found_in_files(Path(tempfile.gettempdir()), since=started) == []
    # Nothing in any log record, nor written to the terminal by this process or its workers.
    assert every_log.records, "no log record was captured at all: is the capture working?"
    assert found_in_logs(every_log.records) == []
    out, err = capfd.readouterr()
    for word in SECRETS:
        assert word not in out, word[:2]
        assert word not in err, word[:2]
    # Nothing kept in the session cookie or in the PDF cache of public prints.
    with client.session_transaction() as session:
        kept = repr(dict(session))
    for word in SECRETS:
        assert word not in kept, word[:2]
    cache = staff_app.extensions["wegwijs_printer"].cache.folder
    for pdf in cache.rglob("*.pdf"):  # public prints of other tests may be there
        for word in SECRETS:
            assert word.encode() not in pdf.read_bytes(), word[:2]


def test_the_search_finds_names_in_a_pdf(staff_app: Flask) -> None:
    # The search above must see a name in a PDF, whose text is compressed; this is checked
    # in memory, so that no file with the names is ever left for another run to find.
    response = staff_app.test_client().post(f"/staff/letters/{SLUG}/", data=letter_form("pdf"))
    assert response.status_code == 200
    assert not any(form in response.data for form in encodings_of(LAST_NAME))
    assert set(names_in(response.data)) == set(SECRETS)
    assert names_in(b"een bestand met QWERTINGA erin") == [LAST_NAME]
    assert names_in("Xylofoonsteeg".encode("utf-16")) == [STREET]


def test_a_waiting_list_of_letters_is_encrypted_and_gone_after_the_download(
    staff_app: Flask,
) -> None:
    client = staff_app.test_client()
    boundary, body = encode_multipart(
        {
            "municipality": "tilburg",
            "list": FileStorage(io.BytesIO(list_bytes(3)), filename="lijst.csv", name="list"),
        }
    )
    started = client.post(
        f"/staff/letters/{SLUG}/list",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert started.status_code == 303
    jobs = Path(staff_app.config["INSTANCE_DIR"]) / "jobs"
    job_id = started.headers["Location"].rstrip("/").rsplit("/", 1)[1]
    waiting = list(jobs.glob(f"{job_id}.*"))
    assert len(waiting) == 1, "the finished letters wait for their download"
    assert waiting[0].read_bytes()[:4] != b"%PDF"
    assert found_in_files(Path(staff_app.config["INSTANCE_DIR"])) == []
    downloaded = finished(client, started)
    assert f"{FIRST_NAME}2" in pdf_text(downloaded.data)
    assert not waiting[0].exists()
    assert list(jobs.glob(f"{job_id}*")) == []
    # A second download finds nothing: the job page says the file is gone.
    job_page = started.headers["Location"]
    state = client.get(job_page, headers={"Accept": "application/json"}).get_json()
    assert state["download"] is None
