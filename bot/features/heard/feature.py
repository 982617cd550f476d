""" "I heard…": a voice answer's transcript read back to the participant, to confirm, record again or type instead.

The transcript arrives later (a background job), as its own message with three buttons. What they confirm or type
is what the brief quotes; the recording stays. A plain engine feature: the buttons and the one message that
follows a button (a new recording, typed words) are handled here, and the changes are records written with the
event (`bot/store/heard.py`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from bot.callback_data import ButtonData, Heard, encode
from bot.engine import events
from bot.engine.features import BaseFeature
from bot.engine.outgoing import ButtonSpec, Outgoing, Record, Result
from bot.engine.prompts import MAX_DOWNLOAD, clean_text, visible
from bot.i18n import Translator, translator

if TYPE_CHECKING:
    from bot.engine.core import Engine

PREFIX = "heard"
MAX_SHOWN = 3000  # characters of a transcript read back: a message holds 4,096


@dataclass(frozen=True)
class HeardContext:
    """The answer a `heard:` button names, when it is theirs and has a transcript: a forged button changes nothing."""

    answer: int


def heard_message(language: str | None, answer_id: int, transcript: str) -> Outgoing:
    """The transcript in the participant's language, with what they can do about it."""
    t = translator(language or "nl")
    _ = t.gettext
    text = "🎧 " + _("I heard:") + "\n\n«" + transcript[:MAX_SHOWN] + "»\n\n" + _("Is that what you said?")
    buttons = (
        (ButtonSpec("✅ " + _("Yes, that's right"), encode(Heard("ok", answer_id))),),
        (ButtonSpec("🔁 " + _("Record it again"), encode(Heard("again", answer_id))),),
        (ButtonSpec("✏️ " + _("Type it instead"), encode(Heard("type", answer_id))),),
    )
    return Outgoing(text=text, buttons=buttons, kind="heard")


def _back_to_the_question(engine: Engine, result: Result, t: Translator, lead: str) -> None:
    """The transcript comes after the next question was sent: once it is settled, that question is shown again
    under the thanks, or someone who reads little is left at "thank you" with the question scrolled away."""
    if result.state.paused or engine.current_prompt(result.state) is None:
        result.say(lead)
        return
    engine.show_current(result, t, lead)


class HeardFeature(BaseFeature):
    name = PREFIX

    def buttons(self) -> Mapping[str, Any]:
        return {PREFIX: self.button}

    def button(self, engine: Engine, result: Result, button: ButtonData, t: Translator) -> None:
        if not isinstance(button, Heard) or result.context.get(PREFIX) != HeardContext(button.answer_id):
            result.refused = "a heard button for an answer that is not theirs or not transcribed"
            engine.stale(result, t)
            return
        action, answer_id = button.action, button.answer_id
        _ = t.gettext
        features = dict(result.state.features)
        features.pop(PREFIX, None)
        if action == "ok":
            result.records.append(Record("heard_confirm", {"answer_id": answer_id}))
            result.state = replace(result.state, features=features)
            _back_to_the_question(engine, result, t, "✅ " + _("Thank you! We keep your words as you said them."))
            return
        elif action == "again":
            features[PREFIX] = {"mode": "again", "answer": answer_id}
            result.say("🔁 " + _("Please record your answer again and send it."))
        else:
            features[PREFIX] = {"mode": "type", "answer": answer_id}
            result.say("✏️ " + _("Please type your answer and send it."))
        result.state = replace(result.state, features=features)

    def on_message(self, engine: Engine, result: Result, event: events.Event, t: Translator) -> bool:
        waiting = result.state.features.get(PREFIX)
        if not waiting:
            return False
        features = {key: value for key, value in result.state.features.items() if key != PREFIX}
        result.state = replace(result.state, features=features)  # one message is taken, whatever it is
        answer_id = waiting.get("answer")
        _ = t.gettext
        if waiting.get("mode") == "type" and isinstance(event, events.Text):
            text = clean_text(event.text)[: engine.config.max_text_length]
            if not visible(text):
                return False
            result.records.append(Record("heard_typed", {"answer_id": answer_id, "text": text}))
            _back_to_the_question(engine, result, t, "✅ " + _("Thank you, your words are saved."))
            return True
        if waiting.get("mode") == "again" and isinstance(event, events.Voice) and event.size <= MAX_DOWNLOAD:
            result.records.append(
                Record(
                    "heard_redo",
                    {"answer_id": answer_id, "voice": event.file_ref, "duration": event.duration, "kind": event.kind},
                )
            )
            result.say("✅ " + _("Thank you, I will listen to it again."))
            return True
        return False  # something else (a button's answer, a command): the round takes it as usual
