"""The meeting brief: one self-contained HTML page to bring to the next meeting (`samenspraak brief`, `/brief`).

No network is needed to view it (styles and charts are inline) and it prints well. Per theme and question it shows
how many answered, by role and language; a chart of the choice and scale answers; the majority view and the
minority voice side by side with quotes that an organiser approved (and only those); how many voice messages and
photos came in; and the status of the ideas from earlier meetings, where they are recorded.
"""

from __future__ import annotations

import asyncio
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from html import escape
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.content.loader import Library
from bot.content.model import Prompt, Round
from bot.engine.keyboards import SCALE_FACES
from bot.engine.prompts import THEME_ICONS
from bot.i18n import pick
from bot.organise.brief_media import media_section
from bot.organise.charts import Bar, svg_bars
from bot.organise.common import language_name, local, role_name
from bot.organise.i18n import ON_, OrganiserTranslator, organiser_translator
from bot.store import Store
from bot.store import organise as queries

MINORITY_SHARE = 0.25  # an option fewer than a quarter chose is shown on the minority side
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

STYLE = """
:root { --majority: #2a6f97; --minority: #d1603d; --line: #d5dde3; --soft: #f4f7f9; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif; color: #1b1f23;
       max-width: 980px; margin: 0 auto; padding: 24px; }
h1 { font-size: 26px; margin: 0 0 4px; } h2 { font-size: 20px; margin: 32px 0 8px; border-bottom: 2px solid #1b1f23; }
h3 { font-size: 16px; margin: 0 0 4px; } h4 { font-size: 14px; margin: 0 0 6px; text-transform: uppercase;
     letter-spacing: .04em; }
.meta { color: #555; font-size: 13px; margin: 0 0 8px; }
.numbers { display: flex; flex-wrap: wrap; gap: 8px; margin: 12px 0; }
.number { background: var(--soft); border-radius: 6px; padding: 8px 12px; min-width: 120px; }
.number b { display: block; font-size: 22px; }
article { border: 1px solid var(--line); border-radius: 8px; padding: 14px 16px; margin: 12px 0;
          break-inside: avoid; page-break-inside: avoid; }
table { border-collapse: collapse; font-size: 13px; margin: 4px 0 8px; }
th, td { border-bottom: 1px solid var(--line); padding: 2px 10px 2px 0; text-align: left; vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.counts { display: flex; flex-wrap: wrap; gap: 24px; }
.sides { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; margin-top: 8px; }
.side { border-radius: 6px; padding: 10px 12px; background: var(--soft); }
.side.majority { border-top: 4px solid var(--majority); } .side.minority { border-top: 4px solid var(--minority); }
blockquote { margin: 6px 0; padding: 4px 10px; border-inline-start: 3px solid var(--line); background: white;
             unicode-bidi: plaintext; }
.empty { color: #666; font-style: italic; }
svg.chart { max-width: 100%; height: auto; display: block; margin: 6px 0; }
svg.chart text { font-family: inherit; fill: #1b1f23; }
footer { margin-top: 32px; color: #555; font-size: 12px; border-top: 1px solid var(--line); padding-top: 8px; }
@media print {
  body { padding: 0; font-size: 12px; max-width: none; }
  @page { margin: 15mm; }
  h2 { break-after: avoid; page-break-after: avoid; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
@media (max-width: 640px) { .sides { grid-template-columns: 1fr; } }
"""


@dataclass
class PromptFigures:
    total: int = 0
    minority_total: int = 0
    voice: int = 0
    photo: int = 0
    text: int = 0
    place: int = 0
    skipped: int = 0
    pending: int = 0
    by_role: dict[str | None, int] = field(default_factory=dict)
    by_language: dict[str | None, int] = field(default_factory=dict)
    choices: dict[Any, int] = field(default_factory=dict)  # majority side: option id or scale value -> count
    minority_choices: dict[Any, int] = field(default_factory=dict)
    quotes: list[tuple[str, str | None]] = field(default_factory=list)
    minority_quotes: list[tuple[str, str | None]] = field(default_factory=list)


def _figures(data: dict[str, Any]) -> dict[str, PromptFigures]:
    figures: dict[str, PromptFigures] = defaultdict(PromptFigures)
    for prompt_id, role, count in data["by_role"]:
        figures[prompt_id].by_role[role] = count
    for prompt_id, language, count in data["by_language"]:
        figures[prompt_id].by_language[language] = count
    for prompt_id, minority, key, count in data["choices"]:
        target = figures[prompt_id].minority_choices if minority else figures[prompt_id].choices
        target[key] = target.get(key, 0) + count
    for prompt_id, minority, total, voice, photo, text, skipped, place, pending in data["kinds"]:
        entry = figures[prompt_id]
        if minority:
            entry.minority_total += total
        else:
            entry.total += total - (skipped or 0)
            entry.skipped += skipped or 0
        entry.voice += voice or 0
        entry.photo += photo or 0
        entry.text += text or 0
        entry.place += place or 0
        entry.pending += pending or 0
    for prompt_id, minority, text, language in data["quotes"]:
        (figures[prompt_id].minority_quotes if minority else figures[prompt_id].quotes).append((text, language))
    return figures


class BriefWriter:
    def __init__(self, library: Library, conversation: Round, zone: ZoneInfo, o: OrganiserTranslator) -> None:
        self.library = library
        self.conversation = conversation
        self.zone = zone
        self.o = o

    # -- small parts -------------------------------------------------------------------------------------------
    def table(self, heading: str, counts: dict[Any, int], name: Any) -> str:
        if not counts:
            return ""
        rows = "".join(
            f'<tr><td>{escape(name(key))}</td><td class="n">{count}</td></tr>'
            for key, count in sorted(counts.items(), key=lambda item: (-item[1], str(item[0])))
        )
        return f"<table><tr><th>{escape(heading)}</th><th></th></tr>{rows}</table>"

    def quotes(self, quotes: list[tuple[str, str | None]]) -> str:
        return "".join(
            f'<blockquote dir="auto" lang="{escape(language or "und")}">{escape(text)}</blockquote>'
            for text, language in quotes
        )

    def option_label(self, prompt: Prompt, key: Any) -> str:
        if prompt.type == "scale":
            number = int(key) if str(key).isdigit() else key
            return f"{SCALE_FACES.get(number, '')} {number}".strip()
        option = next((option for option in prompt.options if option.id == str(key)), None)
        return pick(option.label, "nl") if option else str(key)

    def bars(self, prompt: Prompt, counts: dict[Any, int], answered: int = 0) -> list[Bar]:
        """Shares of the people who answered: a multiple choice's options add up to more than 100%."""
        total = (answered if prompt.multiple else 0) or sum(counts.values()) or 1
        if prompt.type == "scale":
            keys: list[Any] = [value for value in range(1, 6)]
            counts = {int(key): value for key, value in counts.items() if str(key).isdigit()}
        else:
            keys = [option.id for option in prompt.options] + [
                key for key in counts if key not in {o.id for o in prompt.options}
            ]
        return [
            Bar(
                self.option_label(prompt, key),
                counts.get(key, 0),
                minority=0 < counts.get(key, 0) / total < MINORITY_SHARE,
                note=f"{round(100 * counts.get(key, 0) / total)}%",
            )
            for key in keys
        ]

    # -- one question ------------------------------------------------------------------------------------------
    def prompt_section(self, number: int, prompt: Prompt, figures: PromptFigures) -> str:
        o = self.o
        meta = [
            o.format(o.ongettext("{count} answer", "{count} answers", figures.total), count=figures.total),
        ]
        if figures.skipped:
            meta.append(o.format(o.ogettext("{count} skipped"), count=figures.skipped))
        if figures.voice:
            meta.append(
                "🎤 "
                + o.format(
                    o.ongettext("{count} voice message", "{count} voice messages", figures.voice), count=figures.voice
                )
            )
        if figures.photo:
            meta.append(
                "📷 " + o.format(o.ongettext("{count} photo", "{count} photos", figures.photo), count=figures.photo)
            )
        if figures.place:
            meta.append(
                "📍 " + o.format(o.ongettext("{count} place", "{count} places", figures.place), count=figures.place)
            )
        if figures.pending:
            meta.append(o.format(o.ogettext("{count} text(s) not yet moderated"), count=figures.pending))
        parts = [
            f'<article id="{escape(prompt.id)}"><h3>{number}. {escape(pick(prompt.text, "nl"))}</h3>',
            f'<p class="meta">{escape(prompt.id)} · {escape(prompt.type)} · {escape(" · ".join(meta))}</p>',
            '<div class="counts">',
            self.table(o.ogettext("By role"), figures.by_role, lambda role: role_name(o, role)),
            self.table(o.ogettext("By language"), figures.by_language, language_name),
            "</div>",
        ]
        majority: list[str] = []
        minority: list[str] = []
        if prompt.type in ("choice", "scale") and figures.choices:
            total = (figures.total if prompt.multiple else 0) or sum(figures.choices.values())
            bars = self.bars(prompt, figures.choices, figures.total)
            parts.append(svg_bars(bars, pick(prompt.text, "nl")))
            most = max(bar.value for bar in bars)
            tops = [bar for bar in bars if bar.value == most]
            majority.append(
                "<p>"
                + escape(
                    o.format(
                        o.ogettext("Most chosen: {option} ({share} of {count})"),
                        option=" / ".join(bar.label for bar in tops),
                        share=tops[0].note,
                        count=total,
                    )
                )
                + "</p>"
            )
            if prompt.type == "scale":
                scale_total = sum(int(key) * value for key, value in figures.choices.items() if str(key).isdigit())
                majority.append(
                    "<p>"
                    + escape(o.format(o.ogettext("Average: {average} of 5"), average=f"{scale_total / total:.1f}"))
                    + "</p>"
                )
            few = [bar for bar in bars if bar.minority]
            if few:
                minority.append(
                    "<p>"
                    + escape(o.ogettext("Fewer than a quarter chose:"))
                    + " "
                    + escape(", ".join(f"{bar.label} ({bar.note})" for bar in few))
                    + "</p>"
                )
        if figures.minority_total:
            minority.append(
                "<p>"
                + escape(
                    o.format(
                        o.ongettext(
                            "{count} person said what the others should understand about their view.",
                            "{count} people said what the others should understand about their view.",
                            figures.minority_total,
                        ),
                        count=figures.minority_total,
                    )
                )
                + "</p>"
            )
        majority.append(self.quotes(figures.quotes))
        minority.append(self.quotes(figures.minority_quotes))
        if not "".join(majority):
            majority.append('<p class="empty">' + escape(o.ogettext("No approved quotes yet.")) + "</p>")
        if not "".join(minority):
            minority.append(
                '<p class="empty">' + escape(o.ogettext("No minority voice recorded for this question.")) + "</p>"
            )
        parts += [
            '<div class="sides">',
            '<div class="side majority"><h4>' + escape(o.ogettext("Majority view")) + "</h4>" + "".join(majority),
            "</div>",
            '<div class="side minority"><h4>' + escape(o.ogettext("Minority voice")) + "</h4>" + "".join(minority),
            "</div>",
            "</div></article>",
        ]
        return "".join(parts)

    # -- ideas from earlier meetings ---------------------------------------------------------------------------
    def ideas_section(self, ideas: list[dict[str, Any]]) -> str:
        o = self.o
        parts = ["<h2>" + escape(o.ogettext("Ideas from earlier meetings")) + "</h2>"]
        if not ideas:
            parts.append('<p class="empty">' + escape(o.ogettext("No ideas recorded yet.")) + "</p>")
            return "<section>" + "".join(parts) + "</section>"
        rows = []
        for idea in ideas:
            status = str(idea.get("status") or "")
            status_text = o.ogettext(IDEA_STATUSES[status]) if status in IDEA_STATUSES else status or "—"
            rows.append(
                "<tr>"
                f"<td>{escape(idea.get('title') or '—')}</td>"
                f"<td>{escape(idea.get('meeting') or '')}</td>"
                f"<td>{escape(o.ogettext(THEMES[idea['theme']]) if idea.get('theme') in THEMES else idea.get('theme') or '')}</td>"
                f"<td><b>{escape(status_text)}</b>{('<br>' + escape(idea['reason'])) if idea.get('reason') else ''}</td>"
                f"<td>{escape(idea.get('changed') or '')}</td>"
                "</tr>"
            )
        parts.append(
            "<table><tr>"
            + "".join(
                f"<th>{escape(o.ogettext(name))}</th>"
                for name in (ON_("Idea"), ON_("Meeting"), ON_("Theme"), ON_("Status"), ON_("Last change"))
            )
            + "</tr>"
            + "".join(rows)
            + "</table>"
        )
        return "<section>" + "".join(parts) + "</section>"

    # -- the page ------------------------------------------------------------------------------------------------
    def page(self, data: dict[str, Any], ideas: list[dict[str, Any]], now: datetime) -> str:
        o = self.o
        conversation = self.conversation
        figures = _figures(data)
        title = pick(conversation.title, "nl")
        totals = [
            (o.ogettext("participants"), data["participants"]),
            (o.ogettext("answers"), data["answers"]),
            ("🎤 " + o.ogettext("voice messages"), sum(entry.voice for entry in figures.values())),
            ("📷 " + o.ogettext("photos"), sum(entry.photo for entry in figures.values())),
            ("📍 " + o.ogettext("places"), sum(entry.place for entry in figures.values())),
            ("🔸 " + o.ogettext("minority voices"), sum(entry.minority_total for entry in figures.values())),
        ]
        parts = [
            "<!doctype html>",
            f'<html lang="{escape(o.language)}"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            "<title>" + escape(o.ogettext("Meeting brief")) + ": " + escape(title) + "</title>",
            f"<style>{STYLE}</style></head><body>",
            f"<header><h1>{escape(title)}</h1>",
            '<p class="meta">'
            + escape(
                o.format(
                    o.ogettext("Meeting brief for the next meeting · conversation {conversation} · made {moment}"),
                    conversation=conversation.id,
                    moment=now.astimezone(self.zone).strftime("%Y-%m-%d %H:%M"),
                )
            )
            + "</p></header>",
            '<section class="numbers">'
            + "".join(f'<div class="number"><b>{count}</b>{escape(label)}</div>' for label, count in totals)
            + "</section>",
            '<div class="counts">',
            self.table(
                o.ogettext("Participants by role"), dict(data["participants_by_role"]), lambda role: role_name(o, role)
            ),
            self.table(o.ogettext("Participants by language"), dict(data["participants_by_language"]), language_name),
            "</div>",
        ]
        themes: dict[str, list[tuple[int, Prompt]]] = {}
        for number, prompt in enumerate(conversation.prompts, start=1):
            themes.setdefault(prompt.theme or "open", []).append((number, prompt))
        for theme, prompts in themes.items():
            name = o.ogettext(THEMES[theme]) if theme in THEMES else theme
            parts.append(f"<section><h2>{THEME_ICONS.get(theme, '💬')} {escape(name)}</h2>")
            parts += [
                self.prompt_section(number, prompt, figures.get(prompt.id, PromptFigures()))
                for number, prompt in prompts
            ]
            parts.append("</section>")
        known = {prompt.id for prompt in conversation.prompts}
        others = {prompt_id: entry for prompt_id, entry in figures.items() if prompt_id not in known}
        if others:
            parts.append(
                "<section><h2>" + escape(o.ogettext("Answers to questions no longer in the content")) + "</h2>"
            )
            for prompt_id, entry in sorted(others.items()):
                parts.append(
                    f'<article><h3>{escape(prompt_id)}</h3><p class="meta">'
                    + escape(
                        o.format(
                            o.ongettext("{count} answer", "{count} answers", entry.total + entry.minority_total),
                            count=entry.total + entry.minority_total,
                        )
                    )
                    + "</p>"
                    + self.quotes(entry.quotes + entry.minority_quotes)
                    + "</article>"
                )
            parts.append("</section>")
        parts.append(self.ideas_section(ideas))
        parts.append(
            "<footer>"
            + escape(
                o.ogettext(
                    "Only texts an organiser approved are quoted, without names. Participants are counted by a random "
                    "code; this page holds no Telegram id or name. Rehearsals in the terminal simulator are included "
                    "only if this database holds them."
                )
            )
            + "</footer></body></html>"
        )
        return "\n".join(parts)


def _text(value: Any) -> str | None:
    """A text that may be a plain string, a language map, or JSON holding a language map."""
    if value is None:
        return None
    if isinstance(value, dict):
        return pick({str(k): str(v) for k, v in value.items()}, "nl") or None
    if isinstance(value, str) and value.startswith("{"):
        try:
            decoded = json.loads(value)
        except ValueError:
            return value
        return _text(decoded) if isinstance(decoded, dict) else value
    return str(value)


def _first(record: dict[str, Any], *names: str) -> Any:
    return next((record[name] for name in names if record.get(name) not in (None, "")), None)


def gather_ideas(library: Library, stored: list[dict[str, Any]] | None, zone: ZoneInfo) -> list[dict[str, Any]]:
    """Ideas from the meeting content files and from the database (the database's status wins), read defensively:
    the follow-up feature that records them is built beside this one."""
    ideas: dict[str, dict[str, Any]] = {}
    for meeting_id, meeting in library.meetings.items():
        for index, idea in enumerate(getattr(meeting, "ideas", ()) or ()):
            record = idea.model_dump() if hasattr(idea, "model_dump") else dict(idea) if isinstance(idea, dict) else {}
            key = str(record.get("id") or f"{meeting_id}-{index}")
            ideas[key] = {
                "title": _text(_first(record, "title", "text", "idea", "summary", "description")),
                "meeting": _text(getattr(meeting, "title", None)) or meeting_id,
                "theme": record.get("theme"),
                "status": record.get("status"),
                "reason": _text(_first(record, "reason", "status_reason", "why")),
                "changed": None,
            }
    for row in stored or []:
        key = str(_first(row, "idea_id", "key", "slug", "id") or len(ideas))
        changed = _first(row, "status_at", "updated_at", "changed_at", "created_at")
        merged = {
            "title": _text(_first(row, "title", "text", "idea", "summary", "description")),
            "meeting": _text(_first(row, "meeting", "meeting_id", "meeting_title")),
            "theme": row.get("theme"),
            "status": row.get("status"),
            "reason": _text(_first(row, "reason", "status_reason", "why")),
            "changed": local(changed, zone) if isinstance(changed, str) and changed.endswith("Z") else changed,
        }
        known = ideas.get(key, {})
        if known.get("meeting"):
            merged["meeting"] = known["meeting"]  # the meeting's title from its file, rather than its id
        ideas[key] = {**known, **{name: value for name, value in merged.items() if value}}
    return list(ideas.values())


async def build_brief(
    store: Store,
    library: Library,
    conversation_id: str,
    zone: ZoneInfo,
    now: datetime,
    language: str | None = None,
    media_folder: Path | None = None,
    organiser_language: str = "nl",
) -> str:
    conversation = library.rounds.get(conversation_id)
    if conversation is None:
        raise KeyError(conversation_id)
    data = await queries.brief_data(store, conversation_id)
    ideas = gather_ideas(library, await queries.stored_ideas(store), zone)
    o = organiser_translator(language)
    html = BriefWriter(library, conversation, zone, o).page(data, ideas, now)
    # Voices, photos, other languages and places: a renderer of its own, placed before the footer.
    media = await media_section(
        store, library, conversation, o, media_folder or store.path.parent / "media", organiser_language
    )
    return html.replace("<footer>", media + "<footer>", 1) if media else html


async def write_brief(
    store: Store,
    library: Library,
    conversation_id: str,
    zone: ZoneInfo,
    now: datetime,
    target: Path,
    language: str | None = None,
    organiser_language: str = "nl",
) -> None:
    html = await build_brief(
        store, library, conversation_id, zone, now, language, organiser_language=organiser_language
    )

    def save() -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")

    await asyncio.to_thread(save)
