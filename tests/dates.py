"""The appointment date that staff type in letters and plans, and how each language writes it."""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date

APPOINTMENT = dt.date(2026, 12, 3)
# How the appointment's date is written, per language (ar and ti: from Babel, with the
# regional locales of content/languages.yml: Levantine month names, Eritrean Tigrinya).
DATES = {
    "nl": "donderdag 3 december 2026",
    "en": "Thursday, 3 December 2026",
    "ar": format_date(APPOINTMENT, "full", locale="ar_SY"),
    "ti": format_date(APPOINTMENT, "full", locale="ti_ER"),
}
