"""The help lines of content (conversations/helplines.yaml) as a person reads them, in /help and in the care
message after a safeguarding flag (bot/organise/care.py), so the two never tell different stories.

Lines for danger right now come first, then the lines that speak the person's language, then the others, each
saying which languages it answers in, because a line you cannot talk to is no help at 3 a.m.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from babel import Locale
from babel.lists import format_list

from bot.content.helplines import DANGER, HelpLine
from bot.distress.matcher import FLAG_KINDS, SHARED_LISTS
from bot.i18n import LANGUAGES, Translator, locales_dir, pick
from bot.rtl import icon


@cache
def _dutch_names() -> dict[str, str]:
    """The termbase's name of Dutch per language, so the help lines name it as every other text does."""
    path = locales_dir() / "terms.yaml"
    if not path.is_file():
        return {}
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    names = (data.get("terms", {}).get("dutch", {}) or {}).get("name", {}) or {}
    return {str(code): str(name) for code, name in names.items()}


def language_name(code: str, t: Translator) -> str:
    """A language's name in the participant's language (Arabic for an Arabic reader: الهولندية)."""
    if code == "nl" and _dutch_names().get(t.language):
        return _dutch_names()[t.language]
    name: str | None = t.locale.languages.get(code) or Locale.parse("en").languages.get(code)
    if name is None:
        return LANGUAGES[code].name if code in LANGUAGES else code
    return name


def speaks(line: HelpLine, language: str) -> bool:
    return language in line.languages or any(code in line.languages for code in SHARED_LISTS.get(language, ()))


def line_text(line: HelpLine, t: Translator) -> str:
    """• 1813 · zelfmoord1813.be (chat) — Zelfmoordlijn 1813 — day and night — languages: Dutch"""
    contacts = " · ".join(t.isolate(contact) for contact in (line.number, line.web) if contact)
    when = t.gettext("day and night") if line.day_and_night else (pick(line.hours, t.language) if line.hours else "")
    names = format_list([language_name(code, t) for code in line.languages], locale=t.locale)
    speaks_text = t.format(t.gettext("languages: {languages}"), languages=names)
    return "• " + " — ".join(
        part for part in (contacts, t.isolate(pick(line.name, t.language)), when, speaks_text) if part
    )


def lines_for(lines: Iterable[HelpLine], kinds: Sequence[str]) -> tuple[list[HelpLine], list[HelpLine]]:
    """The lines for danger right now, and the lines for these kinds of flag (every kind when none is known)."""
    wanted = set(kinds) or set(FLAG_KINDS)
    every = list(lines)
    danger = [line for line in every if DANGER in line.purposes]
    fitting = [line for line in every if DANGER not in line.purposes and wanted & set(line.purposes)]
    return danger, fitting


def all_lines(library: Any) -> list[HelpLine]:
    return [line for content in (library.helplines.values() if library else ()) for line in content.lines]


def help_line_section(t: Translator, lines: Iterable[HelpLine], kinds: Sequence[str] = ()) -> tuple[list[str], bool]:
    """The lines for these kinds (every kind when none), those usable in the person's language first; and whether
    some kind has no line in their language (then an interpreter is worth offering)."""
    _ = t.gettext
    danger, fitting = lines_for(lines, kinds)
    text = [icon(t, "🆘") + _("In danger right now? Call:"), *(line_text(line, t) for line in danger), ""]
    own = [line for line in fitting if speaks(line, t.language)]
    others = [line for line in fitting if not speaks(line, t.language)]
    spoken = language_name(t.language, t)
    if own:
        text += ["📞 " + t.format(_("Help lines that speak {language}:"), language=spoken)]
        text += [line_text(line, t) for line in own]
        if others:
            text += ["", "📞 " + _("Other help lines:")]
    elif others:
        text += ["📞 " + t.format(_("None of these help lines speaks {language}:"), language=spoken)]
    text += [line_text(line, t) for line in others]
    answered = {purpose for line in own for purpose in line.purposes}
    return text, not (set(kinds) or set(FLAG_KINDS)) <= answered
