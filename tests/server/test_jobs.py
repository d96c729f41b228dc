"""A list of letters is a job on the real server: answered at once, printed by the job worker
that gunicorn.conf.py starts, with progress that every web worker shows the same."""

from __future__ import annotations

import json
import os
import re
import signal
import time
from pathlib import Path

import pytest

from portal.textfiles import read_fields
from tests.pdf_tools import page_count, pages_text
from tests.server.harness import (
    LIST_PAGE,
    MUNICIPALITY,
    PERSON,
    PROJECT,
    Browser,
    Server,
    StartServer,
    alive,
    csrf_token,
    list_columns,
    local_path,
    logged_in,
)

PEOPLE = 60  # three documents of 20 letters: the progress moves in steps
LANGS = ("nl", "ar", "ti", "en")
NAME = "Qwertinga"  # a name to look for where it must never be
JOB_SECONDS = 180.0


def list_csv(people: int) -> bytes:
    """Return a CSV list of `people` persons in four languages, as Excel saves it."""
    header = list_columns()
    rows = [";".join(header)]
    for number in range(people):
        person = PERSON | {
            "voornaam": f"Amal{number}",
            "achternaam": NAME,
            "taal": LANGS[number % len(LANGS)],
        }
        rows.append(";".join(person.get(name, "") for name in header))
    return ("\r\n".join(rows) + "\r\n").encode("utf-8-sig")


def start_job(staff: Browser, people: int) -> str:
    """Upload a list; return the job page it leads to (the answer must come at once)."""
    page = staff.get(LIST_PAGE)
    fields = {"municipality": MUNICIPALITY, "csrf_token": csrf_token(page.text)}
    reply = staff.upload(LIST_PAGE, fields, {"list": ("lijst.csv", list_csv(people), "text/csv")})
    assert reply.status == 303, f"the upload answered {reply}"
    return local_path(reply.location, staff.port)


def state_of(browser: Browser, job_page: str) -> dict[str, object]:
    """Return the job's state as the JSON of its page."""
    reply = browser.get(job_page, headers={"Accept": "application/json"})
    assert reply.status == 200, reply
    assert reply.content_type == "application/json", reply
    answer: dict[str, object] = json.loads(reply.text)
    return answer


def wait_for_end(browser: Browser, job_page: str) -> tuple[dict[str, object], list[int]]:
    """Follow a job until it is done or failed; return its last state and the counts seen."""
    seen: list[int] = []
    deadline = time.monotonic() + JOB_SECONDS
    while time.monotonic() < deadline:
        state = state_of(browser, job_page)
        seen.append(int(str(state["done"])))
        if state["state"] in ("done", "failed"):
            return state, seen
        time.sleep(0.2)
    pytest.fail(f"the job did not end within {JOB_SECONDS:.0f} s: {state}")


def test_a_list_is_a_job_with_progress_and_then_its_pdf(server: Server) -> None:
    staff = logged_in(server.port, server.account("job.staff@example.org", "staff", MUNICIPALITY))
    job_page = start_job(staff, PEOPLE)
    first = staff.get(job_page)
    assert first.status == 200
    assert "<progress" in first.text or "button" in first.text
    if "<progress" in first.text:  # not yet done: the page refreshes itself without script
        assert 'http-equiv="refresh"' in first.text
        assert "/js/job.js" in first.text
    state, seen = wait_for_end(staff, job_page)
    assert state["state"] == "done", state
    assert state["total"] == PEOPLE
    assert seen == sorted(seen), "the progress never goes back"
    assert any(0 < count < PEOPLE for count in seen), f"no progress in between: {seen}"
    download = str(state["download"])
    pdf = staff.get(download, timeout=60)
    assert pdf.status == 200, pdf
    assert pdf.content_type == "application/pdf"
    assert page_count(pdf.body) >= 2 * PEOPLE - PEOPLE // len(LANGS)  # bilingual but nl
    assert f"Amal{PEOPLE - 1}" in " ".join(pages_text(pdf.body))
    # Downloaded once: gone from the server, and the page says so.
    assert staff.get(download).status == 302
    assert state_of(staff, job_page)["download"] is None
    # Another account does not see the job.
    other = logged_in(server.port, server.account("other.staff@example.org", "staff", MUNICIPALITY))
    assert other.get(job_page).status == 404
    # Nothing readable of the names in the instance folder (database, queue, job files), nor
    # in the server's logs.
    for path in server.instance.rglob("*"):
        if path.is_file():
            assert NAME.encode() not in path.read_bytes(), path
    assert NAME not in server.access_log() + server.error_log()


def test_a_job_outlives_a_killed_web_worker(server: Server) -> None:
    staff = logged_in(server.port, server.account("job.staff2@example.org", "staff", MUNICIPALITY))
    job_page = start_job(staff, PEOPLE)
    killed = server.kill_worker()
    server.wait_for_workers(gone=[killed])
    state, _seen = wait_for_end(staff, job_page)
    assert state["state"] == "done", state


def test_a_job_whose_worker_died_is_failed_with_a_message(start_server: StartServer) -> None:
    server = start_server(settings={"PORTAL_JOB_STALL_SECONDS": "3"})
    staff = logged_in(server.port, server.account("job.staff3@example.org", "staff", MUNICIPALITY))
    job_page = start_job(staff, 200)
    deadline = time.monotonic() + 60
    while state_of(staff, job_page)["state"] == "queued" and time.monotonic() < deadline:
        time.sleep(0.1)
    job_worker = server.job_worker_pid()
    assert job_worker is not None
    os.kill(job_worker, signal.SIGKILL)
    deadline = time.monotonic() + 60
    while alive(job_worker) and time.monotonic() < deadline:
        time.sleep(0.1)
    state, _seen = wait_for_end(staff, job_page)
    assert state["state"] == "failed", state
    page = staff.get(job_page)
    assert "stopped halfway" in page.text or "gestopt" in page.text, page
    assert f'href="{LIST_PAGE}"' in page.text  # a way to start again
    # The job worker is started again, and a new list is printed.
    second, _seen = wait_for_end(staff, start_job(staff, 3))
    assert second["state"] == "done", second


def test_a_reminder_list_prints_picked_kinds_translated_and_names_rows_of_own_words(
    server: Server,
) -> None:
    """As an office sends it: the list's kinds of appointment come out in each person's
    language; the job page names the rows whose own words stay Dutch (by number only)."""
    own_words = "Gesprek met Qwertinga over de cursus"
    reminder = "/staff/letters/herinnering-afspraak/list"
    header = [*list_columns()[:8], "afspraak", "datum", "tijd", "locatie", "contactpersoon"]
    header.append("telefoon")
    people = [("ti", "Brede intake"), ("ar", own_words), ("ti", "examen")]
    rows = [";".join(header)]
    for number, (lang, kind) in enumerate(people):
        person = PERSON | {"voornaam": f"Amal{number}", "taal": lang, "afspraak": kind}
        rows.append(";".join(person.get(name, "") for name in header))
    data = ("\r\n".join(rows) + "\r\n").encode("utf-8-sig")
    account = server.account("kinds.staff@example.org", "staff", MUNICIPALITY)
    staff = logged_in(server.port, account, headers={"Accept-Language": "en"})
    fields = {"municipality": MUNICIPALITY, "csrf_token": csrf_token(staff.get(reminder).text)}
    reply = staff.upload(reminder, fields, {"list": ("lijst.csv", data, "text/csv")})
    assert reply.status == 303, f"the upload answered {reply}"
    job_page = local_path(reply.location, staff.port)
    state, _seen = wait_for_end(staff, job_page)
    assert state["state"] == "done", state
    page = staff.get(job_page).text
    notice = re.search(r'id="untranslated".*?</ul>', page, flags=re.S)
    assert notice, "the job page does not name the rows with own words"
    assert re.findall(r"<li>(.*?)</li>", notice.group(0)) == ["Column afspraak, rows 3"]
    assert own_words not in page  # the row number only, never the words
    text = " ".join(pages_text(staff.get(str(state["download"]), timeout=60).body))
    tigrinya = read_fields(PROJECT / "content" / "choices" / "afspraak" / "ti.md")["labels"]
    assert tigrinya["brede-intake"] in text
    assert tigrinya["examen"] in text
    assert own_words in text  # printed in Dutch, in order, in the Arabic letter


def test_the_job_worker_ends_with_a_server_killed_outright(start_server: StartServer) -> None:
    # SIGKILL (the OOM killer, kill -9): gunicorn's on_exit never runs. A job worker left
    # behind would go on taking jobs, with the old code, beside the next server's.
    server = start_server()
    runner = server.job_worker_pid()
    assert runner is not None
    stat = Path(f"/proc/{runner}/stat").read_text(encoding="ascii")
    watcher = int(stat.rsplit(")", 1)[1].split()[1])  # its parent, forked by the master
    assert watcher != server.master
    server.process.kill()  # type: ignore[union-attr]
    server.process.wait(10)  # type: ignore[union-attr]
    deadline = time.monotonic() + 10
    while (alive(runner) or alive(watcher)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(runner)
    assert not alive(watcher)
