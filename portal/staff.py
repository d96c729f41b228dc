"""Blueprint for municipality staff: the personal plan ("Mijn stappenplan") to print.

Nothing typed here is stored, logged or cached: the form is checked and printed in memory,
and every response says no-store.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Flask, g, make_response, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFProtect
from markupsafe import Markup
from werkzeug.wrappers import Response
from wtforms import FieldList, Form, FormField, RadioField, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from .content import Municipality, Step
from .i18n import languages
from .printing import pdf_response, printer, render_print_template
from .public import content, online_url
from .validation import check_phone, parse_date, parse_time

bp = Blueprint("staff", __name__, url_prefix="/staff")
csrf = CSRFProtect()

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
            (slug, m.name) for slug, m in loaded.municipalities.items()
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


def no_store(response: Response) -> Response:
    """Keep typed personal data out of every cache."""
    response.headers["Cache-Control"] = "no-store"
    return response


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
    return no_store(make_response(render_template("staff/personal_plan.html", form=form), status))


def init_app(app: Flask) -> None:
    """Register the staff pages with CSRF protection on every form."""
    csrf.init_app(app)
    app.register_blueprint(bp)
