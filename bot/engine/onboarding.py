"""Onboarding and leaving: the language, the consent text, the role, and `/forget`'s confirmation.

Nothing is stored as an answer before consent; a changed consent text is read again before the next answer.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from bot.content.consent import consent_audio
from bot.engine.keyboards import consent_rows, forget_rows, language_rows, role_rows
from bot.engine.notices import consent_text
from bot.engine.outgoing import Result
from bot.engine.state import Stage
from bot.i18n import LANGUAGES, Translator, available_languages, guess_language, translator

if TYPE_CHECKING:
    from bot.engine.view import EngineView as Engine


def ask_language(result: Result, t: Translator, guess: str | None) -> None:
    _ = t.gettext
    lines = ["👋 " + _("Welcome to Samenspraak! Here you can tell the city what you think, in your own language.")]
    lines.append(_("Which language do you want to use?"))
    if t.language != "nl":
        lines.append("Welke taal wil je gebruiken?")
    result.say("\n\n".join(lines), *language_rows(guess))


def ask_consent(engine: Engine, result: Result, t: Translator) -> None:
    result.state = replace(result.state, stage=Stage.CONSENT)
    text = consent_text(t, engine.contact_for(result.state, t), engine.config.retention_months)
    result.say(text, *consent_rows(t), data=consent_audio(engine.library, t.language))


def consent_changed(engine: Engine, result: Result, t: Translator) -> bool:
    """Whether they agreed to an older consent text; if so they are asked to read the new one, and nothing of
    what they just sent is taken."""
    if result.state.consent_version == engine.config.consent_version:
        return False
    result.say(t.gettext("Our consent text has changed. Please read it again before you answer."))
    ask_consent(engine, result, t)
    return True


def ask_role(result: Result, t: Translator) -> None:
    result.state = replace(result.state, stage=Stage.ROLE)
    result.say(t.gettext("Thank you! One more question: which fits you best?"), *role_rows(t))


def repeat_step(engine: Engine, result: Result, t: Translator) -> None:
    """Show again what the participant is in the middle of, so a stray message never leaves them stuck."""
    stage = result.state.stage
    if stage == Stage.LANGUAGE:
        ask_language(result, t, result.state.language)
    elif stage == Stage.CONSENT:
        ask_consent(engine, result, t)
    elif stage == Stage.ROLE:
        ask_role(result, t)
    else:
        engine.show_current(result, t)


def choose_language(engine: Engine, result: Result, code: str, hint: str | None) -> None:
    state = result.state
    if code not in available_languages():
        result.refused = "unknown language"
        ask_language(result, translator(state.language or "en"), state.language)
        return
    t = translator(code)
    result.state = replace(state, language=code, pending=None)
    first = len(result.messages)
    if state.stage == Stage.LANGUAGE:
        lead = t.format(t.gettext("Language: {language}"), language=LANGUAGES[code].name)
        ask_consent(engine, result, t)
    else:
        lead = "✅ " + t.format(
            t.gettext("From now on I will write to you in {language}."), language=LANGUAGES[code].name
        )
        repeat_step(engine, result, t)
    # One message, not two: the confirmation leads the next step. The chat's command menu follows the
    # language, unless it is the first choice and the language of their Telegram app (its menu is already set).
    menu = None if state.stage == Stage.LANGUAGE and code == guess_language(hint) else code
    shown = result.messages[first]
    result.messages[first] = replace(shown, text=lead + "\n\n" + shown.text, menu_language=menu)


def consent(engine: Engine, result: Result, agreed: bool, t: Translator, now: datetime) -> None:
    state = result.state
    _ = t.gettext
    if not agreed and state.consent_version is not None:
        # They agreed to an earlier text and decline the new one: nothing new is stored and nothing is sent
        # (paused, and asked again before any answer), but deleting what they gave stays their own /forget.
        result.state = replace(state, paused=True)
        result.say(
            _("Nothing was deleted.")
            + "\n/forget — "
            + _("delete everything about you")
            + "\n\n"
            + _("If you change your mind, send /start.")
        )
        return
    if not agreed:
        result.forget = True
        result.say(
            _("That's fine. We have not stored anything about you, and we will not write to you again.")
            + "\n\n"
            + _("If you change your mind, send /start."),
            kind="farewell",
        )
        return
    result.state = replace(state, consent_version=engine.config.consent_version, consent_at=now)
    if state.role is None:
        ask_role(result, t)
    else:  # agreed again to a changed text: what they came for (a walk's join link) goes first
        result.state = replace(result.state, stage=Stage.READY)
        lead = "✅ " + _("Thank you.")
        if not engine.feature_hook("on_ready", result, t, lead):
            engine.show_current(result, t, lead)


def ask_forget(result: Result, t: Translator) -> None:
    result.state = replace(result.state, pending="forget")
    result.say(
        "⚠️ "
        + t.gettext(
            "Do you want to delete everything we stored about you, including all your answers? This cannot be undone."
        ),
        *forget_rows(t),
    )


def confirm_forget(engine: Engine, result: Result, confirmed: bool, t: Translator) -> None:
    if result.state.pending != "forget":
        engine.stale(result, t)
        return
    if confirmed:
        result.forget = True
        result.say(
            "🗑 "
            + t.gettext(
                "Done: everything about you is deleted. Thank you for taking part. Send /start if you ever want to join again."
            ),
            kind="farewell",
        )
        return
    result.state = replace(result.state, pending=None)
    if result.state.stage == Stage.READY:
        engine.show_current(result, t, t.gettext("Nothing was deleted."))
    else:
        result.say(t.gettext("Nothing was deleted."))
