"""The forms staff fill in (WTForms): the personal plan and the choice of letterhead.

Values are checked by the type registry of validation.py, like the letters and the lists.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import FieldList, FormField, RadioField, SelectField, StringField
from wtforms import Form as WTForm
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from . import content
from .i18n import languages
from .personal_plan import Appointment, Contact, PersonalPlan, learning_routes, make_plan
from .texts import Municipality
from .validation import check_value

# Rows of contact persons and appointments on one personal plan: what fits on one sheet.
CONTACT_ROWS = 3
APPOINTMENT_ROWS = 3


class TypedField(StringField):
    """A text field read by the type registry; after validation `value` is the typed value."""

    def __init__(self, *args: Any, type_name: str = "text", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.type_name = type_name
        self.value: Any = None

    def post_validate(self, form: WTForm, validation_stopped: bool) -> None:
        """Read the value once its own checks passed; a ValueError becomes the field's error."""
        if validation_stopped or self.errors or not self.data:
            return
        try:
            self.value = check_value(self.type_name, " ".join(self.data.split()))
        except ValueError as error:
            self.errors.append(str(error.args[0]))


class ContactRow(WTForm):
    """A person the statushouder can call."""

    name = StringField(_l("Name"), [Optional(), Length(max=80)])
    role = StringField(_l("What this person does"), [Optional(), Length(max=80)])  # list "rol"
    phone = TypedField(_l("Phone number"), [Optional(), Length(max=30)], type_name="phone")

    def validate_name(self, field: StringField) -> None:
        """A phone number or role needs a name next to it."""
        if not field.data and (self.phone.data or self.role.data):
            raise ValidationError(_l("Write the name of this contact person."))

    def contact(self) -> Contact | None:
        """Return the checked contact, or None for an empty row."""
        if not self.name.data:
            return None
        role = content.current().picked("rol", self.role.data) if self.role.data else None
        return Contact(self.name.data, role, self.phone.value or "")


class AppointmentRow(WTForm):
    """An appointment with date, time and place."""

    what = StringField(_l("What"), [Optional(), Length(max=100)])  # choice list "afspraak"
    date = TypedField(_l("Date"), [Optional(), Length(max=20)], type_name="date")
    time = TypedField(_l("Time"), [Optional(), Length(max=10)], type_name="time")
    place = StringField(_l("Place"), [Optional(), Length(max=120)])

    def is_empty(self) -> bool:
        """Say whether nothing was typed in this row."""
        return not any(f.data for f in (self.what, self.date, self.time, self.place))

    def validate_what(self, field: StringField) -> None:
        """An appointment needs to say what it is."""
        if not field.data and not self.is_empty():
            raise ValidationError(_l("Write what the appointment is."))

    def validate_date(self, field: StringField) -> None:
        """An appointment needs a date (the registry checks that it exists)."""
        if not field.data and not self.is_empty():
            raise ValidationError(_l("Write the date of the appointment."))

    def appointment(self) -> Appointment | None:
        """Return the checked appointment, or None for an empty row."""
        if self.is_empty():
            return None
        what = content.current().picked("afspraak", self.what.data)
        return Appointment(what, self.date.value, self.time.value, self.place.data or "")


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
        loaded = content.current()
        self.language.choices = [(code, info.native_name) for code, info in languages().items()]
        self.municipality.choices = [("", _l("(none)"))] + [
            (slug, m.name)
            for slug, m in loaded.municipalities.items()
            if current_user.may_use(slug)
        ]
        self.route.choices = [("", _l("Not chosen yet"))] + [
            (s.slug, s.dutch_title) for s in learning_routes(loaded)
        ]
        self.current_step.choices = [(s.slug, s.dutch_title) for s in loaded.steps]

    def plan(self) -> PersonalPlan:
        """Return the plan to print from this form, once it is checked."""
        return make_plan(
            name=self.name.data,
            lang=self.language.data,
            municipality=self.municipality.data,
            route=self.route.data,
            current_step=self.current_step.data,
            contacts=[c for row in self.contacts if (c := row.form.contact()) is not None],
            appointments=[
                a for row in self.appointments if (a := row.form.appointment()) is not None
            ],
        )


class MunicipalityForm(FlaskForm):
    """The letterhead to print on: one of the staff member's own municipalities."""

    # Not checked against the choices here: chosen_municipality() refuses another
    # municipality's letterhead with 403, whatever was posted.
    municipality = SelectField(_l("Municipality"), validate_choice=False)

    def fill_choices(self) -> None:
        """Offer only the municipalities this account works for."""
        self.municipality.choices = [
            (slug, m.name)
            for slug, m in content.current().municipalities.items()
            if current_user.may_use(slug)
        ]

    def chosen(self) -> Municipality | None:
        """Return the letterhead asked for, or None when it is unknown or not this account's."""
        slug = self.municipality.data or ""
        municipality = content.current().municipalities.get(slug)
        if municipality is None or not current_user.may_use(slug):
            return None
        return municipality
