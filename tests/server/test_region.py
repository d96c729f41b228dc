"""The set-up of a whole region: jobs through a real Redis, accounts, failed logins, the audit
log and job state in a real PostgreSQL, with the portal under gunicorn as `make run` starts it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import redis

from tests.pdf_tools import pages_text
from tests.server.harness import MUNICIPALITY, StartServer, log_in, logged_in
from tests.server.test_jobs import NAME, start_job, wait_for_end
from tests.services import postgres_server, redis_server


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Return the URL of a real redis-server, started for these tests."""
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture(scope="module")
def database_url() -> Iterator[str]:
    """Return the URL of a database in a real PostgreSQL, started for these tests."""
    with postgres_server() as url:
        yield url


def rows(database_url: str, query: str, *params: object) -> list[tuple[object, ...]]:
    """Return the rows of a query on the PostgreSQL database."""
    with psycopg.connect(database_url.replace("+psycopg", "")) as connection:
        return list(connection.execute(query, params).fetchall())  # type: ignore[arg-type]


def test_a_list_goes_through_redis_and_its_state_through_postgresql(
    start_server: StartServer, redis_url: str, database_url: str, tmp_path: Path
) -> None:
    settings = {"PORTAL_REDIS_URL": redis_url, "PORTAL_DATABASE_URL": database_url}
    server = start_server(name="region", settings=settings)
    email = server.account("region.staff@example.org", "staff", MUNICIPALITY)
    assert rows(database_url, "SELECT email, role FROM users") == [(email, "staff")]
    assert not (server.instance / "portal.db").exists(), "SQLite was used instead"
    assert not (server.instance / "jobs.db").exists(), "the SQLite queue was used instead"

    staff = logged_in(server.port, email)
    job_page = start_job(staff, 25)
    state, seen = wait_for_end(staff, job_page)
    assert state["state"] == "done", state
    assert seen[-1] == 25
    pdf = staff.get(str(state["download"]), timeout=60)
    assert pdf.content_type == "application/pdf"
    assert "Amal24" in " ".join(pages_text(pdf.body))
    assert rows(database_url, "SELECT state, done, total FROM jobs") == [("done", 25, 25)]
    assert rows(database_url, "SELECT action, people FROM audit_log") == [("letter-list", 25)]
    # Neither Redis nor PostgreSQL holds a name of the list.
    store = redis.Redis.from_url(redis_url)
    for key in store.scan_iter():
        assert NAME.encode() not in key + (store.dump(key) or b""), key  # any type of value
    for table in ("users", "jobs", "audit_log", "failed_logins"):
        assert NAME not in repr(rows(database_url, f"SELECT * FROM {table}")), table  # noqa: S608


def test_failed_logins_are_counted_in_postgresql_by_every_worker(
    start_server: StartServer, database_url: str
) -> None:
    server = start_server(name="region-logins", settings={"PORTAL_DATABASE_URL": database_url})
    email = server.account("region.limit@example.org", "editor")
    statuses = [log_in(server.browser(), email, "not the password").status for _ in range(11)]
    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429
    counted = rows(
        database_url, "SELECT count(*) FROM failed_logins WHERE key = %s", f"account:{email}"
    )
    assert counted == [(10,)]
