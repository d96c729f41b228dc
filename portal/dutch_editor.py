"""The Dutch source in the browser: the text that every translation starts from.

Editors with Dutch among their languages change it in the same editor as a translation, with
readability advice beside it that names the sentences and words to change. A save keeps the
file's other settings (pictograms, sources, facts to check, comments) line for line, and is
refused when `content check` would then find an error it does not find now (a placeholder
that the letter's translations use, a link that leads nowhere): the check runs on a copy of
content/ with the new text in it. A saved change makes every translation outdated.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path

import yaml
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from .checks import readability, site_errors
from .editor import (
    bp,
    fields_of,
    file_code,
    find_item,
    posted_fields,
    preview_html,
    require_language,
    save_text,
)
from .facts import TOP_LEVEL
from .i18n import languages
from .textfiles import SOURCE_LANGUAGE, TextFields, read_text, with_setting
from .texts import TranslatedItem

MAX_MEASURED_CHARACTERS = 100_000  # the live readability advice reads at most this much


@bp.route("/<kind>/<slug>/nl", methods=["GET", "POST"])
def edit_dutch(kind: str, slug: str) -> Response | tuple[str, int]:
    """Edit the Dutch text of a step, letter, form or questions page; preview or save it."""
    item = find_item(kind, slug)
    require_language(SOURCE_LANGUAGE)
    path = item.source.path
    base = file_code(path)
    fields = fields_of(item, SOURCE_LANGUAGE)
    problems: list[str] = []
    breaks: list[str] = []
    conflict = None
    preview = None
    if request.method == "POST":
        fields = posted_fields(item, fields)
        problems = [
            _("Fill in: %(field)s", field=name)
            for name in item.kind_info.required
            if not fields[name]  # type: ignore[literal-required]
        ]
        if request.form.get("base") != base:
            conflict = fields_of(item, SOURCE_LANGUAGE)
            problems.append(_("Someone else saved this text while you were editing it."))
        elif not problems:
            text = dutch_file_text(item, read_text(path), fields)
            breaks = new_errors(path, text)
            if breaks:
                problems.append(_("This change would break the site, so it was not saved:"))
            elif request.form.get("action") == "preview":
                preview = preview_html(item, fields, SOURCE_LANGUAGE)
            else:
                outcome = save_dutch(item, text)
                if outcome == "failed":
                    problems.append(
                        _("The text could not be saved. Your text is still here: try again later.")
                    )
                elif outcome == "conflict":
                    conflict = fields_of(item, SOURCE_LANGUAGE)
                    problems.append(_("Someone else saved this text while you were editing it."))
                else:
                    flash(DUTCH_SAVE_MESSAGES[outcome](), "success")
                    return redirect(url_for(".edit", kind=kind, slug=slug, lang=SOURCE_LANGUAGE))
    status = 409 if conflict else 422 if problems else 200
    page = render_template(
        "editor/dutch.html",
        item=item,
        fields=fields,
        base=base,
        problems=problems,
        breaks=breaks,
        conflict=conflict,
        preview=preview,
        measured=readability(fields["body"]),
        translations=[(lang, item.status(lang)) for lang in languages() if lang != "nl"],
        today=dt.date.today().isoformat(),
        file_code=file_code,
    )
    return page, status


DUTCH_SAVE_MESSAGES = {
    "saved": lambda: _("Saved. Every translation of this text is now outdated."),
    "unchanged": lambda: _("Nothing changed: the text was already like this."),
}


@bp.route("/readability", methods=["POST"])
def readability_advice() -> str:
    """Return the readability advice for a Dutch text as it is being typed (a page part)."""
    text = request.form.get("text", "")[:MAX_MEASURED_CHARACTERS]
    return render_template("editor/_readability.html", measured=readability(text))


def yaml_value(value: str) -> str:
    """Return a one-line setting's value as YAML writes it (quoted when it must be)."""
    line = yaml.safe_dump({"k": value}, allow_unicode=True, width=1_000_000)
    return line.removeprefix("k: ").rstrip("\n")


def dutch_file_text(item: TranslatedItem, text: str, fields: TextFields) -> str:
    """Return a Dutch file's text with the edited settings, labels and body; every other line
    (pictograms, sources, facts to check, comments) as written."""
    path = item.source.path
    for name in item.kind_info.required:
        text = with_setting(path, text, name, yaml_value(fields[name]))  # type: ignore[literal-required]
    head, _separator, _body = text.replace("\r\n", "\n")[4:].partition("\n---\n")
    if item.kind_info.has_labels:
        head = with_labels(head, fields["labels"])
    return f"---\n{head}\n---\n{fields['body']}"


def with_labels(head: str, labels: dict[str, str]) -> str:
    """Return the settings of a file with its `labels:` block written anew."""
    dumped = yaml.safe_dump(labels, allow_unicode=True, sort_keys=False, width=1_000_000)
    block = ["labels:", *("  " + line for line in dumped.rstrip("\n").split("\n"))]
    lines = head.split("\n")
    start = next((i for i, line in enumerate(lines) if line.startswith("labels:")), None)
    if start is None:
        return "\n".join([*lines, *block])
    end = start + 1
    while end < len(lines) and not TOP_LEVEL.match(lines[end]):
        end += 1
    return "\n".join([*lines[:start], *block, *lines[end:]])


def new_errors(path: Path, text: str) -> list[str]:
    """Return each error `content check` would find once `path` holds `text` that it does not
    find now, as "file: problem"."""
    content_dir = Path(current_app.config["CONTENT_DIR"]).resolve()
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    wanted = list(languages())
    now, _content = site_errors(app, content_dir, wanted)
    before = {named(finding.path, content_dir, finding.message) for finding in now}
    with tempfile.TemporaryDirectory(prefix="wegwijs-check-") as folder:
        copy = Path(folder) / "content"
        # Recordings are not read by the check: leaving them out keeps the copy small.
        shutil.copytree(content_dir, copy, ignore=shutil.ignore_patterns(".git", "*.m4a"))
        (copy / path.resolve().relative_to(content_dir)).write_text(text, encoding="utf-8")
        then, _content = site_errors(app, copy, wanted)
        after = [named(finding.path, copy, finding.message) for finding in then]
    return [found for found in after if found not in before]


def named(path: Path, folder: Path, message: str) -> str:
    """Return a finding as "file: problem", the file named from content/ when it is in it."""
    resolved = path.resolve()
    shown = resolved.relative_to(folder) if resolved.is_relative_to(folder) else path.name
    return f"{shown}: {message}"


def save_dutch(item: TranslatedItem, text: str) -> str:
    """Save a Dutch text; return saved, unchanged, conflict or failed."""
    return save_text(item.source.path, lambda: text, f"nl: {item.kind} {item.slug} saved")
