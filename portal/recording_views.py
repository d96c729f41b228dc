"""The editor's recordings: record or upload a text read aloud, listen, mark it reviewed;
and the public address a reader's phone plays it from.

`POST /editor/audio/<kind>/<slug>/<lang>` with the file in a field named `audio` hands it to
the job worker (portal/conversions.py), which converts it (audio.convert: AAC, loudness
normalised, silence trimmed) and saves it beside the text, as one git commit with its
description; the page shows a progress bar until then. Dutch is recorded here too: its text
has no side-by-side page, but it is read aloud like every other language.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from flask import (
    Flask,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from . import content
from .audio import (
    CONVERT_STEPS,
    RECORDED_KINDS,
    description,
    description_path,
    read_recording,
    text_code,
)
from .conversions import Conversion, start_conversion
from .database import db
from .editor import bp, find_item, reload_content, require_language
from .history import SaveError, save_files, saving
from .i18n import languages
from .public import bp as public_bp
from .texts import TranslatedItem

log = logging.getLogger(__name__)

AUDIO_MIMETYPE = "audio/mp4"
MICROPHONE_HERE = "camera=(), microphone=(self), geolocation=(), interest-cohort=()"


def refusal(reason: str) -> str:
    """Return why an upload was refused, in the editor's language."""
    minutes = 5
    megabytes = current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
    return {
        "not-audio": _("This file is not a sound recording. Upload a recording, e.g. MP3 or M4A."),
        "too-long": _("This recording is longer than %(minutes)s minutes.", minutes=minutes),
        "too-large": _("This file is larger than %(megabytes)s MB.", megabytes=megabytes),
        "silent": _("This recording is silent. Check your microphone and record again."),
        "failed": _("This recording could not be converted. Try another file."),
        "save-failed": _("The recording could not be saved. Try again later."),
        "worker-stopped": _("The conversion stopped halfway. Upload the recording again."),
        "not-started": _("The conversion did not start. Try again later."),
    }[reason]


def recorded_item(kind: str, slug: str, lang: str) -> TranslatedItem:
    """Return the text a recording reads, or answer 404 (no such text, or no page to play)."""
    if kind not in RECORDED_KINDS or lang not in languages():
        abort(404)
    item = find_item(kind, slug)
    if lang not in item.texts:
        abort(404)  # record a text once it exists
    return item


@bp.route("/audio/<kind>/<slug>/<lang>", methods=["GET", "POST"])
def recording(kind: str, slug: str, lang: str) -> Response:
    """Record or upload the text read aloud, listen to it, or mark it reviewed."""
    item = recorded_item(kind, slug, lang)
    require_language(lang)
    text_path = item.texts[lang].path
    problem = None
    status = 200
    if request.method == "POST" and request.form.get("action") == "review":
        problem, status = mark_reviewed(item, lang)
        if problem is None:
            return redirect(url_for(".recording", kind=kind, slug=slug, lang=lang))
    elif request.method == "POST":
        upload = request.files.get("audio")
        if upload is None or not upload.filename and not upload.mimetype.startswith("audio/"):
            problem, status = _("Choose a recording first."), 400
        else:
            code = text_code(kind, text_path)
            started = start_conversion(kind, slug, lang, code, upload.read(), current_user.email)
            return redirect(
                url_for(".recording", kind=kind, slug=slug, lang=lang, conversion=started.id)
            )
    conversion = followed_conversion(kind, slug, lang)
    if conversion is not None and conversion.state == "failed":
        problem, status = refusal(conversion.failure), 422
    page = make_response(
        render_template(
            "editor/recording.html",
            item=item,
            lang=lang,
            info=languages()[lang],
            recorded=read_recording(text_path),
            state=item.recording_status(lang),
            problem=problem,
            conversion=conversion,
            steps=CONVERT_STEPS,
            max_bytes=current_app.config["MAX_CONTENT_LENGTH"],
        ),
        status,
    )
    # This page alone may use the microphone (every other page forbids it).
    page.headers["Permissions-Policy"] = MICROPHONE_HERE
    return page


def followed_conversion(kind: str, slug: str, lang: str) -> Conversion | None:
    """Return the conversion this page follows (?conversion=...), having noticed a dead
    worker; None when there is none, or it is of another text."""
    conversion = db.session.get(Conversion, request.args.get("conversion", ""))
    if conversion is None or (conversion.kind, conversion.slug, conversion.lang) != (
        kind,
        slug,
        lang,
    ):
        return None
    if conversion.pending:
        conversion.notice_a_dead_worker()
        db.session.commit()
    return conversion


def mark_reviewed(item: TranslatedItem, lang: str) -> tuple[str | None, int]:
    """Mark a current recording reviewed by this editor, who must not have recorded it."""
    text_path = item.texts[lang].path
    found = read_recording(text_path)
    if found is None or item.recording_status(lang) == "outdated":
        return _("Only a recording of the text as it is now can be marked as reviewed."), 409
    if found.recorded_by == current_user.email:
        return _("Someone else must check your recording: you made it."), 403
    reviewed = replace(found, review="reviewed", reviewed_by=current_user.email)
    message = f"{lang}: {item.kind} {item.slug} recording reviewed"
    try:
        with saving():
            save_files(
                {description_path(text_path): description(reviewed)}, message, current_user.email
            )
    except SaveError as error:
        log.error("marking the recording of %s reviewed failed: %s", text_path, error)
        return _("The recording could not be saved. Try again later."), 500
    reload_content()
    flash(_("The recording is marked as reviewed."), "success")
    return None, 200


@bp.route("/audio/<kind>/<slug>/<lang>/recording.m4a")
def editor_listen(kind: str, slug: str, lang: str) -> Response:
    """Play the recording to an editor, outdated or not."""
    item = recorded_item(kind, slug, lang)
    found = read_recording(item.texts[lang].path)
    if found is None:
        abort(404)
    return send_file(found.path, mimetype=AUDIO_MIMETYPE, conditional=True, max_age=0)


@public_bp.route("/audio/<kind>/<slug>/<lang>-<version>.m4a")
def listen(kind: str, slug: str, lang: str, version: str) -> Response:
    """Play a recording to readers: only one that reads the text as it is now.

    The address names the recording's version, so a phone may keep it for good; byte
    ranges are answered, as Safari asks for them.
    """
    item = content.current().translated_item(kind, slug)
    found = item.recording(lang) if item is not None else None
    if found is None or found.version != version:
        abort(404)
    return send_file(found.path, mimetype=AUDIO_MIMETYPE, conditional=True, max_age=31536000)


def listen_url(item: TranslatedItem, lang: str) -> str | None:
    """Return the address a reader plays the recording of a text from, or None."""
    found = item.recording(lang)
    if found is None:
        return None
    return url_for(
        "public.listen", kind=item.kind, slug=item.slug, lang=lang, version=found.version
    )


def recording_paths() -> list[str]:
    """Return the address of every recording readers may hear (for the static export)."""
    paths = []
    for item in content.current().translated():
        for lang in languages():
            address = listen_url(item, lang)
            if address is not None:
                paths.append(address)
    return paths


def init_app(app: Flask) -> None:
    """Give templates the address of a text's recording. (The routes are on the editor's and
    the public blueprints: this module is imported before they are registered.)"""
    app.jinja_env.globals["listen_url"] = listen_url
