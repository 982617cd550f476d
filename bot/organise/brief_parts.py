"""Small parts every brief page uses: count tables with a header that repeats on a new printed page, a quote with
who said it (language, role, the option it goes with) and its translation, and "N more in the export"."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from bot.organise.brief_style import STYLE, icon
from bot.organise.common import role_name
from bot.organise.i18n import OrganiserTranslator
from bot.organise.plain import city_time, language_label
from bot.organise.quotes import Quote
from bot.store.brief_queries import Scope


def table(heading: str, counts: Mapping[Any, int], name: Callable[[Any], str], number: str = "") -> str:
    if not counts:
        return ""
    rows = "".join(
        f'<tr><td>{escape(name(key))}</td><td class="n">{count}</td></tr>'
        for key, count in sorted(counts.items(), key=lambda item: (-item[1], str(item[0])))
    )
    return (
        f'<table><thead><tr><th>{escape(heading)}</th><th class="n">{escape(number)}</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>"
    )


def matrix(
    heading: str,
    rows: Mapping[Any, Mapping[Any, int]],
    name: Callable[[Any], str],
    columns: Sequence[tuple[Any, str]],
    total: str,
) -> str:
    """Rows by columns (e.g. languages by RSVP answer), with a total per row, largest row first."""
    if not rows:
        return ""
    head = "".join(f'<th class="n">{escape(label)}</th>' for _key, label in columns)
    body = []
    for key, counts in sorted(rows.items(), key=lambda item: (-sum(item[1].values()), str(item[0]))):
        cells = "".join(f'<td class="n">{counts.get(column, 0) or ""}</td>' for column, _label in columns)
        body.append(f'<tr><td>{escape(name(key))}</td>{cells}<td class="n">{sum(counts.values())}</td></tr>')
    return (
        f'<table><thead><tr><th>{escape(heading)}</th>{head}<th class="n">{escape(total)}</th></tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def quote_html(o: OrganiserTranslator, quote: Quote, option: str | None = None) -> str:
    """The text as written (its own direction), who said it, and the translation beside it where there is one."""
    who = [language_label(o, quote.language), role_name(o, quote.role)]
    if option:
        who.append(o.format(o.ogettext("about: {option}"), option=option))
    # The words in their own direction (a right-to-left quote aligns right); who said it in the page's direction.
    said = escape(quote.text)
    voice = next((item for item in quote.media if item.get("kind") == "voice"), None)
    if not quote.text and voice is not None:
        seconds = voice.get("seconds")
        said = icon("voice") + escape(
            o.format(o.ogettext("a voice message ({seconds} s), in the export"), seconds=seconds)
            if seconds
            else o.ogettext("a voice message, in the export")
        )
    parts = [f'<blockquote><span class="said" dir="auto" lang="{escape(quote.language or "und")}">{said}</span>']
    if quote.translation:
        parts.append(
            f'<span class="translation" lang="{escape(quote.translation_language or o.language)}" dir="auto">'
            f"{escape(quote.translation)}</span>"
        )
    for item in quote.media:
        if item.get("html"):
            parts.append(str(item["html"]))  # built and escaped by the feature that added it
    parts.append(f'<span class="who">{escape(" · ".join(who))}</span></blockquote>')
    return "".join(parts)


def more_line(o: OrganiserTranslator, count: int) -> str:
    if not count:
        return ""
    text = o.format(o.ongettext("{count} more in the export", "{count} more in the export", count), count=count)
    return f'<p class="more">{escape(text)}</p>'


def empty(text: str) -> str:
    return f'<p class="empty">{escape(text)}</p>'


def head(o: OrganiserTranslator, title: str) -> str:
    return (
        f'<!doctype html>\n<html lang="{escape(o.language)}"><head><meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        + "<title>"
        + escape(o.ogettext("Meeting brief"))
        + f": {escape(title)}</title>\n<style>{STYLE}</style></head><body>"
    )


def selection_line(o: OrganiserTranslator, scope: Scope, zone: ZoneInfo, now: datetime) -> str:
    parts = [o.format(o.ogettext("Made {moment}"), moment=city_time(o, now, zone))]
    if scope.since is not None:
        parts.append(o.format(o.ogettext("answers since {date}"), date=city_time(o, scope.since, zone)))
    parts.append(o.ogettext("without rehearsals") if scope.live_only else o.ogettext("rehearsals included, if any"))
    return '<p class="meta">' + escape(" · ".join(parts)) + "</p>"


def footer(o: OrganiserTranslator) -> str:
    return (
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
