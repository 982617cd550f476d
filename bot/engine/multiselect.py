"""Multiple choice: a choice prompt with `multiple: true` takes several options, at most `max_choices`.

Each press of an option button adds it (or, pressed again, takes it away) and shows what is chosen so far, with the
buttons marked ✅; the "done" button stores the choice as one answer (`{"options": [...]}`) and the round goes on.
Typing the numbers or labels, separated by commas ("1, 3"), answers at once. What is chosen so far lives in the
participant's feature state, so a restart between two presses loses nothing.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from babel.lists import format_list

from bot import callback_data
from bot.content.model import Prompt, Round
from bot.engine import events
from bot.engine.options import option_for_text
from bot.engine.outgoing import ButtonSpec, Result
from bot.i18n import Translator, pick

if TYPE_CHECKING:
    from bot.engine.view import EngineView as Engine

FEATURE = "multiselect"
DONE = callback_data.DONE  # no option id can start with "+"


def hint(prompt: Prompt, t: Translator) -> str:
    text = t.gettext("Tap one or more buttons, then “Done”.")
    if prompt.max_choices:
        text += " " + t.format(t.gettext("You can choose at most {count}."), count=prompt.max_choices)
    return text


def chosen(state_features: dict[str, Any], conversation: Round, prompt: Prompt) -> list[str]:
    mark = state_features.get(FEATURE) or {}
    if mark.get("conversation") != conversation.id or mark.get("prompt") != prompt.id:
        return []
    return [option for option in mark.get("chosen", []) if prompt.option_ids_contain(option)]


def _data(conversation: Round, prompt: Prompt, value: str) -> str:
    return callback_data.encode(callback_data.Answer(conversation.id, prompt.id, value))


def rows(conversation: Round, prompt: Prompt, t: Translator, picked: list[str]) -> tuple[tuple[ButtonSpec, ...], ...]:
    found: list[tuple[ButtonSpec, ...]] = []
    for option in prompt.options:
        mark = "✅ " if option.id in picked else ""
        found.append((ButtonSpec(mark + pick(option.label, t.language), _data(conversation, prompt, option.id)),))
    found.append((ButtonSpec("☑️ " + t.gettext("Done"), _data(conversation, prompt, DONE)),))
    if prompt.optional:
        found.append(
            (
                ButtonSpec(
                    "⏭ " + t.gettext("Skip this question"),
                    callback_data.encode(callback_data.Skip(conversation.id, prompt.id)),
                ),
            )
        )
    return tuple(found)


def spoken_list(items: list[str], t: Translator) -> str:
    """Options as the participant's language lists them: “Park, Markt en Bib”, “حديقة ومكتبة” (not a Latin comma)."""
    return format_list(items, style="standard", locale=t.locale) if items else ""


def _labels(prompt: Prompt, picked: list[str], t: Translator) -> str:
    labels = {option.id: pick(option.label, t.language) for option in prompt.options}
    return spoken_list([labels[option] for option in picked], t)


def _keep(result: Result, conversation: Round, prompt: Prompt, picked: list[str]) -> None:
    features = dict(result.state.features)
    features[FEATURE] = {"conversation": conversation.id, "prompt": prompt.id, "chosen": picked}
    result.state = replace(result.state, features=features)


def _store(
    engine: Engine, result: Result, conversation: Round, prompt: Prompt, picked: list[str], t: Translator
) -> None:
    features = {key: value for key, value in result.state.features.items() if key != FEATURE}
    result.state = replace(result.state, features=features)
    ordered = [option.id for option in prompt.options if option.id in picked]
    engine._store_and_advance(result, conversation, prompt, {"options": ordered}, None, t)


def pressed(engine: Engine, result: Result, conversation: Round, prompt: Prompt, value: str, t: Translator) -> None:
    """An option button (add or take away) or the done button of the active multiple-choice prompt."""
    picked = chosen(result.state.features, conversation, prompt)
    if value == DONE:
        if picked:
            _store(engine, result, conversation, prompt, picked, t)
        else:
            result.say("🙏 " + t.gettext("Choose at least one option first."), *rows(conversation, prompt, t, picked))
        return
    if not prompt.option_ids_contain(value):
        result.refused = f"a value not offered by {prompt.id}"
        engine.stale(result, t)
        return
    lead = ""
    if value in picked:
        picked = [option for option in picked if option != value]
    elif prompt.max_choices and len(picked) >= prompt.max_choices:
        lead = "🙏 " + t.format(t.gettext("You can choose at most {count}."), count=prompt.max_choices) + "\n"
    else:
        picked = [*picked, value]
    _keep(result, conversation, prompt, picked)
    text = t.format(t.gettext("Chosen: {options}"), options=_labels(prompt, picked, t)) if picked else ""
    result.say(lead + (text + "\n" if text else "") + hint(prompt, t), *rows(conversation, prompt, t, picked))


def typed(
    engine: Engine, result: Result, conversation: Round, prompt: Prompt, event: events.Event, t: Translator
) -> None:
    """Numbers or labels separated by commas answer at once; anything else is kindly refused."""

    if not isinstance(event, events.Text):
        text = t.gettext("Thank you, but this question asks for something else.") + " " + hint(prompt, t)
        picked = chosen(result.state.features, conversation, prompt)
        result.say("🙏 " + text, *rows(conversation, prompt, t, picked))
        return
    parts = [part for part in re.split(r"[,;\n،]+", event.text) if part.strip()]
    found = [option_for_text(prompt, part, t) for part in parts]
    picked = list(dict.fromkeys(option for option in found if option))
    if not parts or None in found:
        text = t.gettext("Thank you, but this question asks for something else.") + " " + hint(prompt, t)
        result.say("🙏 " + text, *rows(conversation, prompt, t, chosen(result.state.features, conversation, prompt)))
        return
    if prompt.max_choices and len(picked) > prompt.max_choices:
        text = t.format(t.gettext("You can choose at most {count}."), count=prompt.max_choices)
        result.say("🙏 " + text, *rows(conversation, prompt, t, []))
        return
    _store(engine, result, conversation, prompt, picked, t)
