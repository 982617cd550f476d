"""Deep Democracy in the engine: who holds the minority view, and the minority question as a step of its own.

Pure: the follow-up service (bot/features/followups/service.py) and the meeting brief ask `minority_keys` who is on the
minority side, so the people asked and the people shown as the minority are the same. A participant's open step
(the minority question, "what would you need to go along", "what can you take from it") lives in their state, so
a text sent while a round question is on screen is never taken as a minority answer by mistake: the step is opened
by its own button, or by being the last thing the participant was asked.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from bot.content.model import Prompt
from bot.engine.state import ParticipantState

DEFAULT_SHARE = 0.25  # a prompt without `minority:` settings: fewer than a quarter is the minority side
STEP = "minority_step"  # the open step's key in ParticipantState.features
STEPS = ("voice", "need", "take")  # the minority's view, what they would need, what the majority takes from it


def share_of(prompt: Prompt) -> float:
    return prompt.minority.share if prompt.minority is not None else DEFAULT_SHARE


def _median(counts: Mapping[int, int]) -> float:
    total = sum(counts.values())
    seen = 0
    values = sorted(value for value, count in counts.items() if count)
    lower = upper = None
    for value in values:
        seen += counts[value]
        if lower is None and seen * 2 >= total:
            lower = value
        if seen * 2 > total:
            upper = value
            break
    assert lower is not None and upper is not None
    return (lower + upper) / 2 if total % 2 == 0 else float(upper)


def minority_keys(prompt: Prompt, counts: Mapping[str, int]) -> set[str]:
    """The answers (option ids, or scale values as text) on the minority side of a choice or scale prompt.

    A choice: each option fewer than the content's `share` chose. A scale: the side the content names (`low` or
    `high` of the median, or `far`: the side of the median with fewer people), when that side as a whole holds
    fewer than `share`; a scale is a line, so one side is the minority, not each number that few chose.
    """
    total = sum(counts.values())
    if not total or prompt.type not in ("choice", "scale"):
        return set()
    share = share_of(prompt)
    if prompt.type == "choice":
        return {key for key, count in counts.items() if 0 < count / total < share}
    numbers = {int(key): count for key, count in counts.items() if str(key).lstrip("-").isdigit()}
    if not numbers:
        return set()
    median = _median(numbers)
    below = {value for value in numbers if value < median}
    above = {value for value in numbers if value > median}
    side = (prompt.minority.side if prompt.minority is not None else None) or "far"
    if side == "low":
        chosen = below
    elif side == "high":
        chosen = above
    else:
        below_count, above_count = sum(numbers[v] for v in below), sum(numbers[v] for v in above)
        if below_count == above_count:
            return set()  # evenly split around the middle: no side is the minority
        chosen = below if below_count < above_count else above
    held = sum(numbers[value] for value in chosen)
    if not held or held / total >= share:
        return set()
    return {str(value) for value in chosen}


@dataclass(frozen=True)
class Step:
    """An open Deep Democracy question: which round question, the option it is about, and which step."""

    conversation: str
    prompt: str
    option: str | None
    step: str

    @property
    def key(self) -> str:
        return f"{self.conversation}:{self.prompt}"


def open_step(state: ParticipantState) -> Step | None:
    value = state.features.get(STEP)
    if not isinstance(value, dict) or value.get("step") not in STEPS:
        return None
    return Step(str(value.get("c")), str(value.get("p")), value.get("o"), str(value["step"]))


def with_step(state: ParticipantState, step: Step | None) -> ParticipantState:
    features = dict(state.features)
    if step is None:
        features.pop(STEP, None)
    else:
        features[STEP] = {"c": step.conversation, "p": step.prompt, "o": step.option, "step": step.step}
    return replace(state, features=features)


def answer_value(step: Step, value: dict[str, Any]) -> dict[str, Any]:
    """The stored value of a Deep Democracy answer: what was said, the option it defends, and which step."""
    found = dict(value)
    if step.option is not None:
        found["defends"] = step.option
    if step.step != "voice":
        found["step"] = step.step
    return found
