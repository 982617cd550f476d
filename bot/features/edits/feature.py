"""Editing a text answer in Telegram updates the stored answer (the earlier text stays in its history).

Other edits (of a command, of a message that answered nothing) are ignored quietly: the participant did not ask
anything of the bot by making them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.engine import events
from bot.engine.features import BaseFeature
from bot.engine.outgoing import Record, Result
from bot.engine.prompts import Refusal, take_answer
from bot.i18n import Translator


@dataclass(frozen=True)
class EditContext:
    """The stored answer an edited message gave, if it answered anything."""

    answer: dict[str, Any] | None = None


if TYPE_CHECKING:
    from bot.engine.core import Engine


class EditsFeature(BaseFeature):
    name = "edits"

    def on_message(self, engine: Engine, result: Result, event: events.Event, t: Translator) -> bool:
        if not isinstance(event, events.Edit):
            return False
        found = result.context.get(self.name)
        stored = found.answer if isinstance(found, EditContext) else None
        if not stored or stored["answer_type"] != "text":
            return True  # nothing to update: stay quiet
        conversation = engine.library.rounds.get(stored["conversation"])
        prompt = conversation.prompt(stored["prompt_id"]) if conversation else None
        if prompt is None:
            return True
        if prompt.type != "text":
            # A text answer to a choice or scale prompt is a minority-voice answer: check it as free text.
            prompt = prompt.model_copy(update={"type": "text", "options": ()})
        taken = take_answer(prompt, events.Text(event.text), t, engine.config.max_text_length)
        if isinstance(taken, Refusal):
            result.say("🙏 " + t.gettext("I kept your earlier answer.") + " " + taken.message)
            return True
        # A Deep Democracy answer keeps the option it defends and its step (bot/engine/minority.py).
        kept = {key: stored["value"][key] for key in ("defends", "step") if key in (stored["value"] or {})}
        value = {**taken.value, **kept}
        if value == stored["value"]:
            return True
        result.records.append(Record("answer_edit", {"answer_id": stored["id"], "value": value}))
        result.say("✏️ " + t.gettext("I updated your answer."))
        return True
