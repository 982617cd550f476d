"""The live view (`/stats`): who takes part, answers per question, the response rate, as text and chart; for a round
or for a walk (`/stats wandeling-centrum`: walkers, and per stop the cards reached and the answers).

In words an organiser reads: question texts and language names, never ids or codes. The response rate counts only
people who got the round (in it, or answered it), not every walker of the city.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.content.loader import Library
from bot.content.model import Round
from bot.content.walks import Walk
from bot.i18n import pick
from bot.organise.charts import Bar, png_bars
from bot.organise.common import role_name
from bot.organise.i18n import OrganiserTranslator
from bot.organise.plain import city_time, language_label
from bot.store import Database, brief_queries
from bot.store import organise as queries
from bot.store.brief_queries import Scope


@dataclass(frozen=True)
class LiveView:
    text: str
    chart: bytes


def _share(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "—"


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


async def _people(
    store: Database, o: OrganiserTranslator, communities: frozenset[str] | None
) -> tuple[list[str], list[tuple[Any, int]], list[tuple[Any, int]]]:
    people: dict[str, Any] = await store.read(queries.participant_counts, communities)
    rehearsals = people["channel"].get("terminal", 0)
    line = o.format(o.ogettext("Participants: {count}"), count=people["total"])
    if rehearsals:
        line += " · " + o.format(o.ogettext("of whom {count} rehearsal(s)"), count=rehearsals)
    if people["paused"]:
        line += " · " + o.format(o.ogettext("{count} paused"), count=people["paused"])
    if people["blocked"]:
        line += " · " + o.format(
            o.ongettext("{count} blocked the bot", "{count} blocked the bot", people["blocked"]),
            count=people["blocked"],
        )
    roles = sorted(people["role"].items(), key=lambda item: -item[1])
    languages = sorted(people["language"].items(), key=lambda item: -item[1])
    lines = [
        line,
        o.ogettext("By role:") + " " + " · ".join(f"{role_name(o, role)} {count}" for role, count in roles),
        o.ogettext("By language:")
        + " "
        + " · ".join(f"{language_label(o, code, own=False)} {count}" for code, count in languages),
    ]
    return lines, roles, languages


async def _round_lines(
    store: Database, conversation: Round, o: OrganiserTranslator
) -> tuple[list[str], tuple[str, list[Bar], int | None]]:
    got = await store.read(queries.got_round, conversation.id)
    progress = await store.read(queries.round_progress, conversation.id)
    lines = [
        "",
        o.format(
            o.ogettext("Round {title}: {answered} of the {got} participants who got it answered ({share})."),
            title="«" + pick(conversation.title, o.language) + "»",
            answered=progress["participants"],
            got=got,
            share=_share(progress["participants"], got),
        ),
        o.ogettext("Answers per question:"),
    ]
    bars: list[Bar] = []
    for number, prompt in enumerate(conversation.prompts, start=1):
        figures = progress["prompts"].get(prompt.id, {"answered": 0, "skipped": 0})
        question = _short(pick(prompt.text, o.language))
        line = f"{number}. {question} — {figures['answered']} ({_share(figures['answered'], got)})"
        if figures["skipped"]:
            line += " · " + o.format(o.ogettext("{count} skipped"), count=figures["skipped"])
        lines.append(line)
        bars.append(
            Bar(f"{number}. {_short(question, 26)}", figures["answered"], note=_share(figures["answered"], got))
        )
    title = o.format(
        o.ogettext("Answers per question, {conversation}"), conversation=pick(conversation.title, o.language)
    )
    return lines, (title, bars, got)


async def _walk_lines(
    store: Database, walk: Walk, o: OrganiserTranslator
) -> tuple[list[str], tuple[str, list[Bar], int | None]]:
    data = await store.read(brief_queries.walk_data, Scope(walk.id))
    reached: dict[str, int] = {}
    for stop, count in data["reached"].items():
        key = walk.stops[int(stop)].id if stop.isdigit() and int(stop) < len(walk.stops) else stop
        reached[key] = reached.get(key, 0) + count
    lines = [
        "",
        o.format(
            o.ogettext("Walk {title}: {count} walkers."),
            title="«" + pick(walk.title, o.language) + "»",
            count=data["walkers"],
        ),
        o.ogettext("Per stop: cards reached · answers"),
    ]
    bars: list[Bar] = []
    for number, stop in enumerate(walk.stops, start=1):
        answers = data["kinds"].get(stop.id, (0,))[0]
        name = pick(stop.name, o.language)
        lines.append(f"{number}. {name} — {reached.get(stop.id, 0)} · {answers}")
        bars.append(Bar(f"{number}. {_short(name, 26)}", reached.get(stop.id, 0), note=str(answers)))
    title = o.format(o.ogettext("Cards reached per stop, {conversation}"), conversation=pick(walk.title, o.language))
    return lines, (title, bars, data["walkers"] or None)


async def live_view(
    store: Database,
    library: Library,
    conversation: Round | Walk | None,
    zone: ZoneInfo,
    now: datetime,
    o: OrganiserTranslator,
    communities: frozenset[str] | None = None,  # a community organiser's (bot/organise/scope.py)
) -> LiveView:
    heading = o.format(o.ogettext("Live view · {moment}"), moment=city_time(o, now, zone))
    people, roles, languages = await _people(store, o, communities)
    lines = ["📊 " + heading, "", *people]
    sections: list[tuple[str, list[Bar], int | None]] = []
    if conversation is None:
        lines += ["", o.ogettext("There is no round in the content.")]
    else:
        found, section = await (
            _walk_lines(store, conversation, o)
            if isinstance(conversation, Walk)
            else _round_lines(store, conversation, o)
        )
        lines += found
        sections.append(section)
    sections.append(
        (
            o.ogettext("Participants by language"),
            [Bar(language_label(o, code, own=False), count) for code, count in languages],
            None,
        )
    )
    sections.append(
        (o.ogettext("Participants by role"), [Bar(role_name(o, role), count) for role, count in roles], None)
    )
    waiting = await store.read(queries.pending_texts, communities)  # a community organiser counts their own only
    flags = await store.read(queries.open_flags, communities)
    lines.append("")
    lines.append(
        "📝 "
        + o.format(
            o.ongettext("{count} answer waiting for moderation", "{count} answers waiting for moderation", waiting),
            count=waiting,
        )
        + " (/moderate)"
    )
    if flags:
        lines.append(
            "🚨 "
            + o.format(
                o.ongettext("{count} open safeguarding flag", "{count} open safeguarding flags", flags), count=flags
            )
            + " (/flags)"
        )
    chart = png_bars(sections, heading)
    return LiveView("\n".join(lines), chart)
