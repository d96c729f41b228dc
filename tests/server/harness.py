"""The real server for the fault suite: gunicorn started as `make run` starts it, and a browser.

`Server` runs `.venv/bin/gunicorn --no-control-socket --workers 2 --bind 127.0.0.1:PORT
--access-logfile - app:app` in the project folder, on a private copy of content/ and
translations/ and a throwaway instance folder (the PORTAL_* settings), with its output in
files. `Browser` is one visitor: it keeps its cookies, never follows a redirect by itself and
gives every request a timeout. Only 127.0.0.1 is ever contacted.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from typing import IO
from urllib.parse import urlencode

from portal.loading import PERSON_FIELDS
from tests.conftest import LANGUAGES, QUESTION_SLUGS, STEP_SLUGS
from tests.html_tools import FormValues

PROJECT = Path(__file__).resolve().parents[2]
# The project's virtual environment: the folder of the Python running the tests, as `make`
# would use it; .venv/bin when the tests run from another interpreter.
BIN = Path(sys.executable).parent
if not (BIN / "gunicorn").is_file():
    BIN = PROJECT / ".venv" / "bin"
HOST = "127.0.0.1"
JOB_WORKER_NAME = "wegwijs-jobs"  # gunicorn.conf.py's JOB_WORKER_NAME
WORKERS = 2
START_SECONDS = 30.0  # until /healthz answers after a start
STOP_SECONDS = 15.0  # after SIGTERM, before SIGKILL
REQUEST_SECONDS = 10.0  # the timeout of a request, unless a test gives another
CLI_SECONDS = 60.0
# Accounts of the suite. The password is long and uncommon, so that a check against common
# passwords lets it through.
PASSWORD = "Wegwijs server suite 7Kq ladder"  # noqa: S105 - a test account's password
WRONG_PASSWORD = "not the password of anyone 3Xr"  # noqa: S105 - a wrong password on purpose
MUNICIPALITY = "tilburg"
# The letter whose mail merge the suite uploads lists to, and a person of such a list.
LETTER = "uitnodiging-brede-intake"
LIST_PAGE = f"/staff/letters/{LETTER}/list"
PERSON = {
    "voornaam": "Amal",
    "achternaam": "Haddad",
    "straat": "Stationsstraat",
    "huisnummer": "1",
    "postcode": "5038 TC",
    "plaats": "Tilburg",
    "taal": "ar",
    "datum": "3-12-2026",
    "tijd": "9:30",
    "eindtijd": "10:30",
    "locatie": "Stadswinkel",
    "klantregisseur": "J. de Vries",
    "contactpersoon": "J. de Vries",
    "telefoon": "013 123 4567",
    "email": "jdevries@example.org",
}
REDIRECT = (301, 302, 303, 307, 308)


def list_columns() -> list[str]:
    """Return the columns of the letter's list: every person's fields, then its placeholders."""
    meta = (PROJECT / "content" / "letters" / LETTER / "meta.yml").read_text(encoding="utf-8")
    placeholders = [
        line.split(":", 1)[1].strip() for line in meta.splitlines() if "- name:" in line
    ]
    return [*PERSON_FIELDS, *placeholders]


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def vm_rss_mb(pid: int) -> float | None:
    """Return the resident memory of a process in MB (VmRSS), or None when it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    except OSError:
        return None
    found = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
    return int(found.group(1)) / 1024 if found else None


def alive(pid: int) -> bool:
    """Say whether a process exists and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


@dataclass
class Reply:
    """What the server answered to one request."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes
    seconds: float

    def header(self, name: str) -> str | None:
        """Return the first header of this name (any case), or None."""
        values = self.all(name)
        return values[0] if values else None

    def all(self, name: str) -> list[str]:
        """Return every header of this name (any case), e.g. each Set-Cookie."""
        return [value for key, value in self.headers if key.lower() == name.lower()]

    @property
    def text(self) -> str:
        """Return the body as text."""
        return self.body.decode("utf-8", errors="replace")

    @property
    def location(self) -> str:
        """Return the Location header, or an empty string."""
        return self.header("Location") or ""

    @property
    def content_type(self) -> str:
        """Return the media type without parameters, e.g. text/html."""
        return (self.header("Content-Type") or "").split(";")[0].strip()

    def __str__(self) -> str:
        """Show the status and the start of the body, for assertion messages."""
        return f"{self.status} {self.content_type} {self.location} {self.text[:300]!r}"


def cookie_pair(set_cookie: str) -> tuple[str, str, bool]:
    """Read a Set-Cookie header: its name, its value, and whether it deletes the cookie."""
    first, *attributes = set_cookie.split(";")
    name, _, value = first.strip().partition("=")
    removed = False
    for attribute in attributes:
        key, _, setting = attribute.strip().partition("=")
        if key.lower() == "max-age" and setting.strip() in ("0", "-1"):
            removed = True
        if key.lower() == "expires" and "1970" in setting:
            removed = True
    return name, value, removed or not value


def cookie_attributes(set_cookie: str) -> set[str]:
    """Return the attribute names of a Set-Cookie header in lower case (secure, httponly...)."""
    return {part.strip().partition("=")[0].lower() for part in set_cookie.split(";")[1:]}


def multipart(
    fields: Mapping[str, str], files: Mapping[str, tuple[str, bytes, str]]
) -> tuple[bytes, str]:
    """Encode a form with file uploads as multipart/form-data; return the body and its type."""
    boundary = f"----wegwijs{uuid.uuid4().hex}"
    parts: list[bytes] = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + value.encode()
            + b"\r\n"
        )
    for name, (filename, data, media_type) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {media_type}\r\n\r\n'
        )
        parts.append(head.encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Browser:
    """One visitor of the real server: cookies kept, redirects not followed, timeouts always."""

    def __init__(self, port: int, headers: Mapping[str, str] | None = None) -> None:
        self.port = port
        self.headers = dict(headers or {})
        self.cookies: dict[str, str] = {}
        self._lock = threading.Lock()  # two threads may share one visitor's cookies

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float = REQUEST_SECONDS,
    ) -> Reply:
        """Send one request over a new connection (gunicorn's sync workers close each one)."""
        sent = self.headers | dict(headers or {})
        with self._lock:
            if self.cookies:
                sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = http.client.HTTPConnection(HOST, self.port, timeout=timeout)
        start = time.monotonic()
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            data = response.read()
            reply = Reply(response.status, response.getheaders(), data, time.monotonic() - start)
        finally:
            connection.close()
        with self._lock:
            for set_cookie in reply.all("Set-Cookie"):
                name, value, removed = cookie_pair(set_cookie)
                if removed:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = value
        return reply

    def get(
        self,
        path: str,
        headers: Mapping[str, str] | None = None,
        timeout: float = REQUEST_SECONDS,
    ) -> Reply:
        """GET a path on the server."""
        return self.request("GET", path, None, headers, timeout)

    def post(
        self,
        path: str,
        fields: Mapping[str, str] | Iterable[tuple[str, str]],
        headers: Mapping[str, str] | None = None,
        timeout: float = REQUEST_SECONDS,
    ) -> Reply:
        """POST a form (application/x-www-form-urlencoded)."""
        body = urlencode(list(fields.items()) if isinstance(fields, Mapping) else list(fields))
        form = {"Content-Type": "application/x-www-form-urlencoded"} | dict(headers or {})
        return self.request("POST", path, body.encode(), form, timeout)

    def upload(
        self,
        path: str,
        fields: Mapping[str, str],
        files: Mapping[str, tuple[str, bytes, str]],
        timeout: float = REQUEST_SECONDS,
    ) -> Reply:
        """POST a form with files (multipart/form-data)."""
        body, media_type = multipart(fields, files)
        return self.request("POST", path, body, {"Content-Type": media_type}, timeout)

    def follow(self, reply: Reply) -> Reply:
        """GET the page a redirect points to (on this server)."""
        assert reply.status in REDIRECT, f"expected a redirect, got {reply}"
        return self.get(local_path(reply.location, self.port))

    def copy(self) -> Browser:
        """Return another visitor holding a copy of this one's cookies (a stolen cookie)."""
        other = Browser(self.port, self.headers)
        other.cookies = dict(self.cookies)
        return other


PDF_NOT_READY_SECONDS = 60.0  # the job worker makes public PDFs ahead, one at a time


def public_pdf(browser: Browser, path: str, headers: Mapping[str, str] | None = None) -> Reply:
    """Return the answer to a public PDF, asked again, as a reader would, while the server
    says it is not ready yet (503: made ahead after a start or a change)."""
    deadline = time.monotonic() + PDF_NOT_READY_SECONDS
    reply = browser.get(path, headers=headers, timeout=60)
    while reply.status == 503 and time.monotonic() < deadline:
        time.sleep(int(reply.header("Retry-After") or 1))
        reply = browser.get(path, headers=headers, timeout=60)
    assert reply.status == 200, reply
    return reply


def local_path(location: str, port: int) -> str:
    """Return a Location as a path when it points to this server (absolute or not)."""
    for origin in (f"http://{HOST}:{port}", f"http://localhost:{port}"):
        if location.startswith(origin):
            return location[len(origin) :] or "/"
    return location


def form_values(page: str) -> dict[str, str]:
    """Return what the forms on a page would send: input and textarea name -> value."""
    return FormValues(page).values


def csrf_token(page: str) -> str:
    """Return the CSRF token of the forms on a page."""
    token = form_values(page).get("csrf_token")
    assert token, "the page has no csrf_token input"
    return token


def log_in(
    browser: Browser,
    email: str,
    password: str = PASSWORD,
    query: str = "",
    headers: Mapping[str, str] | None = None,
) -> Reply:
    """Log in through the real form: GET /staff/login, read its CSRF token, POST; return that."""
    path = "/staff/login" + (f"?{query}" if query else "")
    page = browser.get(path, headers=headers)
    assert page.status == 200, f"the login page answered {page}"
    fields = {"email": email, "password": password, "csrf_token": csrf_token(page.text)}
    return browser.post(path, fields, headers=headers)


def logged_in(port: int, email: str, headers: Mapping[str, str] | None = None) -> Browser:
    """Return a visitor logged in as `email` (the login must succeed)."""
    browser = Browser(port, headers)
    reply = log_in(browser, email)
    assert reply.status in REDIRECT, f"login of {email} failed: {reply}"
    return browser


def public_pages(langs: Iterable[str] = LANGUAGES, leave_out: str | None = None) -> list[str]:
    """Return the public pages of the bundled content (every step of every language...)."""
    pages = ["/language/"]
    for lang in langs:
        pages += [f"/{lang}/", f"/{lang}/plan/", f"/{lang}/gemeente/"]
        pages.append(f"/{lang}/gemeente/{MUNICIPALITY}/plan/")
        pages += [f"/{lang}/plan/{slug}/" for slug in STEP_SLUGS if slug != leave_out]
        pages += [f"/{lang}/vragen/", f"/{lang}/gemeente/{MUNICIPALITY}/vragen/"]
        pages += [f"/{lang}/vragen/{slug}/" for slug in QUESTION_SLUGS]
    return pages


def failing_pages(browser: Browser, pages: Iterable[str], status: int = 200) -> list[str]:
    """Request pages; return each one that did not answer `status`, with what it answered."""
    wrong = []
    for page in pages:
        reply = browser.get(page)
        if reply.status != status:
            wrong.append(f"{page}: {reply}")
    return wrong


def labelled_inputs(page: str) -> dict[str, str]:
    """Return the text of each <label for=...> on a page: label text -> the input's name."""
    found = re.finditer(r'<label for="([^"]+)"[^>]*>(.*?)</label>', page, re.DOTALL)
    return {unescape(re.sub(r"<[^>]+>", "", m.group(2))).strip(): m.group(1) for m in found}


@dataclass
class Server:
    """The portal under gunicorn as `make run` starts it, on private copies of its files."""

    folder: Path
    settings: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    _logs: list[IO[bytes]] = field(default_factory=list)

    @property
    def content(self) -> Path:
        """Return the server's private copy of content/."""
        return self.folder / "content"

    @property
    def translations(self) -> Path:
        """Return the server's private copy of translations/ (the UI catalogs)."""
        return self.folder / "translations"

    @property
    def instance(self) -> Path:
        """Return the server's instance folder (secret key, SQLite database)."""
        return self.folder / "instance"

    @property
    def out_file(self) -> Path:
        """Return the file that gets gunicorn's standard output: the access log."""
        return self.folder / "gunicorn.out"

    @property
    def err_file(self) -> Path:
        """Return the file that gets gunicorn's standard error: its log and the app's."""
        return self.folder / "gunicorn.err"

    @property
    def master(self) -> int:
        """Return the pid of the gunicorn master."""
        assert self.process is not None, "the server is not running"
        return self.process.pid

    def prepare(self, git_content: bool = False) -> Server:
        """Copy content/ and translations/ and make the instance folder (once)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        if not self.content.exists():
            shutil.copytree(PROJECT / "content", self.content)
            shutil.copytree(PROJECT / "translations", self.translations)
            self.instance.mkdir()
        if git_content:
            make_git_repository(self.content)
        return self

    def environment(self) -> dict[str, str]:
        """Return the environment of the server and its CLI: ours, no inherited PORTAL_*."""
        env = {key: value for key, value in os.environ.items() if not key.startswith("PORTAL_")}
        env |= {
            "PORTAL_CONTENT_DIR": str(self.content),
            "PORTAL_BABEL_TRANSLATION_DIRECTORIES": str(self.translations),
            "PORTAL_INSTANCE_DIR": str(self.instance),
        }
        return env | self.settings

    def command(self) -> list[str]:
        """Return the command of the Makefile's `run` target, on this server's port."""
        return [
            str(BIN / "gunicorn"),
            "--config",
            "gunicorn.conf.py",
            "--no-control-socket",
            "--workers",
            str(WORKERS),
            "--bind",
            f"{HOST}:{self.port}",
            "--access-logfile",
            "-",
            "app:app",
        ]

    def start(self) -> None:
        """Start gunicorn and wait until /healthz answers; fail with its log if it does not."""
        assert self.process is None, "the server is already running"
        out, err = self.out_file.open("ab"), self.err_file.open("ab")
        self._logs = [out, err]
        self.process = subprocess.Popen(
            self.command(), cwd=PROJECT, env=self.environment(), stdout=out, stderr=err
        )
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                if Browser(self.port).get("/healthz", timeout=2).status == 200:
                    return
            except (OSError, http.client.HTTPException):
                pass  # not listening yet, or a worker still booting
            time.sleep(0.2)
        code = self.process.poll()
        self.stop()
        raise AssertionError(
            f"gunicorn did not answer /healthz within {START_SECONDS:.0f} s "
            f"(exit status {code}); its log ends with:\n{self.error_log()[-3000:]}"
        )

    def stop(self) -> None:
        """Stop gunicorn: SIGTERM to the master and wait; SIGKILL (it and its workers) if stuck."""
        if self.process is None:
            return
        workers = self.worker_pids() if self.process.poll() is None else []
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(STOP_SECONDS)
        for pid in workers:  # only our own workers: their command line names our port
            if alive(pid) and f"{HOST}:{self.port}" in command_line(pid):
                os.kill(pid, signal.SIGKILL)
        for log in self._logs:
            log.close()
        self._logs = []
        self.process = None

    def restart(self) -> None:
        """Stop the whole server and start it again, on the same port and the same files."""
        self.stop()
        self.start()

    def running(self) -> bool:
        """Say whether the gunicorn master still runs."""
        return self.process is not None and self.process.poll() is None

    def children(self) -> list[int]:
        """Return the pids of the master's children: web workers and the job worker."""
        children: list[int] = []
        for task in Path(f"/proc/{self.master}/task").glob("*/children"):
            try:
                children += [int(pid) for pid in task.read_text(encoding="ascii").split()]
            except OSError:
                continue
        return sorted(pid for pid in set(children) if alive(pid))

    def worker_pids(self) -> list[int]:
        """Return the pids of the web workers (the master's children but the job worker)."""
        return [pid for pid in self.children() if not is_job_worker(pid)]

    def job_worker_pid(self) -> int | None:
        """Return the pid of the process that runs the jobs, if it runs: the child of the
        job worker that gunicorn.conf.py forked (which starts it again if it dies)."""
        watchers = [pid for pid in self.children() if is_job_worker(pid)]
        runners = [
            int(child)
            for watcher in watchers
            for task in Path(f"/proc/{watcher}/task").glob("*/children")
            for child in task.read_text(encoding="ascii").split()
            if is_job_worker(int(child))
        ]
        return runners[0] if runners else None

    def kill_worker(self, pid: int | None = None) -> int:
        """Kill one worker with SIGKILL (the first one unless named); return its pid."""
        workers = self.worker_pids()
        assert workers, "the server has no workers"
        victim = pid if pid is not None else workers[0]
        assert victim in workers, f"{victim} is not a worker of this server"
        os.kill(victim, signal.SIGKILL)
        return victim

    def wait_for_workers(self, gone: Iterable[int] = (), seconds: float = 30.0) -> list[int]:
        """Wait until the master has all its workers again, none of `gone`; return their pids."""
        gone = set(gone)
        deadline = time.monotonic() + seconds
        workers: list[int] = []
        while time.monotonic() < deadline:
            assert self.running(), f"the gunicorn master exited:\n{self.error_log()[-3000:]}"
            workers = self.worker_pids()
            if len(workers) == WORKERS and not gone & set(workers):
                return workers
            time.sleep(0.1)
        raise AssertionError(f"gunicorn has workers {workers} after {seconds:.0f} s, not new ones")

    def worker_memory_mb(self) -> dict[int, float]:
        """Return the VmRSS of every worker in MB."""
        memory = {pid: vm_rss_mb(pid) for pid in self.worker_pids()}
        return {pid: mb for pid, mb in memory.items() if mb is not None}

    def browser(self, headers: Mapping[str, str] | None = None) -> Browser:
        """Return a new visitor of this server."""
        return Browser(self.port, headers)

    def flask(self, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        """Run `.venv/bin/flask --app app ARGS` with this server's settings."""
        return subprocess.run(
            [str(BIN / "flask"), "--app", "app", *args],
            cwd=PROJECT,
            env=self.environment(),
            input=stdin,
            capture_output=True,
            text=True,
            timeout=CLI_SECONDS,
            check=False,
        )

    def add_user(
        self,
        email: str,
        role: str,
        municipality: str | None = None,
        password: str = PASSWORD,
        languages: str | None = None,
    ) -> subprocess.CompletedProcess[str]:
        """Add an account with the CLI the README documents (the password on stdin)."""
        args = ["users", "add", email, "--role", role]
        if municipality:
            args += ["--municipality", municipality]
        if languages:
            args += ["--languages", languages]
        return self.flask(*args, stdin=password + "\n")

    def account(
        self, email: str, role: str, municipality: str | None = None, languages: str | None = None
    ) -> str:
        """Add an account that must be accepted (an editor of every language unless
        `languages` says which); return its e-mail address."""
        if role == "staff" and municipality is None:
            municipality = MUNICIPALITY
        if role == "editor" and languages is None:
            languages = "all"
        done = self.add_user(email, role, municipality, languages=languages)
        assert done.returncode == 0, f"users add {email}: {done.stdout}{done.stderr}"
        return email

    def access_log(self) -> str:
        """Return what gunicorn wrote to standard output (the access log) so far."""
        return self.out_file.read_text(encoding="utf-8", errors="replace")

    def error_log(self) -> str:
        """Return what gunicorn and the app wrote to standard error so far."""
        if not self.err_file.exists():
            return ""
        return self.err_file.read_text(encoding="utf-8", errors="replace")

    def health(self) -> dict[str, object]:
        """Return what /healthz says now."""
        reply = self.browser().get("/healthz")
        assert reply.status == 200, f"/healthz answered {reply}"
        found: dict[str, object] = json.loads(reply.body)
        return found

    def wait_for_health(
        self, status: str, seconds: float = 15.0, answers: int = 4
    ) -> dict[str, object]:
        """Wait until /healthz says `status` `answers` times in a row (so both workers do)."""
        deadline = time.monotonic() + seconds
        in_a_row, said = 0, {}
        while time.monotonic() < deadline:
            said = self.health()
            in_a_row = in_a_row + 1 if said.get("status") == status else 0
            if in_a_row >= answers:
                return said
            time.sleep(0.25)
        raise AssertionError(f"/healthz still says {said} after {seconds:.0f} s, not {status!r}")


def is_job_worker(pid: int) -> bool:
    """Say whether a process belongs to the job worker: the one gunicorn.conf.py forks is
    named in /proc/<pid>/comm, a `flask jobs worker` by its command line."""
    try:
        name = Path(f"/proc/{pid}/comm").read_text(encoding="ascii").strip()
    except OSError:
        return False
    return name == JOB_WORKER_NAME or "jobs worker" in command_line(pid)


def command_line(pid: int) -> str:
    """Return the command line of a process ('' when it is gone)."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def git(folder: Path, *args: str) -> str:
    """Run git in a folder with a fixed identity; return its output (it must succeed)."""
    identity = ["-c", "user.name=Server suite", "-c", "user.email=suite@example.org"]
    done = subprocess.run(
        ["git", "-C", str(folder), *identity, *args],
        capture_output=True,
        text=True,
        timeout=CLI_SECONDS,
        check=False,
    )
    assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
    return done.stdout


def make_git_repository(folder: Path) -> None:
    """Make a folder a git repository with everything in it as the first commit."""
    git(folder, "-c", "init.defaultBranch=main", "init", "-q")
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", "content as the suite found it")


class MemoryWatch(threading.Thread):
    """Sample the VmRSS of every worker until stopped; keep the peak per worker."""

    def __init__(self, server: Server, every: float) -> None:
        super().__init__(daemon=True)
        self.server = server
        self.every = every
        self.peak: dict[int, float] = {}
        self.done = threading.Event()

    def run(self) -> None:
        """Sample until `done` is set."""
        while not self.done.is_set():
            for pid, mb in self.server.worker_memory_mb().items():
                self.peak[pid] = max(mb, self.peak.get(pid, 0.0))
            time.sleep(self.every)

    def stop(self) -> dict[int, float]:
        """Stop sampling and return the peaks."""
        self.done.set()
        self.join(5)
        return self.peak


# What the `start_server` fixture returns: start_server(name=..., settings=..., git_content=...).
StartServer = Callable[..., Server]
