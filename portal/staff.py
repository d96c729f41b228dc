"""Blueprint for municipality staff: the personal plan ("Mijn stappenplan") to print.

Nothing typed here is stored, logged or cached: the form is checked and printed in memory,
and every response says no-store.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Flask, abort, g, make_response, render_template, request
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFProtect
from markupsafe import Markup
from werkzeug.wrappers import Response
from wtforms import FieldList, Form, FormField, RadioField, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from . import letters
from . import merge as merge_lists
from .accounts import audit, login_manager
from .content import Municipality, Step
from .http import no_store
from .i18n import languages
from .printing import pdf_response, printer, render_print_template
from .public import content, online_url
from .validation import check_phone, parse_date, parse_time

bp = Blueprint("staff", __name__, url_prefix="/staff")
csrf = CSRFProtect()
bp.after_request(no_store)  # staff pages show or print personal data

# Rows of contact persons and appointments on one personal plan: what fits on one sheet.
CONTACT_ROWS = 3
APPOINTMENT_ROWS = 3


def checked(parse: Any, field: Any) -> Any:
    """Run a parser on a field, turning its ValueError into the field's error message."""
    try:
        return parse(field.data)
    except ValueError as error:
        raise ValidationError(str(error)) from None


class ContactRow(Form):
    """A person the statushouder can call."""

    name = StringField(_l("Name"), [Optional(), Length(max=80)])
    role = StringField(_l("What this person does"), [Optional(), Length(max=80)])
    phone = StringField(_l("Phone number"), [Optional(), Length(max=30)])

    def validate_name(self, field: StringField) -> None:
        """A phone number or role needs a name next to it."""
        if not field.data and (self.phone.data or self.role.data):
            raise ValidationError(_l("Write the name of this contact person."))

    def validate_phone(self, field: StringField) -> None:
        """Refuse letters and impossible lengths in a phone number."""
        if field.data:
            field.data = checked(check_phone, field)


class AppointmentRow(Form):
    """An appointment with date, time and place."""

    what = StringField(_l("What"), [Optional(), Length(max=100)])
    date = StringField(_l("Date"), [Optional(), Length(max=20)])
    time = StringField(_l("Time"), [Optional(), Length(max=10)])
    place = StringField(_l("Place"), [Optional(), Length(max=120)])

    def is_empty(self) -> bool:
        """Say whether nothing was typed in this row."""
        return not any(f.data for f in (self.what, self.date, self.time, self.place))

    def validate_what(self, field: StringField) -> None:
        """An appointment needs to say what it is."""
        if not field.data and not self.is_empty():
            raise ValidationError(_l("Write what the appointment is."))

    def validate_date(self, field: StringField) -> None:
        """An appointment needs a date that exists."""
        if self.is_empty():
            return
        if not field.data:
            raise ValidationError(_l("Write the date of the appointment."))
        checked(parse_date, field)

    def validate_time(self, field: StringField) -> None:
        """A time, when given, must exist."""
        if field.data:
            checked(parse_time, field)


class PersonalPlanForm(FlaskForm):
    """What a staff member fills in to print someone's personal plan."""

    name = StringField(
        _l("Name"), [InputRequired(_l("Write the name of the person.")), Length(max=120)]
    )
    language = SelectField(_l("Language of the person"))
    municipality = SelectField(_l("Municipality"))
    route = RadioField(_l("Learning route"), [Optional()], default="")
    current_step = SelectField(_l("Where is the person now in the plan?"))
    contacts = FieldList(FormField(ContactRow), min_entries=CONTACT_ROWS, max_entries=CONTACT_ROWS)
    appointments = FieldList(
        FormField(AppointmentRow), min_entries=APPOINTMENT_ROWS, max_entries=APPOINTMENT_ROWS
    )

    def fill_choices(self) -> None:
        """Offer the languages, municipalities, routes and steps of the current content."""
        loaded = content()
        self.language.choices = [(code, info.native_name) for code, info in languages().items()]
        self.municipality.choices = [("", _l("(none)"))] + [
            (slug, m.name)
            for slug, m in loaded.municipalities.items()
            if current_user.may_use(slug)
        ]
        routes = learning_routes()
        self.route.choices = [("", _l("Not chosen yet"))] + [
            (s.slug, s.dutch_title) for s in routes
        ]
        self.current_step.choices = [(s.slug, s.dutch_title) for s in loaded.steps]


def learning_routes() -> tuple[Step, ...]:
    """Return the steps among which a person's learning route is chosen (B1, education, Z)."""
    alternatives = content().alternatives()
    return alternatives[0] if alternatives else ()


@dataclass(frozen=True)
class Contact:
    """A contact person as printed."""

    name: str
    role: str
    phone: str


@dataclass(frozen=True)
class Appointment:
    """An appointment as printed."""

    what: str
    date: dt.date
    time: dt.time | None
    place: str


@dataclass(frozen=True)
class PersonalPlan:
    """Everything on one person's printed plan; lives only while the PDF is made."""

    name: str
    lang: str
    municipality: Municipality | None
    route: Step | None
    routes: tuple[Step, ...]  # all learning routes, for the line shown before one is chosen
    current: Step
    steps: tuple[Step, ...]
    contacts: tuple[Contact, ...]
    appointments: tuple[Appointment, ...]
    printed_on: dt.date

    def state(self, step: Step) -> str:
        """Return done, now or later for a step of this person's plan."""
        current = self.current
        if current in self.routes:  # the routes are listed as one line: the chosen one, or all
            current = self.route or self.routes[0]
        if step.order < current.order:
            return "done"
        return "now" if step == current else "later"

    def titles(self, step: Step, lang: str) -> tuple[str, str]:
        """Return a listed step's title and Dutch title; all routes on one line before a choice."""
        if self.route is None and step in self.routes:
            return (
                " / ".join(r.text(lang).title for r in self.routes),
                " / ".join(r.dutch_title for r in self.routes),
            )
        return step.text(lang).title, step.dutch_title


def plan_from_form(form: PersonalPlanForm) -> PersonalPlan:
    """Turn a checked form into the plan to print."""
    loaded = content()
    route = loaded.step(form.route.data) if form.route.data else None
    routes = learning_routes()
    # Of the learning routes only the chosen one is listed; before the choice, one line names
    # them all (so a full plan still fits one sheet).
    shown_route = route or (routes[0] if routes else None)
    steps = tuple(s for s in loaded.steps if s not in routes or s == shown_route)
    current = loaded.step(form.current_step.data) or loaded.steps[0]
    contacts = tuple(
        Contact(row.form.name.data, row.form.role.data or "", row.form.phone.data or "")
        for row in form.contacts
        if row.form.name.data
    )
    appointments = tuple(
        Appointment(
            row.form.what.data,
            parse_date(row.form.date.data),
            parse_time(row.form.time.data) if row.form.time.data else None,
            row.form.place.data or "",
        )
        for row in form.appointments
        if not row.form.is_empty()
    )
    return PersonalPlan(
        name=form.name.data.strip(),
        lang=form.language.data,
        municipality=loaded.municipalities.get(form.municipality.data),
        route=route,
        routes=routes,
        current=current,
        steps=steps,
        contacts=contacts,
        appointments=tuple(sorted(appointments, key=lambda a: (a.date, a.time or dt.time()))),
        printed_on=dt.date.today(),
    )


def render_personal_plan(plan: PersonalPlan) -> str:
    """Return the print HTML: the person's language first, then Dutch (once if Dutch)."""
    page_languages = [plan.lang] if plan.lang == "nl" else [plan.lang, "nl"]
    g.municipality = plan.municipality  # the contact box and the QR code's address follow it
    pages = []
    for lang in page_languages:
        with force_locale(lang):
            url = online_url(lang, None)
            pages.append(
                Markup(  # noqa: S704 - our own template, autoescaped
                    render_print_template("print/_personal_page.html", plan=plan, online_url=url)
                )
            )
    with force_locale(plan.lang):
        return render_print_template("print/personal_plan.html", plan=plan, pages=pages)


@bp.route("/personal-plan/", methods=["GET", "POST"])
def personal_plan() -> Response:
    """Fill in a person's plan and print it in their language plus Dutch."""
    form = PersonalPlanForm()
    form.fill_choices()
    if form.validate_on_submit():
        plan = plan_from_form(form)
        pdf = printer().render(render_personal_plan(plan))
        return pdf_response(pdf, "mijn-stappenplan.pdf", public=False)
    status = 422 if form.is_submitted() else 200
    return make_response(render_template("staff/personal_plan.html", form=form), status)


@bp.before_request
def staff_only() -> Response | None:
    """Every staff page needs a logged-in staff member or admin."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.has_role("staff"):
        abort(403)
    return None


@bp.route("/")
def home() -> str:
    """List what a staff member can print."""
    return render_template("staff/home.html")


class MunicipalityForm(FlaskForm):
    """The letterhead to print on: one of the staff member's own municipalities."""

    # Not checked against the choices here: chosen_municipality() refuses another
    # municipality's letterhead with 403, whatever was posted.
    municipality = SelectField(_l("Municipality"), validate_choice=False)

    def fill_choices(self) -> None:
        """Offer only the municipalities this account works for."""
        self.municipality.choices = [
            (slug, m.name)
            for slug, m in content().municipalities.items()
            if current_user.may_use(slug)
        ]


def chosen_municipality(form: MunicipalityForm) -> Municipality:
    """Return the letterhead asked for; another municipality's letterhead is refused."""
    slug = form.municipality.data or ""
    municipality = content().municipalities.get(slug)
    if municipality is None or not current_user.may_use(slug):
        abort(403)
    return municipality


@bp.route("/letters/<slug>/", methods=["GET", "POST"])
def letter(slug: str) -> Response:
    """Fill in one person's letter, look at it, then print it (Dutch plus their language)."""
    template = letters.loaded_letter(slug) or abort(404)
    form = MunicipalityForm()
    form.fill_choices()
    fields = letters.letter_fields(template)
    values = {f.name: request.form.get(f.name, "") for f in fields}
    errors: dict[str, str] = {}
    preview: list[Markup] = []
    if form.validate_on_submit():
        municipality = chosen_municipality(form)
        person, errors = letters.check_person(fields, values)
        if person is not None:
            if request.form.get("action") == "pdf":
                pdf = printer().render(letters.letters_html(template, municipality, [person]))
                audit("letter", slug, 1, municipality.slug)
                return pdf_response(pdf, f"{slug}.pdf", public=False)
            preview = letters.letter_pages(template, municipality, person)
    elif form.is_submitted():
        errors = {"municipality": str(_l("Choose a municipality."))}
    status = 422 if errors else 200
    page = render_template(
        "staff/letter.html",
        form=form,
        template=template,
        fields=fields,
        values=values,
        errors=errors,
        preview=preview,
    )
    return make_response(page, status)


@bp.route("/letters/<slug>/list", methods=["GET", "POST"])
def merge(slug: str) -> Response:
    """Print a letter for a whole list of people (CSV or XLSX), after checking every row."""
    template = letters.loaded_letter(slug) or abort(404)
    form = MunicipalityForm()
    form.fill_choices()
    fields = letters.letter_fields(template)
    problems: list[merge_lists.Problem] = []
    file_error = ""
    if form.validate_on_submit():
        municipality = chosen_municipality(form)
        upload = request.files.get("list")
        try:
            if upload is None or not upload.filename:
                raise merge_lists.ListError(_l("Choose the file with the list of people."))
            data = upload.read(merge_lists.MAX_BYTES + 1)
            table = merge_lists.read_table(upload.filename, data)
            people, problems = merge_lists.check_list(fields, table)
        except merge_lists.ListError as error:
            file_error = str(error)
        else:
            if not problems:
                pdf = letters.print_letters(template, municipality, people)
                audit("letter-list", slug, len(people), municipality.slug)
                return pdf_response(pdf, f"{slug}-{len(people)}.pdf", public=False)
    status = 422 if (problems or file_error) else 200
    page = render_template(
        "staff/merge.html",
        form=form,
        template=template,
        fields=fields,
        problems=problems,
        file_error=file_error,
        max_rows=merge_lists.MAX_ROWS,
    )
    return make_response(page, status)


FORM_MODES = ("blank", "filled", "fillable")


@bp.route("/forms/<slug>/", methods=["GET", "POST"])
def form(slug: str) -> Response:
    """Print a form with labels in Dutch and the person's language: blank, filled or fillable."""
    template = letters.loaded_form(slug) or abort(404)
    choice = MunicipalityForm()
    choice.fill_choices()
    lang = request.form.get("language", "nl")
    mode = request.form.get("mode", "blank")
    values = {f.name: request.form.get(f.name, "") for f in template.fields}
    errors: dict[str, str] = {}
    if choice.validate_on_submit():
        municipality = chosen_municipality(choice)
        if lang not in languages():
            errors["language"] = str(_l("This language is unknown."))
        if mode not in FORM_MODES:
            errors["mode"] = str(_l("Choose how to print the form."))
        errors |= letters.check_form_values(template, values) if mode == "filled" else {}
        if not errors:
            html = letters.form_html(template, municipality, lang, mode, values)
            pdf = printer().render(html, fillable=mode == "fillable")
            audit(f"form-{mode}", slug, 1, municipality.slug)
            return pdf_response(pdf, f"{slug}.pdf", public=False)
    status = 422 if errors else 200
    page = render_template(
        "staff/form.html",
        form=choice,
        template=template,
        lang=lang,
        mode=mode,
        values=values,
        errors=errors,
        modes=FORM_MODES,
    )
    return make_response(page, status)


def init_app(app: Flask) -> None:
    """Register the staff pages with CSRF protection on every form."""
    csrf.init_app(app)
    app.register_blueprint(bp)
