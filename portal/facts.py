"""Facts to check: the `verify:` items of the Dutch texts, as a checklist for editors.

An editor ticks a fact off by naming where it was checked (an https address, its title and
the date read): the fact leaves `verify:` and its source joins the text's `sources:`, in one
commit. The rest of the file is kept line for line (comments included).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from pathlib import Path

import yaml
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from . import content
from .editor import bp, file_code, find_item, reload_content, require_language
from .history import SaveError, save_files, saving
from .loading import read_sources
from .textfiles import SOURCE_LANGUAGE, ContentError, read_text, split_front_matter

log = logging.getLogger(__name__)
CHECKED_KINDS = ("step", "question")  # the texts that have `verify:` and `sources:`
TOP_LEVEL = re.compile(r"^[A-Za-z_][\w-]*:")


def with_fact_checked(path: Path, text: str, fact: str, source: dict[str, str]) -> str:
    """Return a Dutch text with `fact` moved out of `verify:` and `source` added to
    `sources:`; every other line as written. Raise ContentError for a fact that is not
    there or a source that is not valid."""
    meta, _body, _line = split_front_matter(path, text)
    if fact not in [str(item) for item in meta.get("verify") or []]:
        raise ContentError(path, "this fact is not in verify: (someone else ticked it off?)")
    read_sources(path, [source])  # an https address, a title and a date, or ContentError
    text = text.replace("\r\n", "\n").removeprefix("\ufeff")
    head, _separator, rest = text[4:].partition("\n---\n")
    lines = head.split("\n")
    block = ""
    kept: list[str] = []
    removed = False
    for line in lines:
        if TOP_LEVEL.match(line):
            block = line.split(":", 1)[0]
        elif block == "verify" and not removed and line.strip().startswith("- "):
            if str(yaml.safe_load(line.strip()[2:])) == fact:
                removed = True
                continue
        kept.append(line)
    if not any(line.strip().startswith("- ") for line in block_lines(kept, "verify")):
        kept = [line for line in kept if line != "verify:"]
    entry = yaml.safe_dump([source], allow_unicode=True, sort_keys=False, width=1000)
    entry_lines = ["  " + line for line in entry.rstrip("\n").split("\n")]
    kept = insert_into_block(kept, "sources", entry_lines)
    changed = "---\n" + "\n".join(kept) + "\n---\n" + rest
    checked, _body, _line = split_front_matter(path, changed)  # still a valid file
    if fact in [str(item) for item in checked.get("verify") or []]:
        raise ContentError(path, "the fact could not be moved")
    return changed


def block_lines(lines: list[str], key: str) -> list[str]:
    """Return the indented lines under a top-level setting (`key:`)."""
    inside, found = False, []
    for line in lines:
        if TOP_LEVEL.match(line):
            inside = line.startswith(f"{key}:")
        elif inside:
            found.append(line)
    return found


def insert_into_block(lines: list[str], key: str, entry: list[str]) -> list[str]:
    """Add entry lines at the end of a top-level list setting, creating it before `verify:`
    (or at the end) when the file has none."""
    start = next((i for i, line in enumerate(lines) if line.startswith(f"{key}:")), None)
    if start is None:
        at = next((i for i, line in enumerate(lines) if line.startswith("verify:")), len(lines))
        return [*lines[:at], f"{key}:", *entry, *lines[at:]]
    end = start + 1
    while end < len(lines) and (lines[end].startswith((" ", "\t")) or not lines[end].strip()):
        end += 1
    return [*lines[:end], *entry, *lines[end:]]


@bp.route("/facts", methods=["GET", "POST"])
def facts() -> Response | tuple[str, int]:
    """List every fact still to check in the Dutch texts; tick one off with its source."""
    problem = None
    status = 200
    if request.method == "POST":
        problem = tick_off()
        if problem is None:
            flash(_("The fact is checked: its source is now with the text."), "success")
        if request.form.get("back") == "dutch":  # ticked off on the Dutch editor's page
            if problem:
                flash(problem, "error")
            kind, slug = request.form["kind"], request.form["slug"]
            return redirect(url_for(".edit", kind=kind, slug=slug, lang=SOURCE_LANGUAGE))
        if problem is None:
            return redirect(url_for(".facts"))
        status = 422
    loaded = content.current()
    items = [item for item in loaded.translated() if item.kind in CHECKED_KINDS]
    page = render_template(
        "editor/facts.html",
        items=[item for item in items if getattr(item, "verify", ())],
        problem=problem,
        today=dt.date.today().isoformat(),
        file_code=file_code,
    )
    return page, status


def tick_off() -> str | None:
    """Move one fact to the sources of its text; return a problem for the editor, or None."""
    kind, slug = request.form.get("kind", ""), request.form.get("slug", "")
    if kind not in CHECKED_KINDS:
        abort(404)
    item = find_item(kind, slug)
    require_language(SOURCE_LANGUAGE)
    path = item.source.path
    if request.form.get("fact", "") not in getattr(item, "verify", ()):
        return _("This fact is not on the list any more: someone else checked it.")
    source = {
        "url": request.form.get("url", "").strip(),
        "title": request.form.get("title", "").strip(),
        "read": request.form.get("read", "").strip(),
    }
    try:
        with saving():
            if file_code(path) != request.form.get("base"):
                return _("Someone else changed this text meanwhile. Look again, then tick it off.")
            text = read_text(path)
            changed = with_fact_checked(path, text, request.form.get("fact", ""), source)
            message = f"nl: {kind} {slug}: fact checked ({source['url']})"
            save_files({path: changed}, message, current_user.email)
    except ContentError as error:
        log.info("fact not ticked off: %s", error)
        return _(
            "Give the address of the source (https://...), its title and the date you read it."
        )
    except SaveError as error:
        log.error("ticking off a fact in %s failed: %s", path, error)
        return _("The text could not be saved. Your text is still here: try again later.")
    reload_content()
    return None
