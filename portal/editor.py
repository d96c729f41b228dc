"""Blueprint for content editors: translation status and the side-by-side editor.

Editors never name a file: the kind, slug and language of a text are looked up in the loaded
content, so no path trick (`../`) can reach another file. A save writes the file atomically,
records which Dutch text it translates, refuses to overwrite a change made meanwhile by
someone else, and is a git commit with the editor as author when content/ is in a work tree.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po
from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup, escape
from werkzeug.wrappers import Response

from . import content, xliff
from .accounts import login_manager
from .catalogs import (
    LANGUAGE_FIELDS,
    catalog_files,
    create_language,
    language_problems,
    string_problem,
)
from .checks import status_rows, words_of
from .history import SaveError, dutch_change, save_files, saving
from .http import no_store
from .i18n import SCRIPTS, app_catalog_path, languages
from .loading import dutch_hash, split_sections
from .markup import render_markdown
from .memory import Match, matches, memory_of, texts_by_segment
from .segments import Segment, split_segments, with_texts
from .textfiles import (
    KINDS,
    SOURCE_LANGUAGE,
    ContentError,
    TextFields,
    empty_fields,
    file_text,
    read_fields,
    read_front_matter,
    source_hash,
)
from .texts import (
    PLACEHOLDER,
    SECTION_COUNT,
    Content,
    GlossaryTerm,
    Letter,
    Step,
    TranslatedItem,
)

log = logging.getLogger(__name__)
bp = Blueprint("editor", __name__, url_prefix="/editor")
bp.after_request(no_store)  # editor pages change with every save
MAX_XLIFF_BYTES = 5 * 1024 * 1024


@bp.before_request
def editors_only() -> Response | None:
    """Every editor page needs a logged-in editor or admin, and shows the files as they are."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.has_role("editor"):
        abort(403)
    # What another worker saved a moment ago is on this page too (the public pages may
    # catch up within CONTENT_RELOAD_INTERVAL).
    content.store().get_fresh()
    return None


@bp.route("/")
def status() -> str:
    """Show every text by language: missing, outdated, draft or reviewed."""
    wanted = [code for code in languages() if code != SOURCE_LANGUAGE]
    lang = request.args.get("lang")
    if lang in wanted:
        wanted = [lang]
    loaded = content.current()
    rows = status_rows(loaded, wanted)
    return render_template(
        "editor/status.html", rows=rows, chosen=lang, broken=broken_files(loaded), content=loaded
    )


def broken_files(loaded: Content) -> list[tuple[str, str, str | None]]:
    """Return each broken file: its place in content/, what is wrong, and where to fix it."""
    content_dir = Path(current_app.config["CONTENT_DIR"]).resolve()
    editable = {
        item.path_for(lang).resolve(): url_for(".edit", kind=item.kind, slug=item.slug, lang=lang)
        for item in loaded.translated()
        for lang in languages()
        if lang != SOURCE_LANGUAGE
    }
    found = []
    for problem in loaded.problems:
        path = problem.path.resolve()
        shown = path.relative_to(content_dir) if path.is_relative_to(content_dir) else path
        where = f"{shown}:{problem.line}" if problem.line else str(shown)
        found.append((where, problem.message, editable.get(path)))
    return found


def require_language(lang: str) -> None:
    """Answer 403 unless the logged-in editor edits and reviews `lang` (admins do all)."""
    if not current_user.may_edit(lang):
        abort(403)


def find_item(kind: str, slug: str) -> TranslatedItem:
    """Return the step, letter or form an editor asked for, or answer 404."""
    if kind not in KINDS:
        abort(404)
    item = content.current().translated_item(kind, slug)
    if item is None:
        abort(404)
    return item


def file_code(path: Path) -> str:
    """Return a code of a file's bytes, to notice that someone else changed it meanwhile."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16] if path.is_file() else "new"


def fields_of(item: TranslatedItem, lang: str) -> TextFields:
    """Return the editable fields of a text in `lang` as its file has them (empty if none).

    A broken file is still opened, so that it can be put right in the browser: its whole
    text goes into the body, to be sorted out by the editor.
    """
    path = item.path_for(lang)
    try:
        return read_fields(path)
    except ContentError:
        raw = path.read_bytes().decode("utf-8", errors="replace").replace("\r\n", "\n")
        return empty_fields() | {"body": raw}


def file_problem(item: TranslatedItem, lang: str) -> str | None:
    """Say what is wrong with the file of a text, as the content check says it, or None."""
    path = item.path_for(lang).resolve()
    found = [p for p in content.current().problems if p.path.resolve() == path]
    return found[0].message if found else None


def posted_fields(item: TranslatedItem, fields: TextFields) -> TextFields:
    """Return `fields` with what the editor sent, Windows line ends made plain."""
    form = request.form
    posted = fields.copy()
    for name in item.kind_info.required:
        posted[name] = form.get(name, "").strip()  # type: ignore[literal-required]
    if item.kind_info.has_labels:
        posted["labels"] = {
            name: form.get(f"label-{name}", "").strip() for name in item.label_names
        }
    posted["body"] = form.get("body", "").replace("\r\n", "\n").strip() + "\n"
    return posted


@dataclass(frozen=True)
class DutchText:
    """The Dutch text a translation is edited beside, read from its file once per request, so
    that its parts and its code are of the same version."""

    fields: TextFields
    segments: list[Segment]  # its headings, paragraphs and list items
    code: str  # what a translation records as the Dutch text it was made from


def read_dutch(item: TranslatedItem) -> DutchText:
    """Read the Dutch text of an item from its file (this worker's content may be a moment
    behind a change saved by another worker)."""
    fields = fields_of(item, SOURCE_LANGUAGE)
    return DutchText(fields, split_segments(fields["body"]), source_hash(item.kind_info, fields))


def posted_segments(dutch: DutchText) -> list[str]:
    """Return the translated segments the editor sent, one per Dutch segment."""
    count = len(dutch.segments)
    return [" ".join(request.form.get(f"segment-{number}", "").split()) for number in range(count)]


def segment_problems(dutch: DutchText, texts: list[str]) -> list[str]:
    """Check translated segments: each filled in, with the placeholders of its Dutch one, and
    still one heading, paragraph or list item."""
    problems = []
    for number, (segment, text) in enumerate(zip(dutch.segments, texts, strict=True), start=1):
        if not text:
            problems.append(_("Fill in part %(number)s.", number=number))
            continue
        wanted = set(PLACEHOLDER.findall(segment.text))
        if set(PLACEHOLDER.findall(text)) != wanted:
            names = ", ".join(f"(({name}))" for name in sorted(wanted)) or "-"
            problems.append(
                _(
                    "Part %(number)s needs exactly these placeholders: %(names)s",
                    number=number,
                    names=names,
                )
            )
        elif [found.kind for found in split_segments(text)] != ["paragraph"]:
            problems.append(
                _(
                    "Part %(number)s must stay one heading, paragraph or list item: "
                    "leave out # and - at the start.",
                    number=number,
                )
            )
    return problems


def problems_with(item: TranslatedItem, fields: TextFields) -> list[str]:
    """Check a translation before it is saved, in words an editor understands."""
    problems = []
    problems += [
        _("Fill in: %(field)s", field=name)
        for name in item.kind_info.required
        if not fields[name]  # type: ignore[literal-required]
    ]
    if isinstance(item, Step):
        try:
            count = len(split_sections(item.source.path, fields["body"], 1))
        except ContentError:
            count = 0  # text before the first heading: the same advice helps
        if count != SECTION_COUNT:
            problems.append(
                _("A step has %(count)s parts, each starting with '## '.", count=SECTION_COUNT)
            )
    if isinstance(item, Letter):
        used = set(PLACEHOLDER.findall(fields["body"]))
        if used != set(item.source.placeholders):
            wanted = ", ".join(f"(({name}))" for name in sorted(item.source.placeholders))
            problems.append(
                _("Use exactly the placeholders of the Dutch letter: %(names)s", names=wanted)
            )
    if item.kind_info.has_labels:
        empty = [name for name, label in fields["labels"].items() if not label]
        if empty:
            problems.append(_("Every field needs a label: %(names)s", names=", ".join(empty)))
    return problems


def translation_text(item: TranslatedItem, fields: TextFields, extra: dict[str, Any]) -> str:
    """Return the text of a translation file, recording the Dutch text it translates.

    The Dutch text is read from its file, not from this worker's content, which may be a
    moment behind a Dutch change saved by another worker.
    """
    translated_from = dutch_hash(item.kind, item.source.path)
    return file_text(item.kind_info, fields, {"translated_from": translated_from} | extra)


def outdated_on_disk(item: TranslatedItem, lang: str) -> bool:
    """Say whether a translation's file was made from another Dutch text than the one on disk
    (this worker's content may be a moment behind a change saved by another worker)."""
    meta, _body, _line = read_front_matter(item.path_for(lang))
    return bool(meta.get("translated_from") != dutch_hash(item.kind, item.source.path))


def reload_content() -> None:
    """Let this worker show the saved text at once; other workers notice within seconds."""
    content.store().reload_now()


@bp.route("/<kind>/<slug>/<lang>", methods=["GET", "POST"])
def edit(kind: str, slug: str, lang: str) -> Response | tuple[str, int] | str:
    """Edit a translation beside its Dutch source; preview, save, or mark it as reviewed."""
    item = find_item(kind, slug)
    known_translation_language(lang)  # Dutch has its own editor: dutch_editor.edit_dutch
    path = item.path_for(lang)
    action = request.form.get("action", "")
    fields = fields_of(item, lang)
    # One field per segment unless the editor chose plain text; a form sent without a mode
    # (a script, an older page) sends the whole body.
    default_mode = "segments" if request.method == "GET" else "text"
    mode = request.values.get("mode", default_mode)
    if mode not in EDIT_MODES:
        abort(404)
    problems: list[str] = []
    conflict = None
    preview = None
    base = file_code(path)
    dutch = read_dutch(item)
    if request.method == "POST":
        if action != "review":
            fields = posted_fields(item, fields)
        if action != "review" and request.form.get("mode") == "segments":
            texts = posted_segments(dutch)
            fields["body"] = with_texts(dutch.segments, texts)
            problems = segment_problems(dutch, texts)
            if request.form.get("dutch") != dutch.code:
                # The parts sent belong to a Dutch text that has changed since.
                problems = [_("The Dutch text changed while you were editing. Look again.")]
        problems = problems or problems_with(item, fields)
        if request.form.get("base") != base:
            # Someone saved this text since this editor opened it: show both, keep both.
            conflict = fields_of(item, lang)
            problems.append(_("Someone else saved this text while you were editing it."))
        elif action == "preview" and not problems:
            preview = preview_html(item, fields, lang)
        elif action in ("save", "review") and not problems:
            if action == "review" and (not path.is_file() or outdated_on_disk(item, lang)):
                abort(409)
            if action == "review" and fields["saved_by"] == current_user.email:
                # Four eyes: whoever saved a text last does not also approve it.
                problems.append(_("Someone else must review this text: you saved it last."))
                page = edit_page(item, dutch, lang, fields, base, problems, None, None, mode)
                return page, 403
            outcome = save_translation(item, lang, fields, action)
            if outcome == "conflict":
                conflict = fields_of(item, lang)
                problems.append(_("Someone else saved this text while you were editing it."))
            elif outcome == "failed":
                problems.append(
                    _("The text could not be saved. Your text is still here: try again later.")
                )
            else:
                flash(SAVE_MESSAGES[outcome](), "success")
                chosen = request.form.get("mode") if request.form.get("mode") == "text" else None
                return redirect(url_for(".edit", kind=kind, slug=slug, lang=lang, mode=chosen))
    status = 409 if conflict else 422 if problems else 200
    return edit_page(item, dutch, lang, fields, base, problems, conflict, preview, mode), status


EDIT_MODES = ("segments", "text")


@dataclass(frozen=True)
class SegmentRow:
    """One Dutch segment beside its translation, with its glossary terms and the translations
    the memory offers for it."""

    number: int
    dutch: Segment
    text: str
    placeholders: tuple[str, ...]
    terms: list[GlossaryTerm]
    matches: list[Match]


def segment_rows(
    item: TranslatedItem, dutch: DutchText, lang: str, fields: TextFields
) -> list[SegmentRow]:
    """Return the segments of a text to translate one by one."""
    if request.method == "POST" and request.form.get("mode") == "segments":
        texts = posted_segments(dutch)
    else:
        texts = texts_by_segment(item, lang, fields["body"])
    loaded = content.current()
    remembered = memory_of(loaded, lang)
    return [
        SegmentRow(
            number,
            segment,
            text,
            tuple(dict.fromkeys(PLACEHOLDER.findall(segment.text))),
            loaded.terms_of(segment.text),
            matches(remembered, segment.text, skip=text),
        )
        for number, (segment, text) in enumerate(zip(dutch.segments, texts, strict=True))
    ]


def edit_page(
    item: TranslatedItem,
    dutch: DutchText,
    lang: str,
    fields: TextFields,
    base: str,
    problems: list[str],
    conflict: TextFields | None,
    preview: Markup | None,
    mode: str,
) -> str:
    """Render the side-by-side editor of one translation."""
    return render_template(
        "editor/edit.html",
        mode=mode,
        segments=segment_rows(item, dutch, lang, fields) if mode == "segments" else [],
        dutch_code=dutch.code,
        item=item,
        lang=lang,
        info=languages()[lang],
        fields=fields,
        source=dutch.fields,
        base=base,
        problems=problems,
        conflict=conflict,
        preview=preview,
        change=dutch_change(item, lang),
        state=item.status(lang),
        broken=file_problem(item, lang),
        glossary=content.current().terms_of(words_of(item.source.path)),
    )


SAVE_MESSAGES = {
    "saved": lambda: _("Saved."),
    "reviewed": lambda: _("Marked as reviewed."),
    "unchanged": lambda: _("Nothing changed: the text was already like this."),
}


def save_translation(item: TranslatedItem, lang: str, fields: TextFields, action: str) -> str:
    """Save a translation, or mark it reviewed; return what happened.

    saved, reviewed or unchanged; conflict when someone else saved it since this editor
    opened it (checked under the save lock, so two editors never both hear "Saved");
    failed when it could not be written (nothing is kept, and the editor's text stays).
    """
    extra: dict[str, Any] = {"review": "draft", "saved_by": current_user.email}
    if action == "review":
        extra = {
            "saved_by": fields["saved_by"],
            "review": "reviewed",
            "reviewed_by": current_user.email,
            "reviewed_at": dt.date.today().isoformat(),
        }
    what = "reviewed" if action == "review" else "saved"
    outcome = save_text(
        item.path_for(lang),
        lambda: translation_text(item, fields, extra),
        f"{lang}: {item.kind} {item.slug} {what}",
    )
    return what if outcome == "saved" else outcome


def save_text(path: Path, make_text: Callable[[], str], message: str) -> str:
    """Write and commit one text file; return saved, unchanged, conflict or failed.

    Under the save lock: the file must still be the one this editor opened (the form's
    `base`), else conflict; `make_text` runs there too, so that what it reads (the Dutch
    text a translation records) cannot change before the write. failed: nothing is kept.
    """
    try:
        with saving():
            if file_code(path) != request.form.get("base"):
                return "conflict"
            if not save_files({path: make_text()}, message, current_user.email):
                return "unchanged"
    except SaveError as error:
        log.error("save of %s failed: %s", path, error)
        return "failed"
    reload_content()
    return "saved"


def preview_html(item: TranslatedItem, fields: TextFields, lang: str) -> Markup:
    """Render the edited text the way a reader will see it."""
    is_step = isinstance(item, Step)
    body = None if is_step else render_markdown(fields["body"])
    sections = split_sections(item.source.path, fields["body"], 1) if is_step else ()
    html = render_template(
        "editor/_preview.html", item=item, fields=fields, body=body, sections=sections, lang=lang
    )
    return Markup(html)  # noqa: S704 - our template; the Markdown went through nh3


def known_translation_language(lang: str) -> None:
    """Answer 404 for Dutch (the source) or a language the portal does not have, and 403
    for a language that is not the editor's."""
    if lang not in languages() or lang == SOURCE_LANGUAGE:
        abort(404)
    require_language(lang)


@bp.route("/xliff/<lang>.xlf")
def xliff_export(lang: str) -> Response:
    """Download what `lang` still needs (missing and outdated texts) as XLIFF 1.2."""
    known_translation_language(lang)
    data = xliff.export(content.current(), lang)
    response = Response(data, mimetype="application/x-xliff+xml")
    response.headers["Content-Disposition"] = f'attachment; filename="wegwijs-{lang}.xlf"'
    return response


@bp.route("/xliff/<lang>", methods=["GET", "POST"])
def xliff_import(lang: str) -> tuple[str, int] | Response:
    """Upload a translated XLIFF file; it is checked as a whole before anything is written."""
    known_translation_language(lang)
    problems: list[str] = []
    if request.method == "POST":
        upload = request.files.get("xliff")
        count, problems = import_xliff(lang, upload.read(MAX_XLIFF_BYTES + 1) if upload else b"")
        if not problems:
            imported = _("%(count)s texts imported.", count=count)
            flash(imported if count else SAVE_MESSAGES["unchanged"](), "success")
            return redirect(url_for(".xliff_import", lang=lang))
    info = languages()[lang]
    page = render_template("editor/xliff.html", lang=lang, info=info, problems=problems)
    return page, 422 if problems else 200


def import_xliff(lang: str, data: bytes) -> tuple[int, list[str]]:
    """Check a whole XLIFF file, then write every text it translates; or write nothing."""
    if not data:
        return 0, [_("Choose the XLIFF file to upload.")]
    if len(data) > MAX_XLIFF_BYTES:
        return 0, [_("The file is larger than 5 MB.")]
    targets, problems = xliff.read_units(data, lang)
    if problems:
        return 0, problems
    changed, problems = xliff.check_targets(content.current(), targets, lang)
    if not problems and not changed:
        problems = [_("The file has no translations in it.")]
    for item, fields in changed:
        problems += [f"{item.kind}/{item.slug}: {p}" for p in problems_with(item, fields)]
    if problems:
        return 0, problems
    files = {
        item.path_for(lang): translation_text(
            item, fields, {"review": "draft", "saved_by": current_user.email}
        )
        for item, fields in changed
    }
    names = ", ".join(f"{item.kind} {item.slug}" for item, _fields in changed)
    try:
        with saving():
            message = f"{lang}: {names} imported from XLIFF"
            saved = save_files(files, message, current_user.email)
    except SaveError as error:
        log.error("XLIFF import failed: %s", error)
        return 0, [_("The texts could not be saved. Nothing was changed: try again later.")]
    reload_content()
    return (len(changed) if saved else 0), []


@bp.route("/strings/<lang>", methods=["GET", "POST"])
def strings(lang: str) -> tuple[str, int] | Response:
    """Translate the buttons, headings and messages (the UI catalog) of one language."""
    if lang not in languages():
        abort(404)
    require_language(lang)
    path = app_catalog_path(lang)
    with path.open("rb") as file:
        catalog = read_po(file, locale=lang)
    messages = [m for m in catalog if m.id and isinstance(m.id, str)]
    problems: list[str] = []
    if request.method == "POST":
        for number, message in enumerate(messages):
            if f"m-{number}" not in request.form:
                continue  # not on the page that was sent: leave it as it is
            text = request.form[f"m-{number}"].strip()
            problem = string_problem(str(message.id), text)
            if problem:
                problems.append(problem)
            message.string = text
            message.flags.discard("fuzzy")
        if not problems:
            try:
                with saving():
                    saved = save_files(
                        catalog_files(catalog, path),
                        f"{lang}: interface strings saved",
                        current_user.email,
                    )
            except SaveError as error:
                log.error("save of %s failed: %s", path, error)
                problems.append(
                    _("The text could not be saved. Your text is still here: try again later.")
                )
            else:
                current_app.extensions["wegwijs_catalogs"].check(force=True)
                flash(SAVE_MESSAGES["saved" if saved else "unchanged"](), "success")
                return redirect(url_for(".strings", lang=lang))
    missing_first = sorted(range(len(messages)), key=lambda n: bool(messages[n].string))
    page = render_template(
        "editor/strings.html",
        lang=lang,
        info=languages()[lang],
        messages=messages,
        order=missing_first,
        problems=problems,
    )
    return page, 422 if problems else 200


@bp.route("/languages", methods=["GET", "POST"])
def add_language() -> tuple[str, int] | Response:
    """Let an admin add a language: a row in languages.yml and an empty catalog."""
    if not current_user.has_role("admin"):
        abort(403)
    values = {name: request.form.get(name, "").strip() for name in LANGUAGE_FIELDS}
    problems: list[str] = []
    if request.method == "POST":
        problems = language_problems(values)
        if not problems and not create_language(values, current_user.email):
            problems.append(_("This language is already there."))
        if not problems:
            flash(_("The language was added. Every text is now missing in it."), "success")
            return redirect(url_for(".status", lang=values["code"]))
    page = render_template(
        "editor/languages.html", values=values, problems=problems, scripts=SCRIPTS
    )
    return page, 422 if problems else 200


def chips(text: str) -> Markup:
    """Return a text with each ((placeholder)) shown as a chip, and the rest escaped."""
    escaped = str(escape(text))
    return Markup(  # noqa: S704 - escaped above; a placeholder's name is [a-z0-9_]
        PLACEHOLDER.sub(lambda found: f'<span class="chip" dir="ltr">{found[1]}</span>', escaped)
    )


def init_app(app: Flask) -> None:
    """Register the editor pages."""
    app.register_blueprint(bp)
    app.add_template_filter(chips)
