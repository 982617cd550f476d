"""The shape of a conversation file, as organisers write it.

Every text is a map from language code to text (`{nl: ..., en: ...}`); the model only checks the shape, the
loader adds the checks that need the whole file (ids, references, label lengths, Dutch present).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

AnswerType = Literal["choice", "scale", "text", "voice", "photo", "location"]
ANSWER_TYPES: tuple[str, ...] = ("choice", "scale", "text", "voice", "photo", "location")
ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
Text = dict[str, str]

# Button data is `a:<conversation>:<prompt>:<option>` and Telegram allows 64 bytes, so ids stay short.
MAX_ID_LENGTH = 24


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _text_map(value: object) -> object:
    if isinstance(value, str):
        raise ValueError("a text must be a map of languages, e.g. {nl: ..., en: ...}")
    if isinstance(value, dict):
        for key, text in value.items():
            if (text is not None and not isinstance(text, str | int | float)) or isinstance(text, bool):
                raise ValueError(f"the {key!r} text must be text; put it in quotes")
        return {str(key): "" if text is None else str(text).strip() for key, text in value.items()}
    return value


class Option(Strict):
    id: str = Field(pattern=ID_PATTERN, max_length=MAX_ID_LENGTH)
    label: Text
    next: str | None = None  # jump to this prompt when chosen, instead of the following one

    _label = field_validator("label", mode="before")(_text_map)


class Prompt(Strict):
    id: str = Field(pattern=ID_PATTERN, max_length=MAX_ID_LENGTH)
    type: AnswerType
    text: Text
    theme: str | None = None
    options: tuple[Option, ...] = ()
    max_length: int | None = Field(default=None, ge=1, le=4000)
    optional: bool = False  # shows a "skip" button
    low: Text | None = None  # words under 1 on a scale
    high: Text | None = None  # words under 5 on a scale

    _texts = field_validator("text", "low", "high", mode="before")(_text_map)


class Reminders(Strict):
    """Reminders for an unanswered prompt: `count` of them, `after` apart (e.g. 2d, 12h)."""

    after: str = Field(default="2d", pattern=r"^(\d+[wdhm])+$")
    count: int = Field(default=1, ge=0, le=3)


class Round(Strict):
    """A Hapje!Klapje round: prompts between two meetings, answered one at a time."""

    id: str = Field(pattern=ID_PATTERN, max_length=MAX_ID_LENGTH)
    kind: Literal["round"]
    title: Text
    intro: Text | None = None
    closing: Text | None = None
    community: str = Field(default="default", pattern=r"^[A-Za-z0-9_-]{1,32}$")
    reminders: Reminders = Reminders()
    prompts: tuple[Prompt, ...] = Field(min_length=1)

    _texts = field_validator("title", "intro", "closing", mode="before")(_text_map)

    def prompt(self, prompt_id: str) -> Prompt | None:
        return next((prompt for prompt in self.prompts if prompt.id == prompt_id), None)

    def after(self, prompt_id: str, option_id: str | None = None) -> Prompt | None:
        """The prompt that follows an answer: the option's jump if it has one, else the next in order."""
        current = self.prompt(prompt_id)
        if current and option_id:
            option = next((opt for opt in current.options if opt.id == option_id), None)
            if option and option.next:
                return self.prompt(option.next)
        ids = [prompt.id for prompt in self.prompts]
        if prompt_id not in ids:
            return None
        position = ids.index(prompt_id) + 1
        return self.prompts[position] if position < len(self.prompts) else None
