"""A tiny workbook that claims A1:XFD1048576 gets a quick, clear answer and no memory."""

from __future__ import annotations

import io
import json
import re
import threading
import time
import zipfile
from pathlib import Path

import pytest

from portal.loading import PERSON_FIELDS
from tests.server.harness import (
    MUNICIPALITY,
    PROJECT,
    Browser,
    MemoryWatch,
    Reply,
    Server,
    csrf_token,
    logged_in,
)
from tests.sheets import xlsx_bytes

LETTER = "uitnodiging-brede-intake"
LIST_PAGE = f"/staff/letters/{LETTER}/list"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UPLOAD_SECONDS = 10.0  # the request timeout: far above the second the issue asks for
MAX_GROWTH_MB = 200.0
SAMPLE_SECONDS = 0.05
PUBLIC = ["/nl/", "/ar/plan/", "/ti/plan/brede-intake/"]


def letter_placeholders() -> list[str]:
    """Return the placeholders of the letter, from its meta.yml."""
    meta = (PROJECT / "content" / "letters" / LETTER / "meta.yml").read_text(encoding="utf-8")
    return [line.split(":", 1)[1].strip() for line in meta.splitlines() if "- name:" in line]


def claiming_everything(rows: list[list[object]]) -> bytes:
    """Return a small XLSX whose sheet claims A1:XFD1048576 and has a cell in that last corner.

    Like tests/sheets.py's inflated_xlsx, but it also finds the dimension when openpyxl writes
    it as `<dimension ref="A1:B2" />` (with a space), and checks that the claim is made.
    """
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes(rows)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            data = source.read(entry.filename)
            if entry.filename == "xl/worksheets/sheet1.xml":
                text, claimed = re.subn(
                    r'<dimension ref="[^"]*"\s*/>',
                    '<dimension ref="A1:XFD1048576"/>',
                    data.decode("utf-8"),
                )
                assert claimed == 1, "the sheet has no <dimension> to inflate"
                corner = (
                    '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
                )
                data = text.replace("</sheetData>", corner + "</sheetData>").encode("utf-8")
            target.writestr(entry, data)
    return out.getvalue()


def bomb() -> bytes:
    """Return the workbook: a header, one person whose date does not exist, the far corner."""
    header = [*PERSON_FIELDS, *letter_placeholders()]
    person = {
        "voornaam": "Amal",
        "achternaam": "Haddad",
        "straat": "Stationsstraat",
        "huisnummer": "1",
        "postcode": "5038 TC",
        "plaats": "Tilburg",
        "taal": "ar",
        "datum": "31-2-2027",  # no such day: the list is read to the end and this is named
        "tijd": "9:30",
        "eindtijd": "10:30",
        "locatie": "Stadswinkel",
        "klantregisseur": "J. de Vries",
        "contactpersoon": "J. de Vries",
        "telefoon": "013 123 4567",
        "email": "jdevries@example.org",
    }
    return claiming_everything([header, [person.get(name, "") for name in header]])


def upload(staff: Browser, token: str, data: bytes) -> Reply:
    """Send the workbook as the mail-merge list of the letter."""
    return staff.upload(
        LIST_PAGE,
        {"municipality": MUNICIPALITY, "csrf_token": token},
        {"list": ("lijst.xlsx", data, XLSX)},
        timeout=UPLOAD_SECONDS,
    )


def assert_clear_answer(reply: Reply) -> None:
    """A page in HTML that names what is wrong: 422 (or 200), never a 500 or a bare error."""
    assert reply.status in (200, 422), f"the upload answered {reply}"
    assert reply.content_type == "text/html", f"the upload answered {reply}"
    named = 'id="problems-title"' in reply.text or 'id="file-error"' in reply.text
    assert named, f"the page does not say what is wrong with the file: {reply}"


@pytest.mark.server
def test_a_workbook_claiming_a_million_rows_is_answered_at_once_with_flat_memory(
    server: Server, tmp_path: Path
) -> None:
    staff = logged_in(server.port, server.account("bomb.staff@example.org", "staff"))
    page = staff.get(LIST_PAGE)
    assert page.status == 200, page
    token = csrf_token(page.text)
    data = bomb()
    workers = server.wait_for_workers()
    for path in PUBLIC:  # both workers have served pages: their memory is what it will be
        server.browser().get(path)
    baseline = server.worker_memory_mb()

    watch = MemoryWatch(server, SAMPLE_SECONDS)
    watch.start()
    try:
        try:
            single = upload(staff, token, data)
        except TimeoutError:
            memory = server.worker_memory_mb()
            pytest.fail(f"no answer in {UPLOAD_SECONDS:.0f} s; workers now use {memory} MB")
        assert_clear_answer(single)

        replies: dict[str, Reply] = {}
        errors: list[str] = []
        start = threading.Barrier(2, timeout=10)

        def one_of_two(name: str) -> None:
            try:
                start.wait()
                replies[name] = upload(staff, token, data)
            except Exception as error:  # reported by the test below
                errors.append(f"{name}: {type(error).__name__}: {error}")

        pair = [threading.Thread(target=one_of_two, args=(name,)) for name in ("a", "b")]
        for thread in pair:
            thread.start()
        time.sleep(0.05)  # both uploads are in the workers now
        public = [(path, server.browser().get(path)) for path in PUBLIC]
        for thread in pair:
            thread.join(UPLOAD_SECONDS + 5)
    finally:
        peak = watch.stop()

    assert not errors, errors
    for reply in replies.values():
        assert_clear_answer(reply)
    for path, reply in public:
        assert reply.status == 200, f"{path} during two uploads answered {reply}"
    assert server.worker_pids() == workers, "a worker died or was replaced during the uploads"
    growth = {pid: peak.get(pid, 0.0) - baseline.get(pid, 0.0) for pid in workers}
    numbers = {
        "file_bytes": len(data),
        "single_upload_seconds": round(single.seconds, 3),
        "two_uploads_seconds": {name: round(r.seconds, 3) for name, r in replies.items()},
        "public_pages_during_uploads_seconds": {p: round(r.seconds, 3) for p, r in public},
        "worker_rss_before_mb": {str(pid): round(mb, 1) for pid, mb in baseline.items()},
        "worker_rss_peak_mb": {str(pid): round(mb, 1) for pid, mb in peak.items()},
        "worker_rss_growth_mb": {str(pid): round(mb, 1) for pid, mb in growth.items()},
    }
    (tmp_path / "spreadsheet-bomb.json").write_text(json.dumps(numbers, indent=1))
    print("\nspreadsheet bomb:", json.dumps(numbers))
    assert max(growth.values()) <= MAX_GROWTH_MB, f"a worker grew too much: {numbers}"
