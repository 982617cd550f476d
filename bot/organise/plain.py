"""Organiser words without codes: moments in city time with the zone named, idea statuses and RSVP answers in words.

Organisers are city staff, not developers: "is nu planned" or `2026-12-03T18:00:00Z` means nothing to them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
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


def language_label(o: OrganiserTranslator, code: str | None, *, own: bool = True) -> str:
    """A language as the organiser names it, with its own name beside it: "Arabisch (العربية)", not "ar".

    Without `own` only the organiser's word ("Arabisch"), for pictures drawn without every script's font.
    """
    from bot.i18n import LANGUAGES

    if not code:
        return o.ogettext("language not chosen yet")
    own_name = LANGUAGES[code].name if code in LANGUAGES else code
    name: str | None = o.locale.languages.get(code)
    if not name:
        return own_name
    name = name[:1].upper() + name[1:]
    if not own:
        return name
    return name if name.casefold() == own_name.casefold() else f"{name} ({own_name})"


def question_text(library: Any, conversation: str, prompt_id: str, language: str) -> str:
    """A round's question or a walk's card in the organiser's language; the id only when the content lost it."""
    from bot.i18n import pick

    content = library.rounds.get(conversation)
    prompt = content.prompt(prompt_id) if content is not None else None
    if prompt is not None:
        return pick(prompt.text, language)
    walk = library.walks.get(conversation)
    text = walk.prompt_text(prompt_id) if walk is not None else None
    return pick(text, language) if text else prompt_id
