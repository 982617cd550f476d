"""Participant commands (`/start`, `/language`, `/help`, `/forget`, `/pause`, `/resume`, `/mydata`, and the
features' own): each always works, whatever step of a conversation the participant is in."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from bot.engine import events, onboarding
from bot.engine.keyboards import language_rows
from bot.engine.notices import help_text
from bot.engine.outgoing import Result
from bot.engine.state import Stage
from bot.i18n import Translator, guess_language, translator

if TYPE_CHECKING:
    from bot.engine.view import EngineView as Engine

PARTICIPANT_COMMANDS = ("start", "language", "help", "mydata", "forget", "pause", "resume", "ideas")


def command(engine: Engine, result: Result, event: events.Command, t: Translator, hint: str | None) -> None:
    name = event.name.lower()
    state = result.state
    _ = t.gettext
    result.state = replace(state, pending=None)
    if name == "start":
        start(engine, result, event.args.strip(), t, hint)
    elif name == "language":
        result.say(_("Which language do you want to use?"), *language_rows(state.language))
    elif name == "help":
        result.say(help_text(t, engine.contact_for(result.state, t), engine.library))
    elif name == "forget":
        onboarding.ask_forget(result, t)
    elif name == "pause":
        result.state = replace(result.state, paused=True)
        result.say(
            "⏸ "
            + _(
                "Paused. I will not send you new questions or reminders until you send /resume. You can still answer the question you have."
            )
        )
    elif name == "resume":
        result.state = replace(result.state, paused=False)
        lead = "▶️ " + _("Welcome back!")
        if state.stage != Stage.READY:
            onboarding.repeat_step(engine, result, t)
        elif not engine.feature_hook("on_resume", result, t, lead):  # e.g. the card of the walk they are on
            engine.show_current(result, t, lead)
    elif name in engine.feature_commands:
        if state.stage == Stage.READY and state.consent_version == engine.config.consent_version:
            engine.feature_commands[name](engine, result, event, t)
        else:
            onboarding.repeat_step(engine, result, t)
    elif name == "mydata":
        # The dispatcher answers /mydata through `mydata` for someone stored; here nobody is (never started,
        # declined, or forgotten): say so, and keep no row of the asking either.
        result.keep_nothing = True
        result.say(_("We have nothing stored about you. Send /start if you want to take part."))
    else:
        result.say(
            _("Sorry, I don't know that command.")
            + "\n\n"
            + help_text(t, engine.contact_for(result.state, t), engine.library)
        )


def start(engine: Engine, result: Result, code: str, t: Translator, hint: str | None) -> None:
    if code and engine.feature_hook("on_start", result, code, t):
        return  # a deep link to a feature's thing (a walk) that the feature answered
    state = result.state
    community = code if code in engine.library.communities() else None
    if state.stage == Stage.LANGUAGE and state.id is None:
        if community:
            result.state = replace(state, community=community)
        guess = guess_language(hint) or engine.community_language(result.state.community)
        onboarding.ask_language(result, translator(guess or "en"), guess)
        return
    if community and community != state.community:
        result.state = replace(state, community=community, conversation=None, prompt=None)
        if state.stage == Stage.READY:
            engine.start_round(result, t)
            return
    if state.stage != Stage.READY:
        onboarding.repeat_step(engine, result, t)
    elif not onboarding.consent_changed(engine, result, t):  # a walk's join link waits until they agree again
        engine.show_current(result, t, "👋 " + t.gettext("Welcome back!"))
