"""A pressed button: onboarding's, a prompt's answer or skip, or a feature's; a stale or forged one is refused
politely and changes nothing stored."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from bot.callback_data import Answer, Consent, Forget, Language, Role, Skip, decode
from bot.engine import multiselect, onboarding, pacing
from bot.engine.keyboards import role_names
from bot.engine.outgoing import Result
from bot.engine.prompts import take_button
from bot.engine.state import ROLES, Stage, answer_key
from bot.i18n import Translator

if TYPE_CHECKING:
    from bot.engine.view import EngineView as Engine


def pressed(engine: Engine, result: Result, data: str, t: Translator, now: datetime, hint: str | None) -> None:
    button = decode(data)
    state = result.state
    if isinstance(button, Language):
        onboarding.choose_language(engine, result, button.code, hint)
    elif isinstance(button, Consent) and state.stage == Stage.CONSENT:
        onboarding.consent(engine, result, button.agreed, t, now)
    elif isinstance(button, Role) and button.role in ROLES and state.stage in (Stage.ROLE, Stage.READY):
        first_time = state.stage == Stage.ROLE
        result.state = replace(state, role=button.role, stage=Stage.READY)
        if first_time:
            lead = "🙏 " + t.gettext("Thank you. Let's begin!")
            if not engine.feature_hook("on_ready", result, t, lead):  # e.g. the walk of their deep link
                engine.start_round(result, t, lead)
        else:  # an earlier role keyboard: they change what they told us, and see that it was taken
            role = role_names(t)[button.role]
            engine.show_current(result, t, "✅ " + t.format(t.gettext("Role: {role}"), role=role))
    elif isinstance(button, Forget):
        onboarding.confirm_forget(engine, result, button.confirmed, t)
    elif isinstance(button, Answer | Skip):
        answer(engine, result, button, t)
    elif button is not None and button.family in engine.feature_buttons and state.stage == Stage.READY:
        if not onboarding.consent_changed(engine, result, t):
            engine.feature_buttons[button.family](engine, result, button, t)
    elif isinstance(button, Consent | Role) or (button is not None and button.family in engine.feature_buttons):
        stale(engine, result, t)  # a button of an earlier step: outdated, not forged
    else:  # forged, corrupted, or a kind no feature takes
        result.refused = f"unknown button data ({len(data)} characters)"
        stale(engine, result, t)


def stale(engine: Engine, result: Result, t: Translator) -> None:
    """Tell the participant a button is outdated and show where they are now."""
    onboarding.repeat_step(engine, result, t)
    # The notice goes on the message sent now, not on a reminder scheduled for later.
    index = max(i for i, message in enumerate(result.messages) if not message.scheduled)
    shown = result.messages[index]
    result.messages[index] = replace(
        shown, text="⌛ " + t.gettext("That button is no longer in use.") + "\n\n" + shown.text
    )


def answer(engine: Engine, result: Result, button: Answer | Skip, t: Translator) -> None:
    """A prompt's option or its skip button: taken only for the prompt they have now, in an open round."""
    state = result.state
    conversation_id, prompt_id = button.conversation, button.prompt
    conversation = engine.library.rounds.get(conversation_id)
    prompt = conversation.prompt(prompt_id) if conversation else None
    if conversation is None or prompt is None:
        result.refused = "button for a prompt that does not exist"
        stale(engine, result, t)
        return
    if state.stage != Stage.READY:
        stale(engine, result, t)
        return
    if onboarding.consent_changed(engine, result, t):
        return
    waits = pacing.waiting_until(state, result.now) is not None  # not sent yet: not theirs to answer
    closed = engine.round_closed(conversation, result.now)  # a closed round takes no more answers
    if state.conversation != conversation_id or state.prompt != prompt_id or waits or closed:
        if answer_key(conversation_id, prompt_id) not in state.answered and state.conversation == conversation_id:
            result.refused = f"button for a prompt that is not active: {prompt_id}"
        stale(engine, result, t)
        return
    if isinstance(button, Skip):
        if not prompt.skippable:
            result.refused = f"skip of a required prompt {prompt_id}"
            stale(engine, result, t)
            return
        engine._store_and_advance(result, conversation, prompt, {}, None, t)
        return
    if prompt.multiple:
        multiselect.pressed(engine, result, conversation, prompt, button.value, t)
        return
    taken = take_button(prompt, button.value)
    if taken is None:
        result.refused = f"a value not offered by {prompt_id}"
        stale(engine, result, t)
        return
    engine._store_and_advance(result, conversation, prompt, taken.value, taken.option, t)
