"""The care message a flagged participant receives when an organiser presses "send them the help lines".

Built from the help lines in content (conversations/helplines.yaml) for the flag's kinds: lines for danger right
now first, then the lines that speak the participant's language, then the others, each saying which languages it
answers in, because a line you cannot talk to is no help at 3 a.m.; and always the offer to answer here in their
own language so that the team finds an interpreter. Without a help lines file it falls back to the fixed lines of
/help, so a flag never goes without help.
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
from bot.engine.notices import help_lines, responsible
from bot.engine.outgoing import Outgoing
from bot.i18n import LANGUAGES, Translator, locales_dir, pick, translator
from bot.rtl import icon


def _openings(t: Translator) -> dict[str, str]:
    _ = t.gettext
    return {
        "suicide": _(
            "Someone from our team read your message and wants you to know that you are not alone. If you are in "
            "danger or thinking about ending your life, please talk to someone now."
        ),
        "sexual-violence": _(
            "Someone from our team read your message and wants you to know that you are not alone. What happened "
            "is not your fault. You can get care and support, and you decide what happens next."
        ),
        "violence": _(
            "Someone from our team read your message and wants you to know that you are not alone. Nobody has the "
            "right to hurt or threaten you. If you are not safe, please talk to someone now."
        ),
        "exploitation": _(
            "Someone from our team read your message and wants you to know that you are not alone. Nobody may "
            "force you to work, keep your wages or take your papers. You can get help, free and in confidence."
        ),
    }


@cache
def _dutch_names() -> dict[str, str]:
    """The termbase's name of Dutch per language, so the care message names it as every other text does."""
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
    name = t.locale.languages.get(code) or Locale.parse("en").languages.get(code)
    if name is None:
        return LANGUAGES[code].name if code in LANGUAGES else code
    return name


def _speaks(line: HelpLine, language: str) -> bool:
    return language in line.languages or any(code in line.languages for code in SHARED_LISTS.get(language, ()))


def _line_text(line: HelpLine, t: Translator) -> str:
    """• 1813 · zelfmoord1813.be (chat) — Zelfmoordlijn 1813 — day and night — languages: Dutch"""
    contacts = " · ".join(t.isolate(contact) for contact in (line.number, line.web) if contact)
    when = t.gettext("day and night") if line.day_and_night else (pick(line.hours, t.language) if line.hours else "")
    names = format_list([language_name(code, t) for code in line.languages], locale=t.locale)
    speaks = t.format(t.gettext("languages: {languages}"), languages=names)
    return "• " + " — ".join(part for part in (contacts, t.isolate(pick(line.name, t.language)), when, speaks) if part)


def lines_for(lines: Iterable[HelpLine], kinds: Sequence[str]) -> tuple[list[HelpLine], list[HelpLine]]:
    """The lines for danger right now, and the lines for these kinds of flag (every kind when none is known)."""
    wanted = set(kinds) or set(FLAG_KINDS)
    every = list(lines)
    danger = [line for line in every if DANGER in line.purposes]
    fitting = [line for line in every if DANGER not in line.purposes and wanted & set(line.purposes)]
    return danger, fitting


def care_message(language: str | None, contact: str, library: Any = None, kinds: Sequence[str] = ()) -> Outgoing:
    """To the participant: the team read their message; where help is for what they wrote, in their language."""
    t = translator(language or "nl")
    _ = t.gettext
    openings = _openings(t)
    first = next((kind for kind in FLAG_KINDS if kind in kinds), "suicide")
    lines = ["🤝 " + openings[first], ""]
    all_lines = [line for content in (library.helplines.values() if library else ()) for line in content.lines]
    if not all_lines:
        lines += help_lines(t, contact)
        return Outgoing(text="\n".join(lines), kind="care")
    danger, fitting = lines_for(all_lines, kinds)
    lines += [icon(t, "🆘") + _("In danger right now? Call:"), *(_line_text(line, t) for line in danger), ""]
    own = [line for line in fitting if _speaks(line, t.language)]
    others = [line for line in fitting if not _speaks(line, t.language)]
    spoken = language_name(t.language, t)
    if own:
        lines += ["📞 " + t.format(_("Help lines that speak {language}:"), language=spoken)]
        lines += [_line_text(line, t) for line in own]
        if others:
            lines += ["", "📞 " + _("Other help lines:")]
    elif others:
        lines += ["📞 " + t.format(_("None of these help lines speaks {language}:"), language=spoken)]
    lines += [_line_text(line, t) for line in others]
    answered = {purpose for line in own for purpose in line.purposes}
    if not (set(kinds) or set(FLAG_KINDS)) <= answered:  # a kind no line answers in their language
        lines += [
            "",
            "🗣 " + _("Would you rather talk in your own language? Answer here and we will find an interpreter."),
        ]
    lines += [
        "",
        t.format(_("Questions about the project or your data: {contact}."), contact=responsible(t, contact)),
    ]
    return Outgoing(text="\n".join(lines)[:4000], kind="care")
