"""Organiser words without codes: moments in city time with the zone named, idea statuses and RSVP answers in words.

Organisers are city staff, not developers: "is nu planned" or `2026-12-03T18:00:00Z` means nothing to them.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

from bot.organise.i18n import ON_, OrganiserTranslator

IDEA_STATUSES = {
    "new": ON_("new"),
    "proposed": ON_("new"),
    "discussion": ON_("under discussion"),
    "under_discussion": ON_("under discussion"),
    "under-discussion": ON_("under discussion"),
    "planned": ON_("planned"),
    "done": ON_("done"),
    "not_possible": ON_("not possible"),
    "not-possible": ON_("not possible"),
    "impossible": ON_("not possible"),
}
RSVP_ANSWERS = {"yes": ON_("coming"), "maybe": ON_("maybe"), "no": ON_("not coming"), None: ON_("no answer yet")}


def status_name(o: OrganiserTranslator, status: str | None) -> str:
    return o.ogettext(IDEA_STATUSES[status]) if status in IDEA_STATUSES else (status or "—")


def city_time(o: OrganiserTranslator, moment: datetime | None, zone: ZoneInfo, *, day_only: bool = False) -> str:
    """A moment as the organiser's language writes it, in the city's time, with the zone named (CET, CEST)."""
    if moment is None:
        return "—"
    shown = moment.astimezone(zone)
    if day_only:
        return format_datetime(shown, "EEEE d MMMM y", locale=o.locale)
    # The zone's own abbreviation (CET, CEST): what a Belgian calendar shows, in every language.
    return format_datetime(shown, "EEEE d MMMM y, HH:mm", locale=o.locale) + f" ({shown.tzname() or zone.key})"


def language_label(o: OrganiserTranslator, code: str | None) -> str:
    """A language as the organiser names it, with its own name beside it: "Arabisch (العربية)", not "ar"."""
    from bot.i18n import LANGUAGES

    if not code:
        return o.ogettext("language not chosen yet")
    own = LANGUAGES[code].name if code in LANGUAGES else code
    name = o.locale.languages.get(code)
    if not name:
        return own
    name = name[:1].upper() + name[1:]
    return name if name.casefold() == own.casefold() else f"{name} ({own})"
