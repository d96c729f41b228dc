"""Lists of letters are jobs: follow an upload to its job page and fetch what it made."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask.testing import FlaskClient
from werkzeug.test import TestResponse


def finished(client: FlaskClient, response: TestResponse) -> TestResponse:
    """Return the download of the job an upload started; the upload's own answer when the
    list was refused (no job). The tests run jobs at once (PORTAL_JOBS_IMMEDIATE)."""
    if response.status_code != 303:
        return response
    job_page = urlsplit(response.headers["Location"]).path
    assert job_page.startswith("/staff/jobs/"), job_page
    state = client.get(job_page, headers={"Accept": "application/json"}).get_json()
    assert state["state"] == "done", state
    assert state["done"] == state["total"]
    return client.get(state["download"])
