"""Blueprint for content editors: translation status and the side-by-side editor.

Editors never name a file: the kind, slug and language of a text are looked up in the loaded
content, so no path trick (`../`) can reach another file. A save writes the file atomically,
records which Dutch text it translates, refuses to overwrite a change made meanwhile by
someone else, and is a git commit with the editor as author when content/ is in a work tree.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import io
import re
import subprocess
from pathlib import Path
from typing import Any

import yaml
from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
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
from markupsafe import Markup
from werkzeug.wrappers import Response

from . import xliff
from .accounts import login_manager
from .checks import status_rows
from .content import (
    PLACEHOLDER,
    SECTION_COUNT,
    SOURCE_LANGUAGE,
    ContentError,
    ContentStore,
    Form,
    Letter,
    Step,
    source_hash_of,
    split_sections,
    write_atomically,
)
from .http import no_store
from .i18n import DIRECTIONS, SCRIPTS, languages
from .markup import render_markdown
from .public import content

bp = Blueprint("editor", __name__, url_prefix="/editor")
bp.after_request(no_store)  # editor pages change with every save
KINDS = ("step", "letter", "form")
MAX_XLIFF_BYTES = 5 * 1024 * 1024
PYTHON_FORMAT = re.compile(r"%\([a-z_]+\)[sd]")


@bp.before_request
def editors_only() -> Response | None:
    """Every editor page needs a logged-in editor or admin."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.has_role("editor"):
        abort(403)
    return None


@bp.route("/")
def status() -> str:
    """Show every text by language: missing, outdated, draft or reviewed."""
    wanted = [code for code in languages() if code != SOURCE_LANGUAGE]
    lang = request.args.get("lang")
    if lang in wanted:
        wanted = [lang]
    rows = status_rows(content(), wanted)
    return render_template("editor/status.html", rows=rows, chosen=lang)


def find_item(kind: str, slug: str) -> Step | Letter | Form:
    """Return the step, letter or form an editor asked for, or answer 404."""
    if kind not in KINDS:
        abort(404)
    item = next((i for i in content().translated() if i.kind == kind and i.slug == slug), None)
    if item is None:
        abort(404)
    return item


def file_code(path: Path) -> str:
    """Return a code of a file's bytes, to notice that someone else changed it meanwhile."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16] if path.is_file() else "new"


def read_fields(item: Step | Letter | Form, lang: str) -> dict[str, Any]:
    """Return the editable fields of a text as they are in its file (empty when missing)."""
    path = item.source.path.with_name(f"{lang}.md")
    if not path.is_file():
        return {"title": "", "summary": "", "subject": "", "labels": {}, "body": ""}
    text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
    head, _sep, body = text.removeprefix("---\n").partition("\n---\n")
    meta = yaml.safe_load(head) or {}
    return {
        "title": str(meta.get("title", "")),
        "summary": str(meta.get("summary", "")),
        "subject": str(meta.get("subject", "")),
        "labels": dict(meta.get("labels") or {}),
        "body": body,
        "review": str(meta.get("review", "draft")),
        "reviewed_by": str(meta.get("reviewed_by", "")),
    }


def posted_fields(item: Step | Letter | Form) -> dict[str, Any]:
    """Return the fields the editor sent, with Windows line ends made plain."""
    form = request.form
    labels = {f.name: form.get(f"label-{f.name}", "").strip() for f in getattr(item, "fields", ())}
    return {
        "title": form.get("title", "").strip(),
        "summary": form.get("summary", "").strip(),
        "subject": form.get("subject", "").strip(),
        "labels": labels,
        "body": form.get("body", "").replace("\r\n", "\n").strip() + "\n",
    }


def problems_with(item: Step | Letter | Form, fields: dict[str, Any]) -> list[str]:
    """Check a translation before it is saved, in words an editor understands."""
    problems = []
    needed = {"step": ("title", "summary"), "letter": ("subject",), "form": ("title",)}[item.kind]
    problems += [_("Fill in: %(field)s", field=name) for name in needed if not fields[name]]
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
    if isinstance(item, Form):
        empty = [name for name, label in fields["labels"].items() if not label]
        if empty:
            problems.append(_("Every field needs a label: %(names)s", names=", ".join(empty)))
    return problems


def file_text(item: Step | Letter | Form, fields: dict[str, Any], extra: dict[str, Any]) -> str:
    """Return the text of a translation file: its settings, then the Markdown."""
    keys = {"step": ("title", "summary"), "letter": ("subject",), "form": ("title", "labels")}
    meta = {key: fields[key] for key in keys[item.kind]}
    meta |= {"translated_from": item.source_hash} | extra
    head = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000)
    return f"---\n{head}---\n{fields['body']}"


def git(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run git in a content folder: a fixed command list, never a shell."""
    return subprocess.run(  # noqa: S603 - arguments are ours or checked slugs, no shell
        ["git", "-C", str(folder), *args],  # noqa: S607 - git from PATH, as a developer runs it
        capture_output=True,
        text=True,
        check=False,
    )


def in_git(folder: Path) -> bool:
    """Say whether a folder is inside a git work tree."""
    result = git(folder, "rev-parse", "--is-inside-work-tree")
    return result.returncode == 0 and result.stdout.strip() == "true"


def commit(path: Path, message: str) -> None:
    """Commit one saved file with the editor as author, so every change can be undone."""
    folder = path.parent
    if not in_git(folder):
        return
    author = f"{current_user.email} <{current_user.email}>"
    identity = ["-c", "user.name=Wegwijs editor", "-c", "user.email=editor@wegwijs.invalid"]
    git(folder, "add", "--", path.name)
    done = git(
        folder, *identity, "commit", "-q", "--author", author, "-m", message, "--", path.name
    )
    if done.returncode != 0:
        raise RuntimeError(f"git commit of {path} failed: {done.stderr.strip()}")


def dutch_change(item: Step | Letter | Form, lang: str) -> list[str] | None:
    """Return the change in the Dutch text since the translation was made (from git), if known."""
    text = item.texts.get(lang)
    if text is None or text.translated_from in (None, item.source_hash):
        return None
    source = item.source.path
    if not in_git(source.parent):
        return None
    log = git(source.parent, "log", "--format=%H", "--", source.name)
    for revision in log.stdout.split():
        shown = git(source.parent, "show", f"{revision}:./{source.name}")
        if shown.returncode != 0:
            continue
        if source_hash_of(item.kind, source, shown.stdout) == text.translated_from:
            old = shown.stdout.splitlines()
            new = source.read_text(encoding="utf-8").splitlines()
            return list(difflib.unified_diff(old, new, "before", "now", lineterm="", n=1))[2:]
    return None


def reload_content() -> None:
    """Let this worker show the saved text at once; other workers notice within seconds."""
    store: ContentStore = current_app.extensions["wegwijs_content"]
    store.reload_now()


@bp.route("/<kind>/<slug>/<lang>", methods=["GET", "POST"])
def edit(kind: str, slug: str, lang: str) -> Response | tuple[str, int] | str:
    """Edit a translation beside its Dutch source; preview, save, or mark it as reviewed."""
    item = find_item(kind, slug)
    if lang not in languages() or lang == SOURCE_LANGUAGE:
        abort(404)
    path = item.source.path.with_name(f"{lang}.md")
    action = request.form.get("action", "")
    fields = read_fields(item, lang)
    problems: list[str] = []
    conflict = None
    preview = None
    base = file_code(path)
    if request.method == "POST":
        fields |= posted_fields(item) if action != "review" else {}
        problems = problems_with(item, fields)
        if request.form.get("base") != base:
            # Someone saved this text since this editor opened it: show both, keep both.
            conflict = read_fields(item, lang)
            problems.append(_("Someone else saved this text while you were editing it."))
        elif action == "preview" and not problems:
            preview = preview_html(item, fields, lang)
        elif action in ("save", "review") and not problems:
            extra: dict[str, Any] = {"review": "draft"}
            if action == "review":
                if item.status(lang) == "outdated" or not path.is_file():
                    abort(409)
                extra = {
                    "review": "reviewed",
                    "reviewed_by": current_user.email,
                    "reviewed_at": dt.date.today().isoformat(),
                }
            write_atomically(path, file_text(item, fields, extra))
            what = "reviewed" if action == "review" else "saved"
            commit(path, f"{lang}: {item.kind} {item.slug} {what}")
            reload_content()
            flash(_("Saved.") if action == "save" else _("Marked as reviewed."), "success")
            return redirect(url_for(".edit", kind=kind, slug=slug, lang=lang))
    status = 409 if conflict else 422 if problems else 200
    page = render_template(
        "editor/edit.html",
        item=item,
        lang=lang,
        info=languages()[lang],
        fields=fields,
        source=read_fields(item, SOURCE_LANGUAGE),
        base=base,
        problems=problems,
        conflict=conflict,
        preview=preview,
        change=dutch_change(item, lang),
        state=item.status(lang),
    )
    return page, status


def preview_html(item: Step | Letter | Form, fields: dict[str, Any], lang: str) -> Markup:
    """Render the edited text the way a reader will see it."""
    is_step = isinstance(item, Step)
    body = None if is_step else render_markdown(fields["body"])
    sections = split_sections(item.source.path, fields["body"], 1) if is_step else ()
    html = render_template(
        "editor/_preview.html", item=item, fields=fields, body=body, sections=sections, lang=lang
    )
    return Markup(html)  # noqa: S704 - our template; the Markdown went through nh3


def known_translation_language(lang: str) -> None:
    """Answer 404 for Dutch (the source) or a language the portal does not have."""
    if lang not in languages() or lang == SOURCE_LANGUAGE:
        abort(404)


@bp.route("/xliff/<lang>.xlf")
def xliff_export(lang: str) -> Response:
    """Download what `lang` still needs (missing and outdated texts) as XLIFF 1.2."""
    known_translation_language(lang)
    data = xliff.export(content(), lang, read_fields)
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
            flash(_("%(count)s texts imported.", count=count), "success")
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
    changed, problems = xliff.check_targets(content(), targets, read_fields)
    if not problems and not changed:
        problems = [_("The file has no translations in it.")]
    updates = []
    for values in changed.values():
        item = values.pop("item")
        fields = read_fields(item, lang)
        fields["labels"] = fields["labels"] | values.pop("labels", {})
        fields |= values
        problems += [f"{item.kind}/{item.slug}: {p}" for p in problems_with(item, fields)]
        updates.append((item, fields))
    if problems:
        return 0, problems
    for item, fields in updates:
        path = item.source.path.with_name(f"{lang}.md")
        write_atomically(path, file_text(item, fields, {"review": "draft"}))
        commit(path, f"{lang}: {item.kind} {item.slug} imported from XLIFF")
    reload_content()
    return len(updates), []


def catalog_path(lang: str) -> Path:
    """Return the UI catalog (.po) of a language."""
    return (
        Path(current_app.config["BABEL_TRANSLATION_DIRECTORIES"])
        / lang
        / "LC_MESSAGES"
        / "messages.po"
    )


def save_catalog(catalog: Catalog, path: Path) -> None:
    """Write a catalog and its compiled form, each in one step."""
    po, mo = io.BytesIO(), io.BytesIO()
    write_po(po, catalog, width=0)
    write_mo(mo, catalog)
    for target, data in ((path, po.getvalue()), (path.with_suffix(".mo"), mo.getvalue())):
        temporary = target.with_name(f".{target.name}.tmp")
        temporary.write_bytes(data)
        temporary.replace(target)


@bp.route("/strings/<lang>", methods=["GET", "POST"])
def strings(lang: str) -> tuple[str, int] | Response:
    """Translate the buttons, headings and messages (the UI catalog) of one language."""
    if lang not in languages():
        abort(404)
    path = catalog_path(lang)
    with path.open("rb") as file:
        catalog = read_po(file, locale=lang)
    messages = [m for m in catalog if m.id and isinstance(m.id, str)]
    problems: list[str] = []
    if request.method == "POST":
        for number, message in enumerate(messages):
            if f"m-{number}" not in request.form:
                continue  # not on the page that was sent: leave it as it is
            text = request.form[f"m-{number}"].strip()
            wanted = sorted(PYTHON_FORMAT.findall(str(message.id)))
            if text and sorted(PYTHON_FORMAT.findall(text)) != wanted:
                problems.append(_("Keep the %%(...)s parts exactly: %(text)s", text=message.id))
            message.string = text
            message.flags.discard("fuzzy")
        if not problems:
            save_catalog(catalog, path)
            current_app.extensions["wegwijs_catalogs"].check(force=True)
            commit(path, f"{lang}: interface strings saved")
            flash(_("Saved."), "success")
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


LANGUAGE_FIELDS = ("code", "name", "dutch_name", "native_name", "direction", "script")


@bp.route("/languages", methods=["GET", "POST"])
def add_language() -> tuple[str, int] | Response:
    """Let an admin add a language: a row in languages.yml and an empty catalog."""
    if not current_user.has_role("admin"):
        abort(403)
    values = {name: request.form.get(name, "").strip() for name in LANGUAGE_FIELDS}
    problems: list[str] = []
    if request.method == "POST":
        problems = language_problems(values)
        if not problems:
            create_language(values)
            flash(_("The language was added. Every text is now missing in it."), "success")
            return redirect(url_for(".status", lang=values["code"]))
    page = render_template(
        "editor/languages.html", values=values, problems=problems, scripts=SCRIPTS
    )
    return page, 422 if problems else 200


def language_problems(values: dict[str, str]) -> list[str]:
    """Check a new language before anything is written."""
    problems = []
    code = values["code"]
    if not re.fullmatch(r"[a-z]{2,3}(?:-[a-z0-9]{2,8})?", code):
        problems.append(_("The code is 2 or 3 lower-case letters, for example fa or prs."))
    elif code in languages():
        problems.append(_("This language is already there."))
    else:
        try:
            Locale.parse(code.replace("-", "_"))
        except (ValueError, UnknownLocaleError):
            problems.append(_("This code is not a language code that dates and numbers know."))
    for name in ("name", "dutch_name", "native_name"):
        if not values[name]:
            problems.append(_("Fill in: %(field)s", field=name))
    if values["direction"] not in DIRECTIONS:
        problems.append(_("Choose the writing direction."))
    if values["script"] not in SCRIPTS:
        problems.append(_("Choose the script."))
    return problems


def create_language(values: dict[str, str]) -> None:
    """Add the row to languages.yml and make the language's catalog from the template."""
    path = Path(current_app.config["CONTENT_DIR"]) / "languages.yml"
    row = yaml.safe_dump(
        [{"code": values["code"], **{k: values[k] for k in LANGUAGE_FIELDS[1:]}}],
        allow_unicode=True,
        sort_keys=False,
    )
    write_atomically(path, path.read_text(encoding="utf-8").rstrip("\n") + "\n" + row)
    catalogs = Path(current_app.config["BABEL_TRANSLATION_DIRECTORIES"])
    with (catalogs / "messages.pot").open("rb") as file:
        template = read_po(file)
    catalog = Catalog(locale=values["code"].replace("-", "_"), project="Wegwijs")
    for message in template:
        if message.id:
            catalog.add(message.id, "", auto_comments=message.auto_comments)
    folder = catalogs / values["code"] / "LC_MESSAGES"
    folder.mkdir(parents=True, exist_ok=True)
    save_catalog(catalog, folder / "messages.po")
    commit(path, f"language {values['code']} added")
    reload_content()


def init_app(app: Flask) -> None:
    """Register the editor pages."""
    app.register_blueprint(bp)
