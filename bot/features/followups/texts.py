"""What participants read about meetings, ideas and the minority round, in their own language.

Each function takes a `Translator` and returns text (and buttons), so the same words are used when a message is
rendered at sending time, in a reply, and in the simulator.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.callback_data import Rsvp, encode
from bot.clock import parse_offset
from bot.content.meetings import Meeting
from bot.content.model import Prompt
from bot.engine.outgoing import ButtonSpec
from bot.engine.pacing import local
from bot.engine.prompts import THEME_ICONS
from bot.i18n import Translator, pick
from bot.local_dates import clock, full_date
from bot.rtl import icon

RSVP = ("yes", "maybe", "no")
STATUS_ICONS = {"under-discussion": "💬", "planned": "🗓", "done": "✅", "not-possible": "⛔"}
SCALE_FACES = {"1": "😞", "2": "🙁", "3": "😐", "4": "🙂", "5": "😀"}


def starts(meeting: Meeting, zone: ZoneInfo) -> datetime:
    return local(meeting.date, zone)


def ends(meeting: Meeting, zone: ZoneInfo) -> datetime:
    duration = timedelta(0) if meeting.duration.strip() == "0" else parse_offset(meeting.duration)
    return starts(meeting, zone) + duration


def moment_text(t: Translator, moment: datetime, zone: ZoneInfo) -> str:
    shown = moment.astimezone(zone)
    return t.format(
        t.gettext("{date} at {time}"),
        date=full_date(shown.date(), t.locale),
        time=clock(shown, t.locale),
    )


def rsvp_rows(t: Translator, meeting_id: str) -> tuple[tuple[ButtonSpec, ...], ...]:
    _ = t.gettext
    return (
        (ButtonSpec("✅ " + _("I'll come"), encode(Rsvp(meeting_id, "yes"))),),
        (ButtonSpec("🤔 " + _("Maybe"), encode(Rsvp(meeting_id, "maybe"))),),
        (ButtonSpec("🙅 " + _("Not this time"), encode(Rsvp(meeting_id, "no"))),),
    )


def meeting_details(t: Translator, meeting: Meeting, zone: ZoneInfo) -> list[str]:
    _ = t.gettext
    lines = [
        "🗓 " + moment_text(t, starts(meeting, zone), zone),
        "📍 " + pick(meeting.place, t.language),
    ]
    if meeting.bring:
        lines.append("🎒 " + t.format(_("Bring: {what}"), what=pick(meeting.bring, t.language)))
    return lines


def invitation(t: Translator, meeting: Meeting, zone: ZoneInfo) -> str:
    _ = t.gettext
    lines = [
        "📅 " + t.format(_("You are invited: {meeting}"), meeting=pick(meeting.title, t.language)),
        "",
        *meeting_details(t, meeting, zone),
        "",
        _("We talk together about what you and others answered, and about what the city can do with it."),
        _("Will you come? Tap a button; you can change your answer later."),
    ]
    return "\n".join(lines)


def change_notice(t: Translator, meeting: Meeting, zone: ZoneInfo, changed: list[str]) -> str:
    _ = t.gettext
    names = {"date": _("the date and time"), "place": _("the place"), "bring": _("what to bring")}
    what = t.join(names[item] for item in changed if item in names) or _("the details")
    lines = [
        "✏️ "
        + t.format(_("Something changed for {meeting}: {what}."), meeting=pick(meeting.title, t.language), what=what),
        "",
        *meeting_details(t, meeting, zone),
    ]
    if meeting.note:
        lines += ["", icon(t, "ℹ️") + pick(meeting.note, t.language)]
    lines += ["", _("Can you still come? Tap a button.")]
    return "\n".join(lines)


def cancellation(t: Translator, meeting: Meeting, zone: ZoneInfo) -> str:
    _ = t.gettext
    lines = [
        "❌ "
        + t.format(
            _("{meeting} on {date} is cancelled."),
            meeting=pick(meeting.title, t.language),
            date=moment_text(t, starts(meeting, zone), zone),
        )
    ]
    if meeting.note:
        lines += ["", icon(t, "ℹ️") + pick(meeting.note, t.language)]
    lines += ["", _("We are sorry. We will let you know when there is a new meeting.")]
    return "\n".join(lines)


def meeting_reminder(t: Translator, meeting: Meeting, zone: ZoneInfo, rsvp: str) -> str:
    _ = t.gettext
    lead = _("Tomorrow is the meeting. We look forward to seeing you!")
    if rsvp == "maybe":
        lead = _("Tomorrow is the meeting. You said maybe: we would be glad to see you.")
    lines = [
        "🔔 " + pick(meeting.title, t.language),
        lead,
        "",
        *meeting_details(t, meeting, zone),
        "",
        _("Can't make it after all? Tap “Not this time”."),
    ]
    return "\n".join(lines)


def rsvp_reply(t: Translator, meeting: Meeting, zone: ZoneInfo, rsvp: str, reminder: bool) -> str:
    _ = t.gettext
    if rsvp == "yes":
        text = "🙌 " + t.format(_("Great, see you on {date}!"), date=moment_text(t, starts(meeting, zone), zone))
    elif rsvp == "maybe":
        text = "🤔 " + _("Thank you for letting us know. You are welcome if you can make it.")
    else:
        text = "🙏 " + _("Thank you for letting us know. We will tell you what was said at the meeting.")
    if reminder:
        text += "\n" + _("I will send you a reminder the day before.")
    return text


def status_label(t: Translator, status: str) -> str:
    _ = t.gettext
    labels = {
        "under-discussion": _("under discussion"),
        "planned": _("planned"),
        "done": _("done"),
        "not-possible": _("not possible"),
    }
    return STATUS_ICONS.get(status, "•") + " " + labels.get(status, status)


def idea_update(
    t: Translator, idea_text: dict[str, str], status: str, reason: dict[str, str] | None, meeting: Meeting | None
) -> str:
    _ = t.gettext
    lines = ["💡 " + _("You said, we did")]
    if meeting is not None:
        lines.append(t.format(_("An idea from {meeting}:"), meeting=pick(meeting.title, t.language)))
    else:
        lines.append(_("An idea from a meeting:"))
    lines += [f"“{pick(idea_text, t.language)}”", "", t.format(_("Status: {status}"), status=status_label(t, status))]
    if reason:
        label = _("Why:") if status == "not-possible" else _("More:")
        lines.append(f"{label} {pick(reason, t.language)}")
    lines += [
        "",
        _("You get this message because you answered a question on this theme. Send /ideas to see all ideas."),
    ]
    return "\n".join(lines)


def ideas_list(t: Translator, ideas: list[dict[str, Any]]) -> str:
    _ = t.gettext
    if not ideas:
        return "💡 " + _("There are no ideas from meetings yet. After the next meeting you will find them here.")
    lines = ["💡 " + _("Ideas from the meetings, and what became of them:"), ""]
    for idea in ideas:
        theme = THEME_ICONS.get(idea["theme"], "💬")
        lines.append(f"{theme} {pick(idea['text'], t.language)}")
        lines.append("   " + status_label(t, idea["status"]))
        if idea.get("reason"):
            lines.append("   " + pick(idea["reason"], t.language))
    return "\n".join(lines)[:4000]


def chosen_label(t: Translator, prompt: Prompt, chosen: str) -> str:
    option = next((option for option in prompt.options if option.id == chosen), None)
    if option is not None:
        return pick(option.label, t.language)
    return f"{SCALE_FACES.get(chosen, '')} {chosen}".strip()
