"""The fixed texts a participant can ask for: the consent text, /help with where to find help, what /mydata
shows, and the command menu. Kept apart from the conversation logic in core.py; the safeguarding care message
(bot/organise/care.py) gives the same help lines (bot/engine/help_lines.py).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.content.loader import Library
from bot.engine.help_lines import all_lines, help_line_section
from bot.engine.keyboards import role_names
from bot.engine.multiselect import spoken_list
from bot.engine.outgoing import Document
from bot.engine.state import ParticipantState
from bot.i18n import LANGUAGES, Translator, pick
from bot.local_dates import clock, full_date
from bot.rtl import icon


def responsible(t: Translator, contact: str) -> str:
    """Who answers for the data: SAMENSPRAAK_CONTACT as the city wrote it, or, until it is set, a phrase in the
    participant's own language rather than an English one inside a Dutch or Arabic consent text."""
    return contact or t.gettext("the city's participation team")


def help_lines(t: Translator, contact: str) -> list[str]:
    """Where help is (this bot is not an emergency line), and who answers for the data."""
    _ = t.gettext
    return [
        "⚠️ "
        + _(
            "This is not an emergency line. In an emergency call 112. To talk to someone, call Tele-Onthaal on 106 (day and night). Suicide prevention line: 1813."
        ),
        # A line of its own, so the translated line above keeps its translations.
        _("In French: Télé-Accueil on 107 (day and night), Centre de Prévention du Suicide on 0800 32 123."),
        t.format(_("Questions about the project or your data: {contact}."), contact=responsible(t, contact)),
    ]


def consent_text(t: Translator, contact: str, retention_months: int) -> str:
    _ = t.gettext
    return "\n\n".join(
        [
            "📄 " + _("Before we start: what happens with your answers"),
            t.format(
                _("• Who is responsible: {contact}. You can ask them anything about your data."),
                contact=responsible(t, contact),
            ),
            _(
                "• What we store: your language, whether you live here, are new or volunteer, and your answers "
                "(text, voice messages, photos, places). We do not store your name or phone number; you get a "
                "random code instead."
            ),
            _("• Telegram carries the messages between you and us; Telegram's own privacy policy applies to that."),
            _(
                "• Who sees it: the city's participation team. Short quotes may be read at a meeting, without "
                "your name, and only after a team member has checked them."
            ),
            t.format(
                t.ngettext(
                    "• How long: until the project ends, and at most {months} month.",
                    "• How long: until the project ends, and at most {months} months.",
                    retention_months,
                ),
                months=retention_months,
            ),
            _("• Leaving: send /mydata to see everything we have, and /forget to delete all of it, at any time."),
            _("• You must be 13 or older to take part."),
            _("Do you agree?"),
        ]
    )


def help_text(t: Translator, contact: str, library: Library | None = None) -> str:
    """What the bot is, its commands, and where help is: the help lines of content as the care message after a
    safeguarding flag gives them (those that speak the reader's language first, each saying which languages it
    speaks), or the fixed lines when content has none."""
    _ = t.gettext
    found = all_lines(library)
    if found:
        section, _unanswered = help_line_section(t, found)
        help_part = [
            icon(t, "⚠️") + _("This is not an emergency line."),
            *section,
            "",
            t.format(_("Questions about the project or your data: {contact}."), contact=responsible(t, contact)),
        ]
    else:
        help_part = help_lines(t, contact)
    return "\n".join(
        [
            icon(t, "ℹ️")
            + _(
                "Samenspraak asks you short questions about life in the city. Answer with a button, text, a voice message, a photo or a place."
            ),
            "",
            # The command menu's own words, so /help and the menu never tell two stories.
            # Commands isolated: in Arabic, Persian and Pashto a bare /mydata would show as "mydata/".
            *(f"{t.isolate('/' + name)} — {what}" for name, what in command_menu(t) if name not in ("start", "help")),
            t.isolate("/help") + " — " + _("this message"),
            "",
            *help_part,
        ]
    )


def mydata_message(
    library: Library, state: ParticipantState, stored: dict[str, Any], t: Translator, zone: ZoneInfo
) -> tuple[str, Document]:
    """Everything stored about the participant: a readable message and the same as a JSON file."""
    _ = t.gettext
    answers = stored.get("answers", [])
    lines = [
        "🗂 " + _("Here is everything we have stored about you."),
        "",
        t.format(_("Your code: {code}"), code=state.pseudonym),
        t.format(_("Language: {language}"), language=LANGUAGES.get(state.language or "", LANGUAGES["en"]).name),
        t.format(_("Role: {role}"), role=role_names(t).get(state.role or "", "—")),
        t.format(
            _("Consent given on: {date}"),
            date=t.date(state.consent_at, zone) if state.consent_at else "—",
        ),
        t.format(_("Paused: {paused}"), paused=_("yes") if state.paused else _("no")),
        t.ngettext("You gave {count} answer.", "You gave {count} answers.", len(answers)).format(
            count=t.isolate(len(answers))
        ),
    ]
    heard = _words_heard(stored.get("files", []))
    for answer in answers[:20]:
        question, value = _readable(library, answer, t)
        words = heard.get((answer.get("conversation"), answer.get("prompt")))
        if words and value == "🎤":  # their voice answer as they typed or confirmed it, else as the engine heard it
            value = "🎤 «" + _shorten(words) + "»"
        lines.append(f"• {question}: {value}")
    if len(answers) > 20:
        lines.append("…")
    lines += _walk_sign_ups(library, stored.get("walk_sign_ups", []), t, zone)
    lines += ["", _("The attached file holds all of it. Send /forget to delete everything.")]
    document = Document(
        filename=f"samenspraak-{state.pseudonym}.json",
        content=json.dumps(stored, ensure_ascii=False, indent=2, default=str),
    )
    return "\n".join(lines)[:4000], document


def _walk_sign_ups(library: Library, sign_ups: list[dict[str, Any]], t: Translator, zone: ZoneInfo) -> list[str]:
    """The group walks on dates they lead or answered: the walk's title and its moment, with what they said."""
    if not sign_ups:
        return []
    _ = t.gettext
    said = {"lead": "🙋 " + _("I'll lead it"), "yes": "✅ " + _("I'll come"), "maybe": "🤔 " + _("Maybe")}
    lines = ["", "🚶 " + _("Group walks you signed up for:")]
    for entry in sign_ups:
        walk = library.walks.get(entry["walk"])
        title = pick(walk.title, t.language) if walk else "—"
        starts = datetime.fromisoformat(entry["starts_at"]).astimezone(zone)
        when = t.format(_("{date} at {time}"), date=full_date(starts.date(), t.locale), time=clock(starts, t.locale))
        answer = said.get("lead" if entry["part"] == "lead" else entry["rsvp"], "🙅 " + _("Not this time"))
        lines.append(f"• “{t.isolate(title)}”: {when}: {answer}")
    return lines


def _readable(library: Library, answer: dict[str, Any], t: Translator) -> tuple[str, str]:
    """An answer as the participant would recognise it: the question's words and the option's label."""
    conversation = library.rounds.get(answer.get("conversation", ""))
    prompt = conversation.prompt(answer.get("prompt", "")) if conversation else None
    if prompt is None:
        # A walk's answer: the card's question (never the stop's id), or "—" when the content no longer has it.
        walk = library.walks.get(answer.get("conversation", ""))
        question = walk.prompt_text(answer.get("prompt", "")) if walk is not None else None
        shown = _shorten(pick(question, t.language), 50) if question else "—"
        return shown, _summarise(answer.get("value", {}))
    value = answer.get("value", {})
    option = next((opt for opt in prompt.options if opt.id == value.get("option")), None)
    shown = pick(option.label, t.language) if option else _summarise(value)
    if isinstance(value.get("options"), list):  # a multiple choice: every option chosen
        labels = {opt.id: pick(opt.label, t.language) for opt in prompt.options}
        shown = spoken_list([labels.get(str(key), str(key)) for key in value["options"]], t) or "—"
    return _shorten(pick(prompt.text, t.language), 50), shown


def _words_heard(files: list[dict[str, Any]]) -> dict[tuple[Any, Any], str]:
    """What was said in each voice answer: the words typed instead, else the transcript."""
    found: dict[tuple[Any, Any], str] = {}
    for entry in files:
        words = entry.get("your_correction") or entry.get("transcript")
        if words and entry.get("kind") != "photo":
            found[(entry.get("conversation"), entry.get("prompt"))] = str(words)
    return found


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _summarise(value: dict[str, Any]) -> str:
    if "text" in value:
        text = str(value["text"])
        return text if len(text) <= 60 else text[:57] + "…"
    if "option" in value:
        return str(value["option"])
    if "value" in value:
        return str(value["value"])
    if "voice" in value:
        return "🎤"
    if "photo" in value:
        return "📷"
    if "latitude" in value:
        return f"📍 {value['latitude']}, {value['longitude']}"
    return "—"


def command_menu(t: Translator) -> list[tuple[str, str]]:
    """The participant's command menu in their language (Telegram shows it next to the text field)."""
    _ = t.gettext
    return [
        ("start", _("start or continue")),
        ("language", _("choose another language")),
        ("pause", _("no new questions for a while")),
        ("resume", _("continue with the questions")),
        ("ideas", _("what became of the ideas from the meetings")),
        ("mydata", _("see everything we stored about you")),
        ("forget", _("delete everything about you")),
        ("walks", _("dialogue walks through the city")),
        ("help", _("help and contact")),
    ]
