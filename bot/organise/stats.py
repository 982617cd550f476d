"""The live view of a round (`/stats`): who takes part, answers per question, the response rate, as text and chart."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.content.loader import Library
from bot.content.model import Round
from bot.organise.charts import Bar, png_bars
from bot.organise.common import local_now, role_name
from bot.organise.i18n import OrganiserTranslator
from bot.store import Store
from bot.store import organise as queries


@dataclass(frozen=True)
class LiveView:
    text: str
    chart: bytes


def _share(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "—"


async def live_view(
    store: Store,
    library: Library,
    conversation: Round | None,
    zone: ZoneInfo,
    now: datetime,
    o: OrganiserTranslator,
    communities: frozenset[str] | None = None,  # a community organiser's (bot/organise/scope.py)
) -> LiveView:
    scope = communities
    people: dict[str, Any] = await queries.participant_counts(store, scope)
    rehearsals = people["channel"].get("terminal", 0)
    lines = [
        "📊 " + o.format(o.ogettext("Live view · {moment}"), moment=local_now(now, zone)),
        "",
        o.format(o.ogettext("Participants: {count}"), count=people["total"])
        + (" · " + o.format(o.ogettext("of whom {count} rehearsal(s)"), count=rehearsals) if rehearsals else "")
        + (" · " + o.format(o.ogettext("{count} paused"), count=people["paused"]) if people["paused"] else "")
        + (
            " · "
            + o.format(
                o.ongettext("{count} blocked the bot", "{count} blocked the bot", people["blocked"]),
                count=people["blocked"],
            )
            if people["blocked"]
            else ""
        ),
    ]
    roles = sorted(people["role"].items(), key=lambda item: -item[1])
    languages = sorted(people["language"].items(), key=lambda item: -item[1])
    lines.append(o.ogettext("By role:") + " " + " · ".join(f"{role_name(o, role)} {count}" for role, count in roles))
    lines.append(o.ogettext("By language:") + " " + " · ".join(f"{code or '—'} {count}" for code, count in languages))
    sections: list[tuple[str, list[Bar], int | None]] = []
    if conversation is None:
        lines += ["", o.ogettext("There is no round in the content.")]
    else:
        communities = {
            community
            for community in await queries.known_communities(store) | library.communities()
            if (served := library.round_for(community)) is not None and served.id == conversation.id
        }
        enrolled = await queries.enrolled_in(store, communities)
        progress = await queries.round_progress(store, conversation.id)
        lines += [
            "",
            o.format(
                o.ogettext("Round {title} ({conversation}): {answered} of {enrolled} participants answered ({share})."),
                title="«" + (conversation.title.get("nl") or conversation.id) + "»",
                conversation=conversation.id,
                answered=progress["participants"],
                enrolled=enrolled,
                share=_share(progress["participants"], enrolled),
            ),
            o.ogettext("Answers per question:"),
        ]
        bars: list[Bar] = []
        for number, prompt in enumerate(conversation.prompts, start=1):
            figures = progress["prompts"].get(prompt.id, {"answered": 0, "skipped": 0})
            line = f"{number}. {prompt.id} — {figures['answered']} ({_share(figures['answered'], enrolled)})"
            if figures["skipped"]:
                line += " · " + o.format(o.ogettext("{count} skipped"), count=figures["skipped"])
            lines.append(line)
            bars.append(Bar(f"{number}. {prompt.id}", figures["answered"], note=_share(figures["answered"], enrolled)))
        sections.append(
            (o.format(o.ogettext("Answers per question, {conversation}"), conversation=conversation.id), bars, enrolled)
        )
    sections.append(
        (o.ogettext("Participants by language"), [Bar(code or "—", count) for code, count in languages], None)
    )
    sections.append(
        (o.ogettext("Participants by role"), [Bar(role_name(o, role), count) for role, count in roles], None)
    )
    waiting = await queries.pending_texts(store, scope)  # a community organiser counts their own only
    flags = await queries.open_flags(store, scope)
    lines.append("")
    lines.append(
        "📝 "
        + o.format(
            o.ongettext("{count} text waiting for moderation", "{count} texts waiting for moderation", waiting),
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
        )
    chart = png_bars(sections, o.format(o.ogettext("Samenspraak · {moment}"), moment=local_now(now, zone)))
    return LiveView("\n".join(lines), chart)
