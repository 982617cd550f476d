"""Walk sign-up, the participants' side: a volunteer is asked to lead a group walk an organiser put on a date
(`/walkdate`), and signs up with one tap; once someone leads it, the community's newcomers are invited and answer
as they do for a meeting (I'll come / maybe / not this time). `/walks` shows a volunteer the walk dates to come.

The buttons carry `wd:<action>:<walk date id>`; what the engine needs of the walk date is read by `context` before
it runs (the engine stays pure), and what changes is a record written in the event's transaction
(bot/store/walk_dates.py), which also invites the newcomers when the first volunteer signs up.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from babel.dates import format_date

from bot.callback_data import ButtonData, WalkDate, encode
from bot.engine.features import BaseFeature
from bot.engine.outgoing import ButtonSpec, Outgoing, Record, Result
from bot.features.followups.texts import moment_text
from bot.i18n import Translator, pick, translator
from bot.store import OutboxRow, walk_dates

if TYPE_CHECKING:
    from bot.engine.core import Engine
    from bot.hub import Hub as Dispatcher

CALL, INVITE = walk_dates.CALL, walk_dates.INVITE
FEATURE = "walk_signup"


@dataclass(frozen=True)
class SignupContext:
    date: Mapping[str, Any] | None = None  # the walk date a `wd:` button names
    upcoming: tuple[Mapping[str, Any], ...] = ()  # every open walk date of their community, for a volunteer's /walks


def signup_context(result: Result) -> SignupContext:
    found = result.context.get(FEATURE)
    return found if isinstance(found, SignupContext) else SignupContext()


def _title(engine: Engine, entry: Mapping[str, Any], t: Translator) -> str:
    walk = engine.library.walks.get(entry["walk"])
    return pick(walk.title, t.language) if walk else str(entry["walk"])


def lead_rows(entry: Mapping[str, Any], t: Translator) -> tuple[tuple[ButtonSpec, ...], ...]:
    return ((ButtonSpec("🙋 " + t.gettext("I'll lead it"), encode(WalkDate("lead", entry["id"]))),),)


def rsvp_rows(entry: Mapping[str, Any], t: Translator) -> tuple[tuple[ButtonSpec, ...], ...]:
    _ = t.gettext
    return (
        (ButtonSpec("✅ " + _("I'll come"), encode(WalkDate("yes", entry["id"]))),),
        (ButtonSpec("🤔 " + _("Maybe"), encode(WalkDate("maybe", entry["id"]))),),
        (ButtonSpec("🙅 " + _("Not this time"), encode(WalkDate("no", entry["id"]))),),
    )


def call_text(engine: Engine, entry: Mapping[str, Any], t: Translator) -> str:
    when = moment_text(t, entry["starts_at"], engine.config.timezone)
    return "🚶 " + t.format(
        t.gettext("Group walk “{title}”: {when}. Will you lead it?"), title=_title(engine, entry, t), when=when
    )


def invite_text(engine: Engine, entry: Mapping[str, Any], t: Translator) -> str:
    when = moment_text(t, entry["starts_at"], engine.config.timezone)
    return "🚶 " + t.format(
        t.gettext("You are invited to a group walk “{title}”: {when}. A volunteer leads it. Will you come?"),
        title=_title(engine, entry, t),
        when=when,
    )


def button(engine: Engine, result: Result, button: ButtonData, t: Translator) -> None:
    """I'll lead it (volunteers), or I'll come / maybe / not this time (newcomers)."""
    entry = signup_context(result).date
    now = result.now
    action = button.action if isinstance(button, WalkDate) else ""
    if not isinstance(button, WalkDate) or entry is None or entry["id"] != button.walk_date or now is None:
        result.refused = "a walk date button for an unknown walk date"
        engine.stale(result, t)
        return
    if entry["status"] != "open" or entry["starts_at"] <= now:
        result.say("⌛ " + t.gettext("This group walk has ended."))
        return
    when = moment_text(t, entry["starts_at"], engine.config.timezone)
    if action == "lead":
        if result.state.role != "volunteer":
            engine.stale(result, t)
            return
        result.records.append(Record("walk_date_lead", {"walk_date": entry["id"]}))
        text = t.gettext("Thank you! You lead the group walk “{title}”: {when}.")
        result.say("🙌 " + t.format(text, title=_title(engine, entry, t), when=when))
        return
    result.records.append(Record("walk_date_rsvp", {"walk_date": entry["id"], "rsvp": action}))
    if action == "yes":
        result.say("🙌 " + t.format(t.gettext("Great, see you on {date}!"), date=when))
    elif action == "maybe":
        result.say("🤔 " + t.gettext("Thank you for letting us know. You are welcome if you can make it."))
    else:
        result.say("👍 " + t.gettext("That's fine."))


class WalkSignupFeature(BaseFeature):
    name = FEATURE

    def buttons(self) -> Mapping[str, Any]:
        return {"wd": button}


def _to_lead(engine: Engine, result: Result) -> list[Mapping[str, Any]]:
    """The walk dates to come that this volunteer does not lead yet."""
    return [
        entry
        for entry in signup_context(result).upcoming
        if (result.now is None or entry["starts_at"] > result.now) and result.state.pseudonym not in entry["leaders"]
    ]


def volunteer_lines(engine: Engine, result: Result, t: Translator) -> list[str]:
    """For `/walks`: each walk date to come, whole (title, day and time), above its short button."""
    return [call_text(engine, entry, t) for entry in _to_lead(engine, result)]


def volunteer_rows(engine: Engine, result: Result, t: Translator) -> list[tuple[ButtonSpec, ...]]:
    """For `/walks`: a button to lead each walk date to come (a hook in bot/features/walks/feature.py). A button is short on a
    phone: "I'll lead it" and the day; the text above says which walk, when."""
    rows: list[tuple[ButtonSpec, ...]] = []
    for entry in _to_lead(engine, result):
        day = format_date(entry["starts_at"].astimezone(engine.config.timezone).date(), "d/M", locale=t.locale)
        label = "🙋 " + t.gettext("I'll lead it") + " " + t.isolate(day)  # within 30 characters in every language
        rows.append((ButtonSpec(label, encode(WalkDate("lead", entry["id"]))),))
    return rows


# -- messages rendered when they are sent --------------------------------------------------------------------------
async def _entry(dispatcher: Dispatcher, row: OutboxRow) -> dict[str, Any] | None:
    entry = await dispatcher.store.call(walk_dates.get, int(row.payload.get("walk_date", 0)))
    now: datetime = dispatcher.clock.now()
    if entry is None or entry["status"] != "open" or entry["starts_at"] <= now:
        return None  # cancelled or past: no use any more
    return entry


async def render_call(dispatcher: Dispatcher, row: OutboxRow) -> Outgoing | None:
    entry = await _entry(dispatcher, row)
    if entry is None:
        return None
    t = translator(row.language)
    return Outgoing(call_text(dispatcher.engine, entry, t), lead_rows(entry, t), kind=row.kind)


async def render_invite(dispatcher: Dispatcher, row: OutboxRow) -> Outgoing | None:
    entry = await _entry(dispatcher, row)
    if entry is None:
        return None
    t = translator(row.language)
    return Outgoing(invite_text(dispatcher.engine, entry, t), rsvp_rows(entry, t), kind=row.kind)
