"""The brief's first page: the coming meeting (title, date, place), who said they would come, by language (the
interpreters to book) and by role, what happened since the last meeting, and the ideas of meetings already held.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from bot.clock import parse_offset
from bot.content.loader import Library
from bot.content.meetings import Meeting
from bot.engine.pacing import local
from bot.i18n import pick
from bot.organise.brief_parts import empty, matrix
from bot.organise.brief_style import icon
from bot.organise.common import role_name
from bot.organise.i18n import ON_, OrganiserTranslator
from bot.organise.plain import RSVP_ANSWERS, city_time, language_label, status_name

THEMES = {
    "housing": ON_("Housing"),
    "mobility": ON_("Mobility"),
    "work": ON_("Work"),
    "safety": ON_("Safety"),
    "meeting": ON_("Meeting each other"),
    "culture": ON_("Culture"),
    "nature": ON_("Nature"),
    "learning": ON_("Learning"),
    "health": ON_("Health"),
    "open": ON_("Open questions"),
}


def starts(meeting: Meeting, zone: ZoneInfo) -> datetime:
    """As bot/features/followups/texts.py says it to participants (not imported: that package imports the organiser's)."""
    return local(meeting.date, zone)


def ends(meeting: Meeting, zone: ZoneInfo) -> datetime:
    duration = timedelta(0) if meeting.duration.strip() == "0" else parse_offset(meeting.duration)
    return starts(meeting, zone) + duration


def theme_name(o: OrganiserTranslator, theme: str | None) -> str:
    return o.ogettext(THEMES[theme]) if theme in THEMES else (theme or "")


@dataclass(frozen=True)
class Meetings:
    coming: Meeting | None
    last: Meeting | None


def meetings_of(library: Library, community: str, zone: ZoneInfo, now: datetime) -> Meetings:
    """The community's next meeting (or the one going on now) and the last one held, from the content."""
    own = [meeting for meeting in library.meetings.values() if meeting.community == community]
    coming = [m for m in own if not m.cancelled and ends(m, zone) > now]
    held = [m for m in own if not m.cancelled and ends(m, zone) <= now]
    return Meetings(
        min(coming, key=lambda m: starts(m, zone), default=None),
        max(held, key=lambda m: starts(m, zone), default=None),
    )


def meeting_block(
    o: OrganiserTranslator,
    meetings: Meetings,
    zone: ZoneInfo,
    rsvps: list[tuple[str | None, str | None, str | None]],
) -> str:
    parts = ['<section class="meeting keep">']
    meeting = meetings.coming
    if meeting is None:
        parts.append("<h2>" + icon("calendar") + escape(o.ogettext("The coming meeting")) + "</h2>")
        parts.append(empty(o.ogettext("No coming meeting in the content yet: add a meeting file to invite people.")))
        return "".join(parts) + "</section>"
    parts += [
        f"<h2>{icon('calendar')}{escape(pick(meeting.title, o.language))}</h2>",
        f"<p><b>{escape(city_time(o, starts(meeting, zone), zone))}</b><br>",
        f"{icon('place')}{escape(pick(meeting.place, o.language))}</p>",
    ]
    answers = Counter(answer for answer, _language, _role in rsvps)
    columns = [(key, o.ogettext(label)) for key, label in RSVP_ANSWERS.items()]
    parts.append(
        '<div class="numbers">'
        + "".join(f'<div class="number"><b>{answers.get(key, 0)}</b>{escape(label)}</div>' for key, label in columns)
        + f'<div class="number"><b>{len(rsvps)}</b>'
        + escape(o.ogettext("invited"))
        + "</div></div>"
    )
    if rsvps:
        by_language: dict[Any, Counter[Any]] = {}
        by_role: dict[Any, Counter[Any]] = {}
        for answer, language, role in rsvps:
            by_language.setdefault(language, Counter())[answer] += 1
            by_role.setdefault(role, Counter())[answer] += 1
        total = o.ogettext("invited")
        parts.append('<div class="counts">')
        parts.append(
            matrix(o.ogettext("Answers by language"), by_language, lambda code: language_label(o, code), columns, total)
        )
        parts.append(matrix(o.ogettext("Answers by role"), by_role, lambda role: role_name(o, role), columns, total))
        parts.append("</div>")
    else:
        parts.append(empty(o.ogettext("Nobody has been invited yet.")))
    return "".join(parts) + "</section>"


def since_block(o: OrganiserTranslator, last: Meeting | None, zone: ZoneInfo, since: dict[str, Any]) -> str:
    """New participants, new answers and idea status changes since the last meeting (or since the start)."""
    heading = (
        o.format(
            o.ogettext("Since the last meeting ({date})"), date=city_time(o, starts(last, zone), zone, day_only=True)
        )
        if last is not None
        else o.ogettext("Since the start")
    )
    parts = [
        f"<section><h2>{escape(heading)}</h2>",
        '<div class="numbers">',
        f'<div class="number"><b>{since["participants"]}</b>' + escape(o.ogettext("new participants")) + "</div>",
        f'<div class="number"><b>{since["answers"]}</b>' + escape(o.ogettext("new answers")) + "</div>",
        f'<div class="number"><b>{len(since["ideas"])}</b>' + escape(o.ogettext("idea status changes")) + "</div>",
        "</div>",
    ]
    if since["ideas"]:
        rows = []
        for _idea, text, status, reason, changed, _meeting in since["ideas"]:
            title = _text(text, o.language)
            why = _text(reason, o.language)
            rows.append(
                f"<tr><td>{escape(title or '—')}</td><td><b>{escape(status_name(o, status))}</b>"
                f"{('<br>' + escape(why)) if why else ''}</td>"
                f"<td>{escape(city_time(o, _moment(changed), zone, day_only=True))}</td></tr>"
            )
        heads = "".join(f"<th>{escape(o.ogettext(name))}</th>" for name in (ON_("Idea"), ON_("Status"), ON_("Date")))
        parts.append(f"<table><thead><tr>{heads}</tr></thead><tbody>{''.join(rows)}</tbody></table>")
    return "".join(parts) + "</section>"


def _moment(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")) if value else None
    except ValueError:
        return None


def _text(value: Any, language: str) -> str | None:
    """A text that may be a plain string, a language map, or JSON holding a language map."""
    import json

    if value is None:
        return None
    if isinstance(value, dict):
        return pick({str(k): str(v) for k, v in value.items()}, language) or None
    if isinstance(value, str) and value.startswith("{"):
        try:
            decoded = json.loads(value)
        except ValueError:
            return value
        return _text(decoded, language) if isinstance(decoded, dict) else value
    return str(value)


def gather_ideas(
    library: Library, stored: list[dict[str, Any]] | None, zone: ZoneInfo, now: datetime, language: str
) -> list[dict[str, Any]]:
    """Ideas of meetings already held, from the meeting files and the database (the database's status wins).

    The coming meeting's ideas are not "from earlier meetings": a file prepared ahead does not list them yet.
    """
    held = {mid for mid, meeting in library.meetings.items() if starts(meeting, zone) <= now}
    ideas: dict[str, dict[str, Any]] = {}
    for meeting_id, meeting in library.meetings.items():
        for idea in meeting.ideas:
            ideas[idea.id] = {
                "title": _text(idea.text, language),
                "meeting_id": meeting_id,
                "meeting": pick(meeting.title, language),
                "theme": idea.theme,
                "status": idea.status,
                "reason": _text(idea.reason, language),
                "changed": None,
            }
    for row in stored or []:
        key = str(row.get("id"))
        known = ideas.get(key, {})
        merged = {
            "title": _text(row.get("text"), language),
            "meeting_id": row.get("meeting"),
            "theme": row.get("theme"),
            "status": row.get("status"),
            "reason": _text(row.get("reason"), language),
            "changed": city_time(_o(language), _moment(row.get("status_at")), zone, day_only=True)
            if row.get("status_at")
            else None,
        }
        ideas[key] = {**known, **{name: value for name, value in merged.items() if value}}
    return [
        idea
        for idea in ideas.values()
        if idea.get("meeting_id") is None
        or idea.get("meeting_id") in held
        or idea.get("meeting_id") not in library.meetings
    ]


def _o(language: str) -> OrganiserTranslator:
    from bot.organise.i18n import organiser_translator

    return organiser_translator(language)


def ideas_section(o: OrganiserTranslator, ideas: list[dict[str, Any]]) -> str:
    parts = ["<section><h2>" + escape(o.ogettext("Ideas from earlier meetings")) + "</h2>"]
    if not ideas:
        parts.append(empty(o.ogettext("No ideas recorded yet.")))
        return "".join(parts) + "</section>"
    rows = []
    for idea in ideas:
        rows.append(
            "<tr>"
            f"<td>{escape(idea.get('title') or '—')}</td>"
            f"<td>{escape(idea.get('meeting') or '')}</td>"
            f"<td>{escape(theme_name(o, idea.get('theme')))}</td>"
            f"<td><b>{escape(status_name(o, idea.get('status')))}</b>"
            f"{('<br>' + escape(idea['reason'])) if idea.get('reason') else ''}</td>"
            f"<td>{escape(idea.get('changed') or '')}</td>"
            "</tr>"
        )
    heads = "".join(
        f"<th>{escape(o.ogettext(name))}</th>"
        for name in (ON_("Idea"), ON_("Meeting"), ON_("Theme"), ON_("Status"), ON_("Last change"))
    )
    parts.append(f"<table><thead><tr>{heads}</tr></thead><tbody>{''.join(rows)}</tbody></table>")
    return "".join(parts) + "</section>"
