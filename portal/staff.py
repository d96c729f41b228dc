"""Blueprint for municipality staff: letters, lists of letters, forms and personal plans.

Nothing typed or uploaded here is stored, logged or cached: it is checked and printed in
memory, and every response says no-store. The forms themselves are in staff_forms.py.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Flask,
    abort,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFProtect
from markupsafe import Markup
from werkzeug.wrappers import Response

from . import content, jobs, letters, list_templates, merge
from .accounts import audit, login_manager
from .database import db
from .http import no_store
from .i18n import languages
from .personal_plan import personal_plan_html
from .plan_link import my_plan_url
from .printing import pdf_response, personal_qr_code, printer, render_print_template
from .staff_forms import MunicipalityForm, PersonalPlanForm
from .texts import Field, Municipality

bp = Blueprint("staff", __name__, url_prefix="/staff")
csrf = CSRFProtect()
bp.after_request(no_store)  # staff pages show or print personal data

FORM_MODES = ("blank", "filled", "fillable")


@bp.before_request
def staff_only() -> Response | None:
    """Every staff page needs a logged-in staff member or admin."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.has_role("staff"):
        abort(403)
    return None


@bp.context_processor
def staff_helpers() -> dict[str, Any]:
    """Give staff pages the content: the choice lists and signatories their fields offer."""
    return {"content": content.current()}


def staff_page(template: str, has_problems: bool, **context: Any) -> Response:
    """Render a staff page; 422 when it shows problems with what was sent."""
    return make_response(render_template(template, **context), 422 if has_problems else 200)


def letterhead_choice() -> tuple[MunicipalityForm, Municipality | None]:
    """Return the letterhead form and, once it was sent and checked, the letterhead chosen.

    Another municipality's letterhead is refused with 403, whatever was posted.
    """
    letterhead = MunicipalityForm()
    letterhead.fill_choices()
    if not letterhead.validate_on_submit():
        return letterhead, None
    return letterhead, letterhead.chosen() or abort(403)


@bp.route("/")
def home() -> str:
    """List what a staff member can print."""
    loaded = content.current()
    own = [m for slug, m in loaded.municipalities.items() if current_user.may_use(slug)]
    return render_template(
        "staff/home.html",
        letters=loaded.letters.values(),
        forms=loaded.forms.values(),
        municipalities=own,
    )


@bp.route("/window-check/<slug>.pdf")
def window_check(slug: str) -> Response:
    """Print a sheet that outlines where the address of a letter lies, to hold against the
    municipality's own window envelopes before a large mailing."""
    municipality = content.current().municipalities.get(slug) or abort(404)
    if not current_user.may_use(slug):
        abort(403)
    html = render_print_template("print/window_check.html", municipality=municipality)
    pdf = printer().render(html, stylesheet="letter")
    return pdf_response(pdf, f"venstercontrole-{slug}.pdf")


@bp.route("/personal-plan/", methods=["GET", "POST"])
def personal_plan() -> Response:
    """Fill in a person's plan and print it in their language plus Dutch."""
    form = PersonalPlanForm()
    form.fill_choices()
    if form.validate_on_submit() and request.form.get("action") == "phone":
        # The code that puts the plan on the person's phone, on screen during the meeting.
        plan = form.plan()
        code, _width_mm = personal_qr_code(my_plan_url(plan))
        return staff_page("staff/personal_plan.html", False, form=form, phone_qr=code)
    if form.validate_on_submit():
        pdf = printer().render(personal_plan_html(form.plan()))
        return pdf_response(pdf, "mijn-stappenplan.pdf")
    return staff_page("staff/personal_plan.html", form.is_submitted(), form=form, phone_qr=None)


@bp.route("/letters/<slug>/", methods=["GET", "POST"])
def letter(slug: str) -> Response:
    """Fill in one person's letter, look at it, then print it (Dutch plus their language)."""
    chosen_letter = content.current().letters.get(slug) or abort(404)
    letterhead, municipality = letterhead_choice()
    fields = letters.letter_fields(chosen_letter)
    values = {f.name: request.form.get(f.name, "") for f in fields}
    errors: dict[str, str] = {}
    preview: list[Markup] = []
    untranslated: list[Field] = []
    person_language = ""
    if municipality is not None:
        person, errors = letters.check_person(fields, values, municipality)
        if person is not None and request.form.get("action") == "pdf":
            html = letters.letters_html(chosen_letter, municipality, [person])
            pdf = printer().render(html, stylesheet="letter")
            audit("letter", slug, 1, municipality.slug)
            return pdf_response(pdf, f"{slug}.pdf")
        if person is not None:
            preview = letters.letter_pages(chosen_letter, municipality, person)
            untranslated = letters.untranslated_values(chosen_letter, person, fields)
            person_language = languages()[person.lang].dutch_name
    elif letterhead.is_submitted():
        errors = {"municipality": str(_l("Choose a municipality."))}
    return staff_page(
        "staff/letter.html",
        bool(errors),
        letterhead=letterhead,
        letter=chosen_letter,
        fields=fields,
        values=values,
        errors=errors,
        preview=preview,
        untranslated=untranslated,
        person_language=person_language,
    )


@bp.route("/letters/<slug>/list", methods=["GET", "POST"])
def letter_list(slug: str) -> Response:
    """Print a letter for a whole list of people (CSV or XLSX), after checking every row."""
    chosen_letter = content.current().letters.get(slug) or abort(404)
    letterhead, municipality = letterhead_choice()
    fields = letters.letter_fields(chosen_letter)
    problems: list[merge.Problem] = []
    file_error = ""
    if municipality is not None:
        upload = request.files.get("list")
        try:
            if upload is None or not upload.filename:
                raise merge.ListError(_l("Choose the file with the list of people."))
            data = upload.read(merge.MAX_BYTES + 1)
            table = merge.read_table(upload.filename, data)
            people, problems = merge.check_list(fields, table, municipality)
        except merge.ListError as error:
            file_error = str(error)
        else:
            if not problems:
                output = request.form.get("output", "pdf")
                untranslated = merge.untranslated_rows(chosen_letter, people, fields)
                job = jobs.start_merge(
                    current_user.id, slug, municipality.slug, people, output, untranslated
                )
                audit("letter-list", slug, len(people), municipality.slug)
                return redirect(url_for(".job", job_id=job.id), 303)
    return staff_page(
        "staff/merge.html",
        bool(problems or file_error),
        letterhead=letterhead,
        letter=chosen_letter,
        fields=fields,
        problems=problems,
        file_error=file_error,
        max_rows=merge.MAX_ROWS,
    )


XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.route("/letters/<slug>/list-template.<extension>")
def letter_list_template(slug: str, extension: str) -> Response:
    """Send the template of a letter's list: its columns and an example row (CSV or XLSX)."""
    chosen_letter = content.current().letters.get(slug) or abort(404)
    fields = letters.letter_fields(chosen_letter)
    if extension == "csv":
        body, mimetype = list_templates.csv_template(fields), "text/csv"
    elif extension == "xlsx":
        body, mimetype = list_templates.xlsx_template(fields), XLSX_MIMETYPE
    else:
        abort(404)
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="lijst-{slug}.{extension}"'
    return response


def own_job(job_id: str) -> jobs.Job:
    """Return a job of the logged-in account (admins see every job), or answer 404."""
    job = db.session.get(jobs.Job, job_id)
    if job is None or not (job.owner_id == current_user.id or current_user.has_role("admin")):
        abort(404)
    return job


# Why a job failed, in the reader's language (lazy: worded when shown).
FAILURES = {
    "worker-stopped": _l("The printing stopped halfway. Nothing was kept: start again."),
    "not-started": _l("The printing did not start. Try again later, or ask the administrator."),
    "print-failed": _l("The letters could not be printed. Nothing was kept: start again."),
}


@bp.route("/jobs/<job_id>")
def job(job_id: str) -> Response:
    """Show how far a list of letters is: a progress bar, then the download (also as JSON)."""
    found = own_job(job_id)
    found.notice_a_dead_worker()
    db.session.commit()
    download = None
    if found.state == "done" and not found.downloaded:
        download = url_for(".job_download", job_id=found.id)
    seconds_left = found.seconds_left()
    minutes_left = -(-seconds_left // 60) if seconds_left else None
    if request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json":
        return jsonify(
            state=found.state,
            done=found.done,
            total=found.total,
            download=download,
            minutes_left=minutes_left,
        )
    letter = content.current().letters.get(found.letter)
    failure = str(FAILURES.get(found.failure, FAILURES["print-failed"]))
    return staff_page(
        "staff/job.html",
        False,
        job=found,
        letter_title=letter.title if letter else found.letter,
        minutes_left=minutes_left,
        minutes_span=Markup("<span data-job-minutes>{}</span>").format(minutes_left or ""),
        failure=failure,
    )


@bp.route("/jobs/<job_id>/download")
def job_download(job_id: str) -> Response:
    """Send the finished PDF of a job once; it is deleted from the server at once."""
    found = own_job(job_id)
    result = jobs.take_result(found) if found.state == "done" else None
    if result is None:
        return redirect(url_for(".job", job_id=found.id))
    if found.output == "zip":
        response = Response(result, mimetype="application/zip")
        name = f"{found.letter}-{found.total}.zip"
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
        return response  # no-store, as every staff page
    # Saved, not shown in a tab: the file is gone from the server once sent, and a tab that
    # is reloaded would find nothing.
    name = f"{found.letter}-{found.total}.pdf"
    return pdf_response(result, name, attachment=True)


@bp.route("/forms/<slug>/", methods=["GET", "POST"])
def form_print(slug: str) -> Response:
    """Print a form with labels in Dutch and the person's language: blank, filled or fillable."""
    chosen_form = content.current().forms.get(slug) or abort(404)
    letterhead, municipality = letterhead_choice()
    lang = request.form.get("language", "nl")
    mode = request.form.get("mode", "blank")
    values = {f.name: request.form.get(f.name, "") for f in chosen_form.fields}
    errors: dict[str, str] = {}
    if municipality is not None:
        if lang not in languages():
            errors["language"] = str(_l("This language is unknown."))
        if mode not in FORM_MODES:
            errors["mode"] = str(_l("Choose how to print the form."))
        errors |= letters.check_form_values(chosen_form, values) if mode == "filled" else {}
        if not errors:
            html = letters.form_html(chosen_form, municipality, lang, mode, values)
            pdf = printer().render(html, fillable=mode == "fillable")
            audit(f"form-{mode}", slug, 1, municipality.slug)
            return pdf_response(pdf, f"{slug}.pdf")
    return staff_page(
        "staff/form.html",
        bool(errors),
        letterhead=letterhead,
        form=chosen_form,
        lang=lang,
        mode=mode,
        values=values,
        errors=errors,
        modes=FORM_MODES,
    )


def init_app(app: Flask) -> None:
    """Register the staff pages with CSRF protection on every form."""
    csrf.init_app(app)
    app.register_blueprint(bp)
