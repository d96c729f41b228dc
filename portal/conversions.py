"""A recording is converted as a job, never inside a request: five minutes of speech take
seconds to convert (more on a busy machine), and an editor waits on a progress bar instead.

The upload is kept in the instance folder until the job worker has converted it
(audio.convert, in CONVERT_STEPS steps) and saved it beside the text as one commit by the
editor who made it. The recording page shows how far it is and, at the end, that the
recording is saved or why it was refused. A recording holds no personal data; the upload is
deleted when the job ends all the same.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from . import content
from .audio import (
    CONVERT_SECONDS,
    AudioError,
    Recording,
    audio_path,
    convert,
    description,
    description_path,
)
from .database import db
from .history import SaveError, save_files, saving
from .jobs import now, remove_old_files, silent_worker
from .texts import TranslatedItem

log = logging.getLogger(__name__)

PENDING = ("queued", "running")


class Conversion(db.Model):  # type: ignore[name-defined]
    """One uploaded recording being converted: of which text, by whom, how far it is."""

    __tablename__ = "conversions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    editor: Mapped[str] = mapped_column(String(254))
    kind: Mapped[str] = mapped_column(String(16))
    slug: Mapped[str] = mapped_column(String(80))
    lang: Mapped[str] = mapped_column(String(8))
    # The version of the text the editor read aloud (audio.text_code) when uploading.
    text_code: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16), default="queued")
    steps_done: Mapped[int] = mapped_column(default=0)
    # Why it was refused: an AudioError reason, or save-failed, worker-stopped, not-started.
    failure: Mapped[str] = mapped_column(String(32), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=now)
    alive_at: Mapped[dt.datetime] = mapped_column(default=now)

    @property
    def pending(self) -> bool:
        """Say whether the job worker has still to finish it."""
        return self.state in PENDING

    def notice_a_dead_worker(self) -> None:
        """Fail a conversion whose worker went silent, or that no worker took up."""
        # One step may take the whole time limit before the next sign of life.
        stall = max(float(current_app.config["JOB_STALL_SECONDS"]), CONVERT_SECONDS + 10)
        why = silent_worker(self.state, self.alive_at, stall)
        if why:
            self.end("failed", why)

    def end(self, state: str, failure: str = "") -> None:
        """End the conversion and delete the upload."""
        self.state, self.failure, self.alive_at = state, failure, now()
        upload_path(self.id).unlink(missing_ok=True)


def upload_folder() -> Path:
    """Return the folder where uploads wait for the job worker (inside the instance folder)."""
    folder = Path(current_app.config["INSTANCE_DIR"]) / "conversions"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def upload_path(conversion_id: str) -> Path:
    """Return where an upload waits for the job worker."""
    return upload_folder() / f"{conversion_id}.upload"


def start_conversion(
    kind: str, slug: str, lang: str, text_code: str, upload: bytes, editor: str
) -> Conversion:
    """Keep the upload and queue its conversion; return the conversion to follow."""
    remove_old_files(upload_folder())  # an upload whose job never ran
    conversion = Conversion(
        id=secrets.token_urlsafe(24), editor=editor, kind=kind, slug=slug, lang=lang,
        text_code=text_code,
    )  # fmt: skip
    upload_path(conversion.id).write_bytes(upload)  # whole before the job is queued
    db.session.add(conversion)
    db.session.commit()
    current_app.extensions["wegwijs_convert_task"](conversion.id)  # at once in immediate mode
    db.session.refresh(conversion)
    return conversion


def run_conversion(conversion_id: str) -> None:
    """Convert an upload and save the recording beside its text (in the job worker)."""
    conversion = db.session.get(Conversion, conversion_id)
    if conversion is None or conversion.state != "queued":
        return
    conversion.state, conversion.alive_at = "running", now()
    db.session.commit()

    def progress(steps_done: int) -> None:
        conversion.steps_done, conversion.alive_at = steps_done, now()
        db.session.commit()

    try:
        item = content.current().translated_item(conversion.kind, conversion.slug)
        if item is None:
            raise LookupError("the text is gone")
        text_path = item.texts[conversion.lang].path
        upload = upload_path(conversion_id).read_bytes()
        converted, seconds = convert(upload, current_app.config["MAX_CONTENT_LENGTH"], progress)
    except AudioError as error:
        log.info("recording refused: %s", error)
        conversion.end("failed", error.reason)
        db.session.commit()
        return
    except Exception as error:  # noqa: BLE001 - the text or upload gone, a tool broken: the editor is told
        log.error("converting %s failed: %s", conversion_id, type(error).__name__)
        conversion.end("failed", "failed")
        db.session.commit()
        return
    made = Recording(
        path=audio_path(text_path),
        recorded_from=conversion.text_code,
        recorded_by=conversion.editor,
        seconds=seconds,
    )
    saved = save_recording(item, conversion.lang, converted, made, conversion.editor)
    conversion.end("done" if saved else "failed", "" if saved else "save-failed")
    db.session.commit()


def save_recording(
    item: TranslatedItem, lang: str, converted: bytes, made: Recording, editor: str
) -> bool:
    """Save a converted recording and its description as one commit by `editor`; return
    whether it was saved."""
    message = f"{lang}: {item.kind} {item.slug} recorded"
    try:
        with saving():
            files: dict[Path, str | bytes] = {
                made.path: converted,
                description_path(item.texts[lang].path): description(made),
            }
            save_files(files, message, editor)
    except SaveError as error:
        log.error("saving the recording of %s failed: %s", made.path, error)
        return False
    content.store().reload_now()
    return True


def init_app(app: Flask) -> None:
    """Register the task that converts a recording on the app's job queue."""

    def convert_task(conversion_id: str) -> None:
        with app.app_context():
            run_conversion(conversion_id)

    # Ahead of lists of letters waiting in the queue: an editor waits on the page. (One being
    # printed is not interrupted: with one job worker, a conversion then waits for it.)
    huey = app.extensions["wegwijs_queue"]
    app.extensions["wegwijs_convert_task"] = huey.task(name="convert", priority=10)(convert_task)
