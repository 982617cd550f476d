"""Buttons the engine offers, and the compact data they carry back (ids only: Telegram allows 64 bytes)."""

from __future__ import annotations

from bot.callback_data import Answer, Consent, Forget, Language, Role, Skip, encode
from bot.content.model import Prompt, Round
from bot.engine.outgoing import ButtonSpec
from bot.i18n import LANGUAGES, Translator, available_languages, pick

Row = tuple[ButtonSpec, ...]

SCALE_FACES = {1: "😞", 2: "🙁", 3: "😐", 4: "🙂", 5: "😀"}


def language_rows(first: str | None) -> tuple[Row, ...]:
    """Every language we speak, the guessed one first, two to a row so eleven fit on one screen."""
    codes = list(available_languages())
    if first in codes:
        codes.remove(first)
        codes.insert(0, first)
    buttons = [ButtonSpec(LANGUAGES[code].name, encode(Language(code))) for code in codes]
    return tuple(tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2))


def consent_rows(t: Translator) -> tuple[Row, ...]:
    _ = t.gettext
    return (
        (ButtonSpec("✅ " + _("I agree"), encode(Consent(agreed=True))),),
        (ButtonSpec(_("No, thank you"), encode(Consent(agreed=False))),),
    )


def role_names(t: Translator) -> dict[str, str]:
    _ = t.gettext
    return {
        "resident": _("I live here"),
        "newcomer": _("I am new in the city"),
        "volunteer": _("I am a volunteer"),
        "unsaid": _("I'd rather not say"),
    }


def role_rows(t: Translator) -> tuple[Row, ...]:
    return tuple((ButtonSpec(label, encode(Role(role))),) for role, label in role_names(t).items())


def forget_rows(t: Translator) -> tuple[Row, ...]:
    _ = t.gettext
    return (
        (ButtonSpec("🗑 " + _("Yes, delete everything"), encode(Forget(confirmed=True))),),
        (ButtonSpec(_("No, keep my answers"), encode(Forget(confirmed=False))),),
    )


def prompt_rows(conversation: Round, prompt: Prompt, t: Translator) -> tuple[Row, ...]:
    rows: list[Row] = []
    if prompt.multiple:
        from bot.engine.multiselect import rows as multiple_rows

        return multiple_rows(conversation, prompt, t, [])
    if prompt.type == "choice":
        rows.extend(
            (ButtonSpec(pick(option.label, t.language), encode(Answer(conversation.id, prompt.id, option.id))),)
            for option in prompt.options
        )
    elif prompt.type == "scale":
        faces = [
            ButtonSpec(f"{SCALE_FACES[value]} {value}", encode(Answer(conversation.id, prompt.id, str(value))))
            for value in range(1, 6)
        ]
        # Right-to-left readers expect the scale to start on the right; Telegram lays rows out left to right.
        rows.append(tuple(reversed(faces)) if t.rtl else tuple(faces))
    if prompt.skippable:
        rows.append((ButtonSpec("⏭ " + t.gettext("Skip this question"), encode(Skip(conversation.id, prompt.id))),))
    return tuple(rows)
