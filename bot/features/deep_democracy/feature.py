"""The Deep Democracy steps a participant answers: the minority's view, what they would need to go along, and what
the majority can take from the minority's view.

Each step is tied to its own question: it is opened only by the button on the question's own message ("Answer this
question"). A text sent otherwise answers what is on the participant's screen (a round question, a walk card), never
the minority question: in rehearsals a reply to an invitation, or the next question's answer, was taken for one.
Answers are stored with `minority = 1`, the option they defend and the step (bot/engine/minority.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from bot.callback_data import ButtonData, Minority, decode, encode
from bot.content.model import Prompt
from bot.engine import events, pacing
from bot.engine.minority import Step, answer_value, open_step, with_step
from bot.engine.outgoing import ButtonSpec, NewAnswer, Record, Result
from bot.engine.prompts import clean_text, visible
from bot.i18n import Translator, pick
from bot.rtl import icon

if TYPE_CHECKING:
    from bot.engine.core import Engine


@dataclass(frozen=True)
class StepContext:
    """For a `minority:` button, loaded before the engine runs (`bot/features/followups/loader.py`)."""

    mark: str | None = None  # the participant's mark for the step's prompt ("asked", "answered", ...)
    chosen: str | None = None  # the participant's own answer to the prompt a step is about


def _step(result: Result) -> StepContext:
    found = result.context.get(pacing.FEATURE)
    step = getattr(found, "step", None)
    return step if isinstance(step, StepContext) else StepContext()


def answer_rows(
    t: Translator, action: Literal["open", "take"], conversation: str, prompt: str
) -> tuple[tuple[ButtonSpec, ...], ...]:
    """ "Answer this question" and "I'd rather not": ids only, so they fit Telegram's 64 bytes."""
    return (
        (ButtonSpec("🗣 " + t.gettext("Answer this question"), encode(Minority(action, conversation, prompt))),),
        (skip_row(t, conversation, prompt),),
    )


def skip_row(t: Translator, conversation: str, prompt: str) -> ButtonSpec:
    return ButtonSpec("⏭ " + t.gettext("I'd rather not"), encode(Minority("skip", conversation, prompt)))


def how_to(t: Translator) -> str:
    return icon(t, "ℹ️") + t.gettext(
        "Tap “Answer this question”, then type your answer or send a voice message. Your view will be shown next to "
        "the majority's."
    )


def need_question(t: Translator) -> str:
    return "🤝 " + t.gettext("What would you need to be able to go along with what most people chose?")


def majority_message(t: Translator, prompt: Prompt, voices: list[str]) -> str:
    lines = [
        "🫂 " + t.gettext("Some people see this question differently. This is what they said (without names):"),
        "",
        t.format(t.gettext("The question was: {question}"), question=pick(prompt.text, t.language)),
        "",
    ]
    lines += [f"💬 “{t.isolate(voice)}”" for voice in voices]
    lines += ["", "❓ " + t.gettext("What can you take from their view?"), "", how_to(t)]
    return "\n".join(lines)[:4000]


def _closed(engine: Engine, result: Result, t: Translator) -> None:
    back_to_round(engine, result, t, "👍 " + t.gettext("This question is closed. Thank you!"))


def button(engine: Engine, result: Result, button: ButtonData, t: Translator) -> None:
    """Open a step ("Answer this question"), or leave it ("I'd rather not")."""
    conversation = engine.library.rounds.get(button.conversation) if isinstance(button, Minority) else None
    prompt = conversation.prompt(button.prompt) if conversation and isinstance(button, Minority) else None
    if not isinstance(button, Minority) or prompt is None or conversation is None:
        result.refused = "a minority button for an unknown question"
        engine.stale(result, t)
        return
    action, conversation_id, prompt_id = button.action, button.conversation, button.prompt
    key = Step(conversation_id, prompt_id, None, "").key
    step = open_step(result.state)
    mark = _step(result).mark
    if action == "skip":
        if step is not None and step.key == key and step.step == "need":
            result.state = with_step(result.state, None)  # the second minority question: nothing to mark
        else:
            kind = "majority" if (step and step.step == "take") or mark == "majority-asked" else "minority"
            result.records.append(Record("followup_mark", {"kind": kind, "key": key, "state": "skipped"}))
            result.state = with_step(result.state, None)
        back_to_round(engine, result, t, "👍 " + t.gettext("That's fine."))
        return
    wanted = "asked" if action == "open" else "majority-asked"
    if mark != wanted:
        _closed(engine, result, t)  # answered, skipped, or never asked: a stale button
        return
    chosen = _step(result).chosen
    result.state = with_step(
        result.state, Step(conversation_id, prompt_id, chosen, "voice" if action == "open" else "take")
    )
    result.say(
        ("🫂 " if action == "open" else "❓ ")
        + t.format(t.gettext("The question was: {question}"), question=pick(prompt.text, t.language))
        + "\n\n✍️ "
        + t.gettext("Type your answer now, or send a voice message."),
        (skip_row(t, conversation_id, prompt_id),),
    )


def take_message(engine: Engine, result: Result, event: events.Event, t: Translator) -> bool:
    """A text or voice note for the step the participant opened with the question's own button."""
    if not isinstance(event, events.Text | events.Voice):
        return False
    step = open_step(result.state)
    if step is None:
        return False
    if isinstance(event, events.Voice):
        answer_type, value, ref = "voice", {"voice": event.file_ref, "duration": event.duration}, None
    else:
        text = clean_text(event.text)
        if not visible(text) or len(text) > engine.config.max_text_length:
            return False  # the round's own checks answer an empty or overlong text kindly
        answer_type, value, ref = "text", {"text": text}, event.ref
    result.answers.append(
        NewAnswer(step.conversation, step.prompt, answer_type, answer_value(step, value), minority=True, source_ref=ref)
    )
    conversation = engine.library.rounds.get(step.conversation)
    prompt = conversation.prompt(step.prompt) if conversation else None
    thanks = "🙏 " + t.gettext("Thank you. Your view will be heard at the meeting, next to what most people said.")
    if step.step == "voice":
        result.records.append(Record("followup_mark", {"kind": "minority", "key": step.key, "state": "answered"}))
        if prompt is not None and prompt.minority is not None and prompt.minority.cycle:
            result.state = with_step(result.state, Step(step.conversation, step.prompt, step.option, "need"))
            result.say(
                thanks
                + "\n\n"
                + need_question(t)
                + "\n\n✍️ "
                + t.gettext("Type your answer now, or send a voice message."),
                (skip_row(t, step.conversation, step.prompt),),
            )
            return True
    elif step.step == "take":
        result.records.append(Record("followup_mark", {"kind": "majority", "key": step.key, "state": "answered"}))
    result.state = with_step(result.state, None)
    back_to_round(engine, result, t, thanks)
    return True


def back_to_round(engine: Engine, result: Result, t: Translator, lead: str) -> None:
    """After a follow-up, show where the participant is in the round (without repeating a prompt's reminders)."""
    prompt = engine.current_prompt(result.state)
    if prompt is None or pacing.waiting_until(result.state, result.now) is not None:
        result.say(lead)
        return
    engine.show_current(result, t, lead + "\n\n" + t.gettext("Back to the questions:"))


def minority_question(t: Translator, prompt: Prompt, chosen_label: str) -> str:
    _ = t.gettext
    return "\n".join(
        [
            "🫂 " + _("Most people see this differently. What should the others understand about your view?"),
            "",
            t.format(_("The question was: {question}"), question=pick(prompt.text, t.language)),
            t.format(_("You answered: {answer}"), answer=chosen_label),
            "",
            how_to(t),
        ]
    )


def step_of(event: events.Event) -> tuple[str, str, str] | None:
    """For a `minority:` button: the step's key, and the conversation and prompt it is about."""
    button = decode(event.data) if isinstance(event, events.Button) else None
    if not isinstance(button, Minority):
        return None
    return Step(button.conversation, button.prompt, None, "").key, button.conversation, button.prompt
