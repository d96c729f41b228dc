"""A personal plan on the reader's phone: its contents in the fragment of a link.

The fragment (the part after #) never reaches a server: browsers do not send it. It holds the
learning route, the current step, the appointments (kind, date, time, place) and the roles and
phone numbers of the contacts; never the person's name or address, nor a contact's name.
static/js/my-plan.js reads it on /<lang>/mijn-plan/ (with static/js/appointment.js, which
also shows the one appointment a letter's QR code carries as `#afspraak=<appointment>`).
Version 1:

    1!<route>!<current step>!<appointment>*<appointment>!<contact>*<contact>

an appointment is `kind,YYYYMMDD,HHMM,place` (HHMM empty without a time; HHMM-HHMM when
a letter says when it ends), a contact
`role,phone`; a kind or role is the name of a choice (content/choices/), or the Dutch text
staff typed after a `'`. In every text a space is `+`, and `! * , ' + % #`, other signs that
are not plain ASCII and everything outside ASCII are percent-encoded (UTF-8), so a separator
never occurs inside a value.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote

from .addresses import public_base_url

if TYPE_CHECKING:  # personal_plan puts this module's link on the print
    from .personal_plan import PersonalPlan
    from .texts import Picked

VERSION = "1"
# A letter's QR code opens a step (or the plan) with its appointment after this (no version:
# one appointment, in the format of a plan link's appointments).
LETTER_APPOINTMENT = "afspraak="
# ASCII signs a text keeps as they are: readable in the link, and none is a separator.
KEPT = "./-:()&;=@?$"
SLUG = re.compile(r"[a-z0-9-]*")
DATE = re.compile(r"\d{8}")
TIME = re.compile(r"((\d{4})(-(\d{4}))?)?")  # HHMM, or HHMM-HHMM with the time it ends


class LinkError(ValueError):
    """A fragment that is not a plan link of this version."""


@dataclass(frozen=True)
class LinkAppointment:
    """An appointment as the link holds it."""

    kind: str  # a choice's name, or the typed Dutch text when `typed`
    typed: bool
    date: dt.date
    time: dt.time | None
    place: str
    end: dt.time | None = None  # when it ends, if the letter says so


@dataclass(frozen=True)
class LinkContact:
    """A contact as the link holds it: what the person does, and their phone number."""

    role: str
    typed: bool
    phone: str


@dataclass(frozen=True)
class PlanLink:
    """What a plan link holds."""

    route: str  # the slug of the learning route ("" before one is chosen)
    current: str  # the slug of the step the person is at
    appointments: tuple[LinkAppointment, ...]
    contacts: tuple[LinkContact, ...]


def text_part(text: str) -> str:
    """Return a text as it stands in the link."""
    return quote(" ".join(text.split()), safe=" " + KEPT).replace(" ", "+")


def read_text_part(part: str) -> str:
    """Return the text a part of the link holds."""
    return unquote(part.replace("+", " "), errors="strict")


def picked_part(picked: Picked | None) -> str:
    """Return a kind of appointment or a role as it stands in the link."""
    if picked is None:
        return ""
    return choice_part(picked.choice.name if picked.choice is not None else None, picked.typed)


def choice_part(choice: str | None, typed: str) -> str:
    """Return a choice's name, or else the Dutch text staff typed, as it stands in a link."""
    return choice if choice is not None else "'" + text_part(typed)


def appointment_part(
    kind: str, date: dt.date, time: dt.time | None, place: str, end: dt.time | None = None
) -> str:
    """Return an appointment as it stands in a link; `kind` as picked_part gives it. The time
    it ends goes with its start (HHMM-HHMM), when both are known."""
    hours = time.strftime("%H%M") if time else ""
    if time and end and end > time:
        hours += end.strftime("-%H%M")
    return ",".join([kind, date.strftime("%Y%m%d"), hours, text_part(place)])


def fragment_of(plan: PersonalPlan) -> str:
    """Return the fragment (without #) that puts a plan on a phone."""
    appointments = "*".join(
        appointment_part(picked_part(a.what), a.date, a.time, a.place) for a in plan.appointments
    )
    contacts = "*".join(f"{picked_part(c.role)},{text_part(c.phone)}" for c in plan.contacts)
    route = plan.route.slug if plan.route else ""
    return "!".join([VERSION, route, plan.current.slug, appointments, contacts])


def letter_appointment_fragment(
    kind: str, date: dt.date, time: dt.time | None, place: str, end: dt.time | None
) -> str:
    """Return the fragment (without #) that a letter's QR code adds to the page it opens, so
    that one scan shows the appointment and puts it in the phone's calendar."""
    return LETTER_APPOINTMENT + appointment_part(kind, date, time, place, end)


def read_letter_appointment(fragment: str) -> LinkAppointment:
    """Return the appointment a letter's fragment holds; raise LinkError for anything else."""
    fragment = fragment.removeprefix("#")
    if not fragment.startswith(LETTER_APPOINTMENT):
        raise LinkError("not a letter's appointment")
    try:
        return read_appointment(fragment.removeprefix(LETTER_APPOINTMENT))
    except (ValueError, UnicodeDecodeError) as error:
        raise LinkError(str(error)) from error


def my_plan_url(plan: PersonalPlan) -> str:
    """Return the full address that opens the plan on a phone, in the person's language."""
    return f"{public_base_url()}/{plan.lang}/mijn-plan/#{fragment_of(plan)}"


def read_fragment(fragment: str) -> PlanLink:
    """Return what a plan link holds; raise LinkError for anything else."""
    parts = fragment.removeprefix("#").split("!")
    if len(parts) != 5 or parts[0] != VERSION:
        raise LinkError("not a plan link of version 1")
    _version, route, current, appointments, contacts = parts
    if not SLUG.fullmatch(route) or not SLUG.fullmatch(current) or not current:
        raise LinkError("a route or step is not a slug")
    try:
        return PlanLink(
            route,
            current,
            tuple(read_appointment(a) for a in appointments.split("*") if a),
            tuple(read_contact(c) for c in contacts.split("*") if c),
        )
    except (ValueError, UnicodeDecodeError) as error:
        raise LinkError(str(error)) from error


def read_picked(part: str) -> tuple[str, bool]:
    """Return a kind or role, and whether staff typed it."""
    if part.startswith("'"):
        return read_text_part(part[1:]), True
    if not SLUG.fullmatch(part):
        raise LinkError(f"not a choice: {part!r}")
    return part, False


def read_appointment(part: str) -> LinkAppointment:
    """Return one appointment of a link."""
    fields = part.split(",")
    if len(fields) != 4 or not DATE.fullmatch(fields[1]) or not TIME.fullmatch(fields[2]):
        raise LinkError(f"not an appointment: {part!r}")
    kind, typed = read_picked(fields[0])
    date = dt.datetime.strptime(fields[1], "%Y%m%d").date()
    start, _dash, end = fields[2].partition("-")
    return LinkAppointment(
        kind, typed, date, clock(start), read_text_part(fields[3]), clock(end) if end else None
    )


def clock(hhmm: str) -> dt.time | None:
    """Return the time HHMM stands for (None for an empty part); raise for one that is not."""
    return dt.datetime.strptime(hhmm, "%H%M").time() if hhmm else None


def read_contact(part: str) -> LinkContact:
    """Return one contact of a link."""
    fields = part.split(",")
    if len(fields) != 2:
        raise LinkError(f"not a contact: {part!r}")
    role, typed = read_picked(fields[0])
    return LinkContact(role, typed, read_text_part(fields[1]))
