"""The shape of a conversation file, as organisers write it.

Every text is a map from language code to text (`{nl: ..., en: ...}`); the model only checks the shape, the
loader adds the checks that need the whole file (ids, references, label lengths, Dutch present).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from apscheduler.triggers.cron import CronTrigger
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bot import callback_data

AnswerType = Literal["choice", "scale", "text", "voice", "photo", "location"]
ANSWER_TYPES: tuple[str, ...] = ("choice", "scale", "text", "voice", "photo", "location")
ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
Text = dict[str, str]

# Button data is `a:<conversation>:<prompt>:<option>` and Telegram allows 64 bytes, so ids stay short.
MAX_ID_LENGTH = callback_data.MAX_ID_LENGTH


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


class Reminders(Strict):
    """Reminders for an unanswered prompt: `count` of them, `after` apart (e.g. 2d, 12h)."""

    after: str = Field(default="2d", pattern=r"^(\d+[wdhm])+$")
    count: int = Field(default=1, ge=0, le=3)


OFFSET_PATTERN = r"^(0|(\d+[wdhm])+)$"  # 0, 15m, 2d, 1w3d12h


def _cron_rule(value: object) -> object:
    if isinstance(value, str):
        try:
            CronTrigger.from_crontab(value)
        except ValueError as error:
            raise ValueError(f"not a cron rule ({error}); e.g. '0 10 * * mon' is Mondays at 10:00") from error
    return value


def _offset_text(value: object) -> object:
    """`after_answer: 0` reads as a number in YAML; every offset is text (0, 15m, 2d)."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


class Timing(Strict):
    """When a prompt is sent; exactly one way.

    `after_answer: 2d` waits after the previous answer (`0`: at once, the default); `after_joining: 1w` counts from
    the moment the participant joined the round; `at: 2026-12-07 10:00` is a fixed moment in the city's time zone;
    `cron: "0 10 * * mon"` sends it at the next moment the rule fires (APScheduler's CronTrigger), so every
    participant waiting for their next prompt gets it on that fire. Quiet hours still hold it back.
    """

    after_answer: str | None = Field(default=None, pattern=OFFSET_PATTERN)
    after_joining: str | None = Field(default=None, pattern=OFFSET_PATTERN)
    at: datetime | None = None
    cron: str | None = None

    _cron = field_validator("cron", mode="before")(_cron_rule)
    _offsets = field_validator("after_answer", "after_joining", mode="before")(_offset_text)

    @model_validator(mode="after")
    def _one_way(self) -> Timing:
        given = [name for name in ("after_answer", "after_joining", "at", "cron") if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of after_answer, after_joining, at, cron")
        return self

    @property
    def mode(self) -> str:
        return next(name for name in ("after_answer", "after_joining", "at", "cron") if getattr(self, name) is not None)


class Minority(Strict):
    """Deep Democracy's minority round: once `min_answers` answers are in, everyone whose option is held by fewer
    than `share` of them is asked once what the others should understand about their view.

    On a scale, `side` says which answers are the minority: `far` (default: the side of the median with fewer
    people), `low` or `high` of the median. `cycle: true` runs the whole cycle: the minority is also asked what they
    would need to go along, and `majority_after` the minority round began, the others are shown the minority's
    (moderated, anonymous) view and asked what they can take from it.
    """

    min_answers: int = Field(default=10, ge=2)
    share: float = Field(default=0.25, gt=0, lt=1)
    side: Literal["far", "low", "high"] | None = None
    cycle: bool = False
    majority_after: str = Field(default="2d", pattern=r"^(\d+[wdhm])+$")


class Option(Strict):
    id: str = Field(pattern=ID_PATTERN, max_length=MAX_ID_LENGTH)
    label: Text
    next: str | None = None  # jump to this prompt when chosen, instead of the following one

    _label = field_validator("label", mode="before")(_text_map)


Role = Literal["resident", "newcomer", "volunteer", "unsaid"]


def _roles_out_of_when(value: object) -> object:
    """`when: {role: [newcomer]}` asks a prompt of some roles only; the role part is not a moment, so it moves to
    `roles` and what is left of `when` (if anything) is the prompt's timing."""
    if isinstance(value, dict) and isinstance(value.get("when"), dict) and "role" in value["when"]:
        when = {key: item for key, item in value["when"].items() if key != "role"}
        roles = value["when"]["role"]
        value = {key: item for key, item in value.items() if key != "when"}
        value["roles"] = [roles] if isinstance(roles, str) else roles
        if when:
            value["when"] = when
    return value


class Prompt(Strict):
    id: str = Field(pattern=ID_PATTERN, max_length=MAX_ID_LENGTH)
    type: AnswerType
    text: Text
    theme: str | None = None
    options: tuple[Option, ...] = ()
    max_length: int | None = Field(default=None, ge=1, le=4000)
    optional: bool = False  # kept for older content: every prompt can be skipped unless `required`
    required: bool = False  # no skip button: only for what a round cannot do without
    # What else it takes besides its own type: a voice prompt takes typed text and a text prompt a voice note,
    # unless this lists only some (`accept: [voice]`).
    accept: tuple[AnswerType, ...] | None = None
    confirm: bool = True  # a voice answer's transcript is read back ("I heard...") for the participant to confirm
    low: Text | None = None  # words under 1 on a scale
    high: Text | None = None  # words under 5 on a scale
    when: Timing | None = None  # when it is sent; default: the round's pacing, else right after the previous answer
    minority: Minority | None = None  # the minority-voice follow-up (choice and scale prompts)
    # A recorded reading per language (OGG/Opus files beside the conversation), sent as a voice note with the
    # text, for people who read little.
    audio: dict[str, str] | None = None
    roles: tuple[Role, ...] | None = None  # asked only of these roles (written `when: {role: [newcomer]}`)
    multiple: bool = False  # a choice prompt where several options may be chosen, closed with a "done" button
    max_choices: int | None = Field(default=None, ge=1)  # at most this many options of a multiple choice

    _texts = field_validator("text", "low", "high", mode="before")(_text_map)

    @model_validator(mode="before")
    @classmethod
    def _roles(cls, value: object) -> object:
        return _roles_out_of_when(value)

    def option_ids_contain(self, option_id: str) -> bool:
        return any(option.id == option_id for option in self.options)

    def asked_of(self, role: str | None) -> bool:
        """Whether a participant with this role gets the prompt (someone without a role yet gets every prompt)."""
        return self.roles is None or role is None or role in self.roles

    @model_validator(mode="after")
    def _answer_ways(self) -> Prompt:
        if self.required and self.optional:
            raise ValueError("a prompt is either `required: true` or `optional: true`, not both")
        if self.accept is not None and self.type not in ("voice", "text"):
            raise ValueError("`accept` is for voice and text prompts: they may take each other's answers")
        if self.accept is not None and not set(self.accept) <= {"voice", "text"}:
            raise ValueError("`accept` lists voice and/or text, e.g. `accept: [voice]`")
        return self

    @property
    def skippable(self) -> bool:
        return not self.required

    def takes(self, kind: str) -> bool:
        """Whether an answer of this kind fits: its own type, or the other of voice and text."""
        if self.accept is not None:
            return kind in self.accept or kind == self.type
        return kind == self.type or (kind in ("voice", "text") and self.type in ("voice", "text"))


COMMUNITY_PATTERN = r"^[A-Za-z0-9_-]{1,32}$"  # a deep link's /start CODE


class Conversation(Strict):
    """What a round and a walk both have: an id, the community it is for, and a title, intro and closing."""

    id: str = Field(pattern=ID_PATTERN, max_length=MAX_ID_LENGTH)
    title: Text
    intro: Text | None = None
    closing: Text | None = None
    community: str = Field(default="default", pattern=COMMUNITY_PATTERN)

    _conversation_texts = field_validator("title", "intro", "closing", mode="before")(_text_map)


class Round(Conversation):
    """A Hapje!Klapje round: prompts between two meetings, answered one at a time."""

    kind: Literal["round"]
    reminders: Reminders = Reminders()
    pacing: Timing | None = None  # how every prompt after the first is timed, unless the prompt says `when`
    prompts: tuple[Prompt, ...] = Field(min_length=1)
    # Rounds in sequence (bot/content/sequence.py): open from `opens` (city time), or once the round `after` closed;
    # closed from `closes`. A round with none of them is open all the time.
    opens: datetime | None = None
    closes: datetime | None = None
    follows: str | None = Field(default=None, alias="after", pattern=ID_PATTERN)  # written `after: <round id>`
    results: bool = True  # when it closes, participants get the results back (bot/features/results/feature.py)

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
