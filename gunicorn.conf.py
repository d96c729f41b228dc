"""gunicorn settings for `make run`: web workers for requests, and the job worker beside them.

Web requests are short: anything long (a list of letters) is a job, run by the job worker,
which starts its working process again if that dies. The master forks it once the app is
loaded, so it shares the app's memory with the web workers, and stops it with the server.
On more machines, start `flask jobs worker` there (see the README).
"""

from __future__ import annotations

import ctypes
import os
import signal
import time
from typing import Any, NoReturn

# A web request that takes longer is a bug: long work belongs in a job.
timeout = 30
graceful_timeout = 20
# Which X-Forwarded-* headers count is decided in one place, the app (PORTAL_TRUSTED_PROXIES):
# gunicorn would otherwise believe X-Forwarded-Proto from any client on 127.0.0.1, and a
# client could make the QR codes of a print lead to https where there is none.
secure_scheme_headers: dict[str, str] = {}
# The app (its libraries, content, fonts) is loaded once, before the web workers and the job
# worker are forked: they share those memory pages instead of each holding a copy (about
# 100 MB a process, bench/README.md). It opens no connection that a child would inherit
# (database.init_app). A restarted worker is forked from the same loaded app and reads
# changed content itself.
preload_app = True

# The name of the job worker's processes in /proc/<pid>/comm (ps -o comm): their command
# line is the master's.
JOB_WORKER_NAME = b"wegwijs-jobs"
JOB_WORKER_STOP_SECONDS = 15.0
_job_worker: list[int] = []


def when_ready(server: Any) -> None:
    """Say where prints lead; fork the job worker once the web server listens."""
    public = server.app.wsgi().config["PUBLIC_BASE_URL"]
    server.log.info(
        "QR codes and links on prints lead to %s",
        public or "the address each request came in on (set PORTAL_PUBLIC_BASE_URL to fix it)",
    )
    pid = os.fork()
    if pid == 0:
        run_job_worker(server)
    _job_worker.append(pid)
    server.log.info("job worker started (pid %s)", pid)


def run_job_worker(server: Any) -> NoReturn:
    """Be the job worker, in the child forked from the master; never return."""
    status = 1
    try:
        for listener in server.LISTENERS:  # only the web workers answer requests
            listener.close()
        for signum in [*server.SIGNALS, signal.SIGCHLD]:  # the master's handlers are not ours
            signal.signal(signum, signal.SIG_DFL)
        ctypes.CDLL(None).prctl(15, JOB_WORKER_NAME, 0, 0, 0)  # 15: PR_SET_NAME
        from portal.cli import end_with_parent, supervise_jobs

        end_with_parent()  # a master killed outright (SIGKILL) never runs on_exit
        with server.app.wsgi().app_context():
            supervise_jobs(workers=1)
        status = 0
    finally:
        os._exit(status)


def on_exit(server: Any) -> None:
    """Stop the job worker with the server (a job it was running is marked failed)."""
    for pid in _job_worker:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            continue
        deadline = time.monotonic() + JOB_WORKER_STOP_SECONDS
        while time.monotonic() < deadline and job_worker_alive(pid):
            time.sleep(0.1)
        if job_worker_alive(pid):
            os.kill(pid, signal.SIGKILL)


def job_worker_alive(pid: int) -> bool:
    """Say whether the job worker still runs (the master may have reaped it already)."""
    try:
        done, _status = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return False
    return done == 0
