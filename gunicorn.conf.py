"""gunicorn settings for `make run`: web workers for requests, and the job worker beside them.

Web requests are short: anything long (a list of letters) is a job, run by the job worker
(`flask jobs worker`, which starts its working process again if that dies). This file starts
it with the server and stops it with the server. On more machines, start `flask jobs worker`
there (see the README).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

# A web request that takes longer is a bug: long work belongs in a job.
timeout = 30
graceful_timeout = 20

JOB_WORKER = [sys.executable, "-m", "flask", "--app", "app", "jobs", "worker"]
PROJECT = Path(__file__).resolve().parent
_job_worker: list[subprocess.Popen[bytes]] = []


def when_ready(server: Any) -> None:
    """Start the job worker once the web server listens."""
    process = subprocess.Popen(JOB_WORKER, cwd=PROJECT)  # noqa: S603 - our own command
    _job_worker.append(process)
    server.log.info("job worker started (pid %s)", process.pid)


def on_exit(server: Any) -> None:
    """Stop the job worker with the server (a job it was running is marked failed)."""
    for process in _job_worker:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
