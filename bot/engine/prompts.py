"""Asking a prompt and taking its answer, by the prompt's answer type."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.content.model import Prompt, Round
from bot.engine import events
from bot.engine.keyboards import prompt_rows
from bot.engine.options import option_for_text
from bot.engine.outgoing import ButtonSpec
from bot.engine.sanity import small_number
from bot.i18n import Translator, pick
from bot.rtl import icon

THEME_ICONS = {
    "housing": "🏠",
    "mobility": "🚲",
    "work": "💼",
    "safety": "🛡",
    "meeting": "🤝",
    "culture": "🎭",
    "nature": "🌳",
    "learning": "📚",
    "health": "❤️",
    "open": "💬",
}


def how_to_answer(prompt: Prompt, t: Translator) -> str:
    _ = t.gettext
    if prompt.multiple:
        from bot.engine.multiselect import hint

        return hint(prompt, t)
    hints = {
        "choice": _("Tap one of the buttons."),
        "scale": _("Tap a number from 1 to 5."),
        "text": _("Type your answer and send it."),
        "voice": _("Hold the microphone button and speak your answer, or type it.")
        if prompt.takes("text")
        else _("Hold the microphone button and speak your answer."),
        "photo": _("Send a photo: tap the paperclip 📎, then Photo."),
        "location": _("Share a place: tap the paperclip 📎, then Location."),
    }
    return hints[prompt.type]


def how_to_share_a_place(t: Translator) -> str:
    return t.gettext("Share a place: tap the paperclip 📎, then Location.")


def render_prompt(
    conversation: Round, prompt: Prompt, t: Translator, role: str | None = None
) -> tuple[str, tuple[tuple[ButtonSpec, ...], ...]]:
    """The prompt's text in the participant's language, with its position, a hint how to answer, and buttons.

    Position and total count the questions asked of the participant's role: a volunteer never meets "question 4 of
    4" after "2 of 4" because question 3 is for newcomers only."""
    theirs = [p.id for p in conversation.prompts if p.asked_of(role) or p.id == prompt.id]
    position = theirs.index(prompt.id) + 1
    theme = THEME_ICONS.get(prompt.theme or "", "💬")
    header = t.format(t.gettext("Question {number} of {total}"), number=position, total=len(theirs))
    lines = [f"{theme} {header}", "", pick(prompt.text, t.language)]
    if prompt.type == "scale" and (prompt.low or prompt.high):
        low = pick(prompt.low, t.language) if prompt.low else ""
        high = pick(prompt.high, t.language) if prompt.high else ""
        lines.append(f"1 = {t.isolate(low)} · 5 = {t.isolate(high)}")
    lines += ["", icon(t, "ℹ️") + how_to_answer(prompt, t)]
    return "\n".join(lines), prompt_rows(conversation, prompt, t)


def prompt_audio(source: Path | None, prompt: Prompt, language: str) -> dict[str, str]:
    """The outbox payload part for the prompt's recording in this language, if the organisers made one.

    Only the participant's own language: a recording in another language does not help someone who reads little.
    """
    recording = (prompt.audio or {}).get(language)
    if not recording or source is None:
        return {}
    return {"voice": str(source.parent / recording)}


@dataclass(frozen=True)
class Taken:
    """An answer that fits the prompt: what to store, and the option chosen (for jumps)."""

    value: dict[str, Any]
    option: str | None = None


@dataclass(frozen=True)
class Refusal:
    """Why an event does not answer the prompt, in words for the participant."""

    message: str


def clean_text(text: str) -> str:
    """Drop control and format characters that break exports and screens, keep newlines and letters of any script."""
    kept = []
    for char in unicodedata.normalize("NFC", text):
        category = unicodedata.category(char)
        if char in "\n\t" or category[0] != "C" or char in "\u200c\u200d":  # ZWNJ/ZWJ matter in Persian and Arabic
            kept.append(char)
    return "".join(kept).strip()


# Characters that draw nothing, though they are letters or symbols to Unicode: Hangul fillers, the blank Braille
# pattern (used to send "empty" messages), and the joiners kept for Persian and Arabic.
BLANK = frozenset("\u115f\u1160\u3164\uffa0\u2800\u200c\u200d")


def visible(text: str) -> bool:
    """Whether a text shows anything at all: a message of blanks is no answer."""
    return any(not char.isspace() and char not in BLANK for char in text)


def unsupported_message(what: str, t: Translator) -> str:
    _ = t.gettext
    messages = {
        "sticker": _("Nice sticker! I can't store stickers as an answer, though."),
        "document": _("I can't take files as an answer."),
        "video": _("I can't take videos as an answer."),
        "video_note": _("I can't take video messages as an answer."),
        "animation": _("I can't take GIFs as an answer."),
        "audio": _("I can't take music files as an answer."),
        "contact": _("Thank you, but I don't need contact details. Please don't share other people's numbers."),
        "poll": _("I can't take polls as an answer."),
        "dice": _("I can't take that as an answer."),
        "forwarded": _("Thank you! I can only take your own words as an answer, not a forwarded message."),
    }
    return messages.get(what, _("I can't take that kind of message as an answer."))


MAX_DOWNLOAD = 20 * 1024 * 1024  # Telegram serves bots files up to 20 MB


def _media_answer(prompt: Prompt, event: events.Event, t: Translator, max_length: int) -> Taken | Refusal | None:
    """A voice note, audio, round video or photo; None when the event is none of these or the prompt takes none."""
    if isinstance(event, events.Voice | events.Photo) and event.size > MAX_DOWNLOAD:
        return Refusal(
            t.gettext(
                "That file is too big for me to receive (the limit is 20 MB). Could you send a shorter recording "
                "or a smaller picture?"
            )
        )
    if isinstance(event, events.Voice) and prompt.takes("voice"):
        value: dict[str, Any] = {"voice": event.file_ref, "duration": event.duration}
        if event.kind != "voice":
            value["media"] = event.kind
        return Taken(value)
    if isinstance(event, events.Photo) and prompt.takes("photo"):
        value = {"photo": event.file_ref}
        caption = clean_text(event.caption)
        if visible(caption):  # their words with the picture are an answer too, not something to drop
            value["text"] = caption[: prompt.max_length or max_length]
        return Taken(value)
    return None


def take_answer(prompt: Prompt, event: events.Event, t: Translator, max_length: int) -> Taken | Refusal:
    """Check an event against the active prompt; a refusal says kindly what is expected instead."""
    _ = t.gettext
    expected = how_to_answer(prompt, t)
    if isinstance(event, events.Text):
        text = clean_text(event.text)
        if prompt.type in ("text", "voice") and prompt.takes("text"):
            limit = prompt.max_length or max_length
            if not visible(text):
                return Refusal(_("That message looks empty.") + " " + expected)
            if len(text) > limit:
                return Refusal(
                    t.format(
                        _("Your answer is {length} characters long; the limit is {limit}. Could you make it shorter?"),
                        length=len(text),
                        limit=limit,
                    )
                )
            return Taken({"text": text})
        if prompt.type == "scale":
            # isdecimal, not isdigit: "²" is a digit int() cannot read; Arabic-Indic and Persian digits are decimals.
            typed = small_number(text)
            if typed is not None and 1 <= typed <= 5:
                return Taken({"value": typed})
            if text.lstrip("-").isdecimal():
                return Refusal(_("Please choose a number from 1 to 5."))
        if prompt.type == "choice":
            option = option_for_text(prompt, text, t)
            if option:
                return Taken({"option": option}, option)
        return Refusal(_("Thank you, but this question asks for something else.") + " " + expected)
    # Many newcomers speak more easily than they write: a voice note is welcome for open questions too.
    media = _media_answer(prompt, event, t, max_length)
    if media is not None:
        return media
    if isinstance(event, events.Location) and prompt.type == "location":
        return Taken({"latitude": round(event.latitude, 6), "longitude": round(event.longitude, 6)})
    if isinstance(event, events.Unsupported):
        return Refusal(unsupported_message(event.what, t) + " " + expected)
    return Refusal(_("Thank you, but this question asks for something else.") + " " + expected)


def take_button(prompt: Prompt, value: str) -> Taken | None:
    """A button press for the active prompt; None for a value the prompt never offered (a forged button)."""
    if prompt.type == "choice":
        return Taken({"option": value}, value) if any(option.id == value for option in prompt.options) else None
    if prompt.type == "scale" and value in {"1", "2", "3", "4", "5"}:
        return Taken({"value": int(value)})
    return None
