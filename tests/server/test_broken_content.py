"""A broken content file, a killed worker and a full restart leave the rest of the site up."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from tests.server.harness import (
    LANGUAGES,
    MUNICIPALITY,
    Server,
    failing_pages,
    logged_in,
    public_pages,
)

BROKEN_TRANSLATION = Path("plan/05-pip/ar.md")  # Arabic readers of this step get the Dutch text
BROKEN_SOURCE = Path("plan/04-brede-intake/nl.md")  # this step is left out after a restart
LEFT_OUT = "brede-intake"
RELOAD_SECONDS = 2.5  # PORTAL_CONTENT_RELOAD_INTERVAL is 2 s
SETTLE_SECONDS = 3.0  # a worker that fails to boot exits within about a second


def summary_of(path: Path) -> str:
    """Return the `summary:` line of a text's front matter."""
    found = re.search(r"^summary: (.+)$", path.read_text(encoding="utf-8"), re.MULTILINE)
    assert found, f"{path} has no summary"
    return found.group(1).strip()


def assert_every_other_page_answers(server: Server, when: str) -> None:
    """Every public page except the broken step answers 200; that step 200 or 404, never 500."""
    browser = server.browser()
    wrong = failing_pages(browser, public_pages(leave_out=LEFT_OUT))
    assert not wrong, f"{when}: pages that did not answer 200:\n" + "\n".join(wrong)
    for lang in LANGUAGES:
        reply = browser.get(f"/{lang}/plan/{LEFT_OUT}/")
        assert reply.status in (200, 404), f"{when}: /{lang}/plan/{LEFT_OUT}/ answered {reply}"


def assert_workers_stay_up(server: Server, seconds: float) -> list[int]:
    """Watch the workers for a while: the master lives and no worker is replaced meanwhile."""
    workers = server.wait_for_workers()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert server.running(), f"the master exited:\n{server.error_log()[-3000:]}"
        assert server.worker_pids() == workers, (
            f"workers changed from {workers} to {server.worker_pids()} (a worker failed to boot?)"
            f"\n{server.error_log()[-3000:]}"
        )
        time.sleep(0.2)
    return workers


@pytest.mark.server
def test_a_broken_file_a_killed_worker_and_a_restart_leave_every_other_page_up(
    server: Server,
) -> None:
    translation, source = server.content / BROKEN_TRANSLATION, server.content / BROKEN_SOURCE
    originals = {translation: translation.read_bytes(), source: source.read_bytes()}
    dutch_summary = summary_of(translation.with_name("nl.md"))
    arabic_summary = summary_of(translation)
    assert server.health()["status"] == "ok"

    for path in originals:
        path.write_text("broken\n", encoding="utf-8")
    time.sleep(RELOAD_SECONDS)
    said = server.wait_for_health("stale-content")
    assert int(str(said.get("problems", 0))) > 0, said
    assert_every_other_page_answers(server, "while running")

    killed = server.kill_worker()
    server.wait_for_workers(gone=[killed])
    assert_workers_stay_up(server, SETTLE_SECONDS)
    assert_every_other_page_answers(server, "after a worker was killed")

    server.restart()
    assert_workers_stay_up(server, SETTLE_SECONDS)
    said = server.health()
    assert said["status"] == "stale-content", said
    assert int(str(said.get("problems", 0))) > 0, said
    assert_every_other_page_answers(server, "after a restart")
    browser = server.browser()
    for lang in LANGUAGES:  # nothing was served before the start: the step is left out
        for page in (
            f"/{lang}/plan/{LEFT_OUT}/",
            f"/{lang}/gemeente/{MUNICIPALITY}/plan/{LEFT_OUT}/",
        ):
            reply = browser.get(page)
            assert reply.status == 404, f"after a restart {page} answered {reply}"
    arabic_step = browser.get("/ar/plan/pip/")
    assert arabic_step.status == 200, arabic_step
    assert dutch_summary in arabic_step.text, "a broken translation must show the Dutch text"
    assert arabic_summary not in arabic_step.text
    log = server.error_log()
    for broken in (BROKEN_SOURCE, BROKEN_TRANSLATION):
        assert str(broken) in log, f"the log must name {broken}:\n{log[-3000:]}"

    check = server.flask("content", "check")
    said_by_check = check.stdout + check.stderr
    assert check.returncode == 1, said_by_check
    assert "Traceback" not in said_by_check, said_by_check
    assert str(BROKEN_SOURCE) in said_by_check, said_by_check
    assert str(BROKEN_TRANSLATION) in said_by_check, said_by_check

    added = server.add_user("new.staff@example.org", "staff", MUNICIPALITY)
    assert added.returncode == 0, added.stdout + added.stderr
    assert "Traceback" not in added.stdout + added.stderr
    staff = logged_in(server.port, "new.staff@example.org")
    assert staff.get("/staff/").status == 200

    for path, data in originals.items():
        path.write_bytes(data)
    time.sleep(RELOAD_SECONDS)
    said = server.wait_for_health("ok")
    assert said.get("problems") == 0, said
    wrong = failing_pages(server.browser(), public_pages())
    assert not wrong, "after the fix, pages that did not answer 200:\n" + "\n".join(wrong)
