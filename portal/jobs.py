"""Long work as jobs: a list of letters is printed by the job worker, never in a web request.

Huey carries the jobs: an embedded SQLite queue in the instance folder by default (no server
to install), Redis when PORTAL_REDIS_URL is set (then `flask jobs worker` on any number of
machines takes them). A job's state and progress live in the database, so every web worker
shows the same progress bar, and a job outlives the web worker that started it.

Personal data is never at rest in plain text: the checked list and the finished PDF are
encrypted (Fernet) with a key derived from the app's secret key, which the processes hold and
the job storage does not. Both files are deleted after the download, or JOB_KEEP_SECONDS after
the job ended; the queue itself carries only the job's random id.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import json
import logging
import multiprocessing
import os
import secrets
import threading
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from flask import Flask, current_app
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey, crontab
from sqlalchemy import String, Text, update
from sqlalchemy.orm import Mapped, mapped_column

from . import content
from .addresses import public_base_url
from .database import db
from .letters import PEOPLE_PER_DOCUMENT, Person, letters_html
from .prebuild import prebuild
from .printing import PRINT_NICENESS, print_each, print_in_parallel

log = logging.getLogger(__name__)

STATES = ("queued", "running", "done", "failed")


def now() -> dt.datetime:
    """Return the time in UTC, without a time zone (as the database keeps it)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def silent_worker(state: str, alive_at: dt.datetime, stall: float) -> str:
    """Return why a job has failed when its worker is silent ("" while all is well): running
    and silent for `stall` seconds, its worker died; queued for ten times as long, no job
    worker is running."""
    silent = (now() - alive_at).total_seconds()
    if state == "running" and silent > stall:
        return "worker-stopped"
    if state == "queued" and silent > 10 * stall:
        return "not-started"
    return ""


class Job(db.Model):  # type: ignore[name-defined]
    """One list of letters being printed: who asked, how far it is. Never whom it is for."""

    __tablename__ = "jobs"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    owner_id: Mapped[int] = mapped_column()
    municipality: Mapped[str] = mapped_column(String(80))
    letter: Mapped[str] = mapped_column(String(80))
    state: Mapped[str] = mapped_column(String(16), default="queued")
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[dt.datetime] = mapped_column(default=now)
    alive_at: Mapped[dt.datetime] = mapped_column(default=now)
    started_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    finished_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    # Why it failed, as a key the job page words in the reader's language.
    failure: Mapped[str] = mapped_column(String(32), default="")
    downloaded: Mapped[bool] = mapped_column(default=False)
    # pdf: one print-ready PDF; zip: a ZIP with one PDF per person, named by row number.
    output: Mapped[str] = mapped_column(String(8), default="pdf")
    # Where the letters' QR codes lead: the public address when the list was uploaded.
    public_base: Mapped[str] = mapped_column(String(200), default="")
    # The list's rows whose letter shows Dutch words in the person's language, by column, as
    # JSON ({"afspraak": [3, 7]}): row numbers and column names only, never the values.
    untranslated: Mapped[str] = mapped_column(Text, default="")

    def untranslated_rows(self) -> dict[str, list[int]]:
        """Return the rows whose translated letter shows Dutch words, by column."""
        return dict(json.loads(self.untranslated)) if self.untranslated else {}

    def seconds_left(self) -> int | None:
        """Estimate the seconds until the job is done, from its speed so far."""
        if self.state != "running" or not self.started_at or not self.done:
            return None
        spent = (now() - self.started_at).total_seconds()
        return max(1, round(spent / self.done * (self.total - self.done)))

    def notice_a_dead_worker(self) -> None:
        """Fail a job whose worker went silent, or that no worker took up.

        A running job says it is alive after every document of letters (a few seconds);
        silent for JOB_STALL_SECONDS, its worker died. Queued for ten times as long: no job
        worker is running.
        """
        why = silent_worker(
            self.state, self.alive_at, float(current_app.config["JOB_STALL_SECONDS"])
        )
        if why:
            self.fail(why)

    def fail(self, why: str) -> None:
        """Mark the job failed and remove what it holds of personal data."""
        self.state, self.failure, self.finished_at = "failed", why, now()
        for path in job_files(self.id):
            path.unlink(missing_ok=True)


# --- Encrypted files ------------------------------------------------------------------------


def cipher() -> Fernet:
    """Return the cipher of job files: its key comes from the secret key, never from storage."""
    secret = str(current_app.config["SECRET_KEY"]).encode("utf-8")
    key = hashlib.sha256(b"wegwijs job files\0" + secret).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def jobs_folder() -> Path:
    """Return the folder of the encrypted job files (inside the instance folder)."""
    folder = Path(current_app.config["INSTANCE_DIR"]) / "jobs"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def job_files(job_id: str) -> list[Path]:
    """Return the files a job may have: its list and its PDF (encrypted)."""
    folder = jobs_folder()
    return [folder / f"{job_id}.list", folder / f"{job_id}.pdf"]


def write_encrypted(path: Path, data: bytes) -> None:
    """Write data encrypted, in one step (a reader never sees half a file)."""
    temporary = path.with_name(f".{path.name}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(cipher().encrypt(data))
        temporary.replace(path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def read_encrypted(path: Path) -> bytes:
    """Read and decrypt a job file."""
    return cipher().decrypt(path.read_bytes())


def person_record(person: Person) -> dict[str, Any]:
    """Return a person as plain data, to encrypt into the job's list."""
    return {
        "values": person.values,
        "dates": {name: date.isoformat() for name, date in person.dates.items()},
        "times": {name: time.isoformat() for name, time in person.times.items()},
        "lang": person.lang,
        "row": person.row,
        "picked": person.picked,
        "as_typed": sorted(person.as_typed),
        "own_words": sorted(person.own_words),
    }


def person_from(record: dict[str, Any]) -> Person:
    """Return the person of a record of the job's list."""
    return Person(
        values=dict(record["values"]),
        dates={k: dt.date.fromisoformat(v) for k, v in record["dates"].items()},
        times={k: dt.time.fromisoformat(v) for k, v in record["times"].items()},
        lang=str(record["lang"]),
        row=int(record.get("row", 0)),
        picked={name: (str(pair[0]), str(pair[1])) for name, pair in record["picked"].items()},
        as_typed=frozenset(record["as_typed"]),
        own_words=frozenset(record["own_words"]),
    )


# --- Starting, running and ending a job -----------------------------------------------------


OUTPUTS = ("pdf", "zip")


def start_merge(
    owner_id: int,
    letter: str,
    municipality: str,
    people: list[Person],
    output: str = "pdf",
    untranslated: dict[str, list[int]] | None = None,
) -> Job:
    """Save the checked list (encrypted) and queue the job that prints it; `untranslated`
    names the rows whose translated letter shows Dutch words, by column."""
    remove_old_files()
    job = Job(
        id=secrets.token_urlsafe(24),
        owner_id=owner_id,
        municipality=municipality,
        letter=letter,
        total=len(people),
        output=output if output in OUTPUTS else "pdf",
        public_base=public_base_url(),
        untranslated=json.dumps(untranslated) if untranslated else "",
    )
    records = json.dumps([person_record(p) for p in people]).encode("utf-8")
    write_encrypted(job_files(job.id)[0], records)
    db.session.add(job)
    db.session.commit()
    current_app.extensions["wegwijs_merge_task"](job.id)  # queued; at once in immediate mode
    db.session.refresh(job)
    return job


def run_merge(job_id: str) -> None:
    """Print the letters of a job, telling the database how far it is after every chunk."""
    job = db.session.get(Job, job_id)
    if job is None or job.state != "queued":
        return
    list_file, pdf_file = job_files(job_id)
    job.state, job.started_at, job.alive_at = "running", now(), now()
    db.session.commit()
    try:
        people = [person_from(r) for r in json.loads(read_encrypted(list_file))]
        loaded = content.current()
        letter = loaded.letters[job.letter]
        municipality = loaded.municipalities[job.municipality]
        # One document per chunk of people, joined into one PDF; or one per person, zipped.
        per_document = PEOPLE_PER_DOCUMENT if job.output == "pdf" else 1
        groups = [people[i : i + per_document] for i in range(0, len(people), per_document)]
        documents = [letters_html(letter, municipality, group) for group in groups]

        def progress(documents_done: int) -> None:
            job.done = min(job.total, documents_done * per_document)
            job.alive_at = now()
            db.session.commit()

        with heartbeat(job_id):
            if job.output == "zip":
                pdfs = print_each(documents, progress, stylesheet="letter")
                result = zip_per_person([g[0].row for g in groups], pdfs)
            else:
                result = print_in_parallel(documents, progress, stylesheet="letter")
        write_encrypted(pdf_file, result)
    except Exception as error:  # noqa: BLE001 - any failure fails the job, with a message
        # Never the error's text or traceback: it may hold a name from the list.
        log.error("job %s failed: %s", job_id, type(error).__name__)
        db.session.rollback()
        job.fail("print-failed")
        db.session.commit()
        return
    finally:
        list_file.unlink(missing_ok=True)
    job.state, job.done, job.finished_at, job.alive_at = "done", job.total, now(), now()
    db.session.commit()


@contextmanager
def heartbeat(job_id: str) -> Iterator[None]:
    """Tell the database that a job is alive every few seconds while its letters print.

    A thread of its own, so that even a long first document never looks like a dead worker;
    when the worker process dies, the beat stops and the job page fails the job.
    """
    stop = threading.Event()
    interval = max(0.5, min(10.0, float(current_app.config["JOB_STALL_SECONDS"]) / 4))
    engine = db.engine

    def beat() -> None:
        while not stop.wait(interval):
            with engine.begin() as connection:
                connection.execute(update(Job).where(Job.id == job_id).values(alive_at=now()))

    thread = threading.Thread(target=beat, name=f"heartbeat {job_id[:6]}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def zip_per_person(rows: list[int], pdfs: list[bytes]) -> bytes:
    """Return a ZIP with one PDF per person, named by the row of the list (no names)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:  # PDFs are compressed
        for number, (row, pdf) in enumerate(zip(rows, pdfs, strict=True), start=1):
            archive.writestr(f"rij-{row or number:04d}.pdf", pdf)
    return out.getvalue()


def take_result(job: Job) -> bytes | None:
    """Return the finished PDF of a job once, then delete it; None when it is gone."""
    path = job_files(job.id)[1]
    try:
        pdf = read_encrypted(path)
    except (OSError, InvalidToken):
        return None
    path.unlink(missing_ok=True)
    job.downloaded = True
    db.session.commit()
    return pdf


def remove_old_files(folder: Path | None = None) -> None:
    """Delete job files older than JOB_KEEP_SECONDS: a result nobody fetched, a stale list
    (in the folder of lists of letters unless another is named)."""
    limit = time.time() - float(current_app.config["JOB_KEEP_SECONDS"])
    for path in (folder or jobs_folder()).iterdir():
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except FileNotFoundError:
            pass  # another process removed it first


# --- The queue ------------------------------------------------------------------------------


def queue() -> Huey:
    """Return the app's job queue."""
    found: Huey = current_app.extensions["wegwijs_queue"]
    return found


def make_queue(app: Flask) -> Huey:
    """Make the queue: in memory and run at once for tests, Redis when configured, else
    SQLite in the instance folder."""
    if app.config["JOBS_IMMEDIATE"]:
        return MemoryHuey("wegwijs", immediate=True)
    if app.config["REDIS_URL"]:
        return RedisHuey("wegwijs", url=app.config["REDIS_URL"])
    path = Path(app.config["INSTANCE_DIR"]) / "jobs.db"
    return SqliteHuey("wegwijs", filename=str(path))


def init_app(app: Flask) -> None:
    """Set up the job queue and the task that prints a list of letters."""
    huey = make_queue(app)

    def merge_task(job_id: str) -> None:
        # A request context of its own, on the address the list was uploaded to: letters
        # carry links (QR codes) built with url_for.
        with app.app_context():
            job = db.session.get(Job, job_id)
            if job is None:
                return
            base = job.public_base or str(app.config["PUBLIC_BASE_URL"])
            if not base:  # a job queued before jobs remembered their address
                job.fail("print-failed")
                db.session.commit()
                return
        with app.test_request_context(base_url=base):
            run_merge(job_id)

    def prebuild_task() -> None:
        # Only with a public address: a PDF's QR codes lead there. In a process of its own,
        # at a low priority, that gives its memory back when it ends.
        if app.config["PUBLIC_BASE_URL"]:
            builder = multiprocessing.get_context("fork").Process(target=prebuild_quietly)
            builder.start()
            builder.join()

    def prebuild_quietly() -> None:
        os.nice(PRINT_NICENESS)
        prebuild(app)

    app.extensions["wegwijs_queue"] = huey
    app.extensions["wegwijs_merge_task"] = huey.task(name="merge")(merge_task)
    huey.periodic_task(crontab(minute="*"), name="prebuild")(prebuild_task)
