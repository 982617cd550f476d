"""Days and clock times as people in a Flemish city read them, in each language's own words.

Babel's patterns are right for most languages, with two exceptions this bot's readers noticed: some locales write
the time on a 12-hour clock with a day-part word ("7:00 ድ.ቀ." in Tigrinya, "7:00 GD" in Somali), while the city's
meetings, buses and appointments all run on the 24-hour clock; and Pashto's full date puts commas between its
parts ("پنج شنبه 17, دسمبر, 2026"). Times are always written as 19:00; a few full-date patterns are written out.
"""

from __future__ import annotations

from datetime import date, datetime

from babel import Locale
from babel.dates import format_date, format_time

# Full-date patterns where Babel's is wrong for our readers.
FULL_DATE = {"ps": "EEEE d MMMM y", "ti": "EEEE d MMMM y", "so": "EEEE, d MMMM y"}


def full_date(day: date, locale: Locale) -> str:
    """Thursday 17 December 2026, in the reader's language."""
    return format_date(day, FULL_DATE.get(str(locale), "full"), locale=locale)


def clock(moment: datetime, locale: Locale) -> str:
    """19:00, on the 24-hour clock in every language, with the language's own digits."""
    return format_time(moment, "HH:mm", locale=locale)
