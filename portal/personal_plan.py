"""The personal plan ("Mijn stappenplan"): its model and its print (the twin of letters.py).

A plan lives only while its PDF is made: it is never written to disk, logged or cached.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import force_locale

from . import content
from .addresses import online_url
from .plan_link import my_plan_url
from .printing import personal_qr_code, render_in, render_print_template
from .textfiles import SOURCE_LANGUAGE
from .texts import Content, Municipality, Picked, Step


@dataclass(frozen=True)
class Contact:
    """A contact person as printed."""

    name: str
    role: Picked | None
    phone: str


@dataclass(frozen=True)
class Appointment:
    """An appointment as printed."""

    what: Picked
    date: dt.date
    time: dt.time | None
    place: str


@dataclass(frozen=True)
class PersonalPlan:
    """Everything on one person's printed plan."""

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


def learning_routes(loaded: Content) -> tuple[Step, ...]:
    """Return the steps among which a person's learning route is chosen (B1, education, Z)."""
    alternatives = loaded.alternatives()
    return alternatives[0] if alternatives else ()


def make_plan(
    name: str,
    lang: str,
    municipality: str,
    route: str,
    current_step: str,
    contacts: list[Contact],
    appointments: list[Appointment],
) -> PersonalPlan:
    """Return the plan to print from checked values (slugs name the municipality and steps)."""
    loaded = content.current()
    chosen = loaded.step(route) if route else None
    routes = learning_routes(loaded)
    # Of the learning routes only the chosen one is listed; before the choice, one line names
    # them all (so a full plan still fits one sheet).
    shown_route = chosen or (routes[0] if routes else None)
    return PersonalPlan(
        name=name.strip(),
        lang=lang,
        municipality=loaded.municipalities.get(municipality),
        route=chosen,
        routes=routes,
        current=loaded.step(current_step) or loaded.steps[0],
        steps=tuple(s for s in loaded.steps if s not in routes or s == shown_route),
        contacts=tuple(contacts),
        appointments=tuple(sorted(appointments, key=lambda a: (a.date, a.time or dt.time()))),
        printed_on=dt.date.today(),
    )


def personal_plan_html(plan: PersonalPlan) -> str:
    """Return the print HTML: the person's language first, then Dutch (once if Dutch)."""
    page_languages = [plan.lang] if plan.lang == SOURCE_LANGUAGE else [plan.lang, SOURCE_LANGUAGE]
    # The second QR code puts this plan on the person's phone: on the page in their language.
    phone_qr, phone_qr_mm = personal_qr_code(my_plan_url(plan))
    pages = [
        render_in(
            lang,
            "print/_personal_page.html",
            plan=plan,
            # The QR code leads to the plan in the page's language and the person's municipality.
            online_url=online_url(lang, None, plan.municipality),
            phone_qr=phone_qr if lang == plan.lang else None,
            phone_qr_mm=phone_qr_mm,
        )
        for lang in page_languages
    ]
    with force_locale(plan.lang):
        return render_print_template("print/personal_plan.html", plan=plan, pages=pages)
