"""Button data, typed: one frozen dataclass per kind of button, encoded to and decoded from Telegram's
`callback_data` here and nowhere else.

Telegram hands back whatever string the client sends, so a forged or corrupted button (a wrong number of fields,
`²` or 10**30 where an id goes, a kind we never made, more than 64 bytes) must be refused in one place rather
than raise deep in a handler or reach the database: `decode` returns None for anything `encode` could not have
written, and the participant gets the polite "that button is no longer in use".

The wire format is the one buttons have always carried (`a:<round>:<prompt>:<option>`, `walk:next:<walk>:<stop>`,
...), so buttons already on people's screens from before this module keep working. Pure: no store, no Telegram.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar, Literal, TypeAlias

MAX_BYTES = 64  # Telegram's limit for callback_data
MAX_ID_LENGTH = 24  # content ids (rounds, prompts, options, walks, stops, meetings): bot/content/model.py
DONE = "+done"  # the "Done" button of a multiple-choice prompt; no option id can start with "+"


@dataclass(frozen=True)
class _Part:
    """How one field is written: the pattern it must match whole, and the value it reads as."""

    pattern: re.Pattern[str]
    load: Callable[[str], Any] = str
    dump: Callable[[Any], str] = str


def _part(pattern: str, load: Callable[[str], Any] = str, dump: Callable[[Any], str] = str) -> Any:
    return field(metadata={"part": _Part(re.compile(pattern), load, dump)})


_ID = rf"[a-z0-9][a-z0-9_-]{{0,{MAX_ID_LENGTH - 1}}}"  # bot/content/model.py ID_PATTERN, MAX_ID_LENGTH


def _content_id() -> Any:
    return _part(_ID)


def _row_id() -> Any:
    """A database row id: plain ASCII digits, no leading zero, below SQLite's largest integer (2**63 - 1)."""
    return _part(r"[1-9][0-9]{0,17}", int)


def _small_number(*, before_first: bool = False) -> Any:
    """A stop or question number; a group walk is at stop -1 before its first."""
    return _part(("-1|" if before_first else "") + r"0|[1-9][0-9]{0,3}", int)


def _word(*words: str) -> Any:
    return _part("|".join(re.escape(word) for word in words))


def _yes_no(yes: str = "yes", no: str = "no") -> Any:
    return _part(f"{yes}|{no}", lambda text: text == yes, lambda value: yes if value else no)


class _Kind:
    """What every kind of button has: the prefix its data starts with, and the feature that takes it (the first
    segment of the prefix, the key of `Feature.buttons()`)."""

    PREFIX: ClassVar[str]

    @property
    def family(self) -> str:
        return self.PREFIX.partition(":")[0]


# -- onboarding and leaving ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Language(_Kind):
    PREFIX: ClassVar[str] = "lang"
    code: str = _part(r"[a-z]{2,3}")


@dataclass(frozen=True)
class Consent(_Kind):
    PREFIX: ClassVar[str] = "consent"
    agreed: bool = _yes_no()


@dataclass(frozen=True)
class Role(_Kind):
    PREFIX: ClassVar[str] = "role"
    role: str = _part(r"[a-z]{1,20}")


@dataclass(frozen=True)
class Forget(_Kind):
    PREFIX: ClassVar[str] = "forget"
    confirmed: bool = _yes_no()


# -- a round's prompts -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Answer(_Kind):
    """An option of a choice prompt, a point of a scale (`1`..`5`), or `DONE` of a multiple choice."""

    PREFIX: ClassVar[str] = "a"
    conversation: str = _content_id()
    prompt: str = _content_id()
    value: str = _part(rf"{_ID}|{re.escape(DONE)}")


@dataclass(frozen=True)
class Skip(_Kind):
    PREFIX: ClassVar[str] = "skip"
    conversation: str = _content_id()
    prompt: str = _content_id()


@dataclass(frozen=True)
class Minority(_Kind):
    """Deep Democracy: open the minority question, take the majority's view, or skip (bot/followups/)."""

    PREFIX: ClassVar[str] = "minority"
    action: Literal["open", "take", "skip"] = _word("open", "take", "skip")
    conversation: str = _content_id()
    prompt: str = _content_id()


@dataclass(frozen=True)
class Results(_Kind):
    PREFIX: ClassVar[str] = "results"
    on: bool = _yes_no("on", "off")


@dataclass(frozen=True)
class Rsvp(_Kind):
    PREFIX: ClassVar[str] = "rsvp"
    meeting: str = _content_id()
    answer: Literal["yes", "maybe", "no"] = _word("yes", "maybe", "no")


@dataclass(frozen=True)
class Heard(_Kind):
    """Under a voice answer's transcript: it is right, record it again, or type it instead (bot/media/heard.py)."""

    PREFIX: ClassVar[str] = "heard"
    action: Literal["ok", "again", "type"] = _word("ok", "again", "type")
    answer_id: int = _row_id()


# -- walks -------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class WalkGo(_Kind):
    PREFIX: ClassVar[str] = "walk:go"
    walk: str = _content_id()


@dataclass(frozen=True)
class WalkLead(_Kind):
    PREFIX: ClassVar[str] = "walk:lead"
    walk: str = _content_id()


@dataclass(frozen=True)
class WalkList(_Kind):
    PREFIX: ClassVar[str] = "walk:list"


@dataclass(frozen=True)
class WalkNext(_Kind):
    PREFIX: ClassVar[str] = "walk:next"
    walk: str = _content_id()
    stop: str = _content_id()


@dataclass(frozen=True)
class WalkEnd(_Kind):
    PREFIX: ClassVar[str] = "walk:end"
    walk: str = _content_id()


@dataclass(frozen=True)
class ReflectionSkip(_Kind):
    PREFIX: ClassVar[str] = "walk:rskip"
    number: int = _small_number()


_GROUP = r"[a-z0-9][a-z0-9_-]{0,31}"  # `wg-` and random hex (bot/engine/walk_cards.py new_group_code)


@dataclass(frozen=True)
class GroupJoin(_Kind):
    PREFIX: ClassVar[str] = "wg:j"
    code: str = _part(_GROUP)


@dataclass(frozen=True)
class GroupNext(_Kind):
    """The volunteer moves the group on; `stop` is the one the group is at, so a second press is stale."""

    PREFIX: ClassVar[str] = "wg:n"
    code: str = _part(_GROUP)
    stop: int = _small_number(before_first=True)


@dataclass(frozen=True)
class GroupStatus(_Kind):
    PREFIX: ClassVar[str] = "wg:s"
    code: str = _part(_GROUP)


@dataclass(frozen=True)
class GroupEnd(_Kind):
    PREFIX: ClassVar[str] = "wg:e"
    code: str = _part(_GROUP)


@dataclass(frozen=True)
class WalkDate(_Kind):
    """A group walk on a date: a volunteer leads it, a newcomer comes or not (bot/organise/walk_signup.py)."""

    PREFIX: ClassVar[str] = "wd"
    action: Literal["lead", "yes", "maybe", "no"] = _word("lead", "yes", "maybe", "no")
    walk_date: int = _row_id()


# -- organisers --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Organiser(_Kind):
    """An organiser's button (bot/organise/commands.py): the registered action, and ids, keys or words after it.
    `rest` is read by the action's handler (`bot.organise.parse.record_id` for a row id)."""

    PREFIX: ClassVar[str] = "org"
    action: str = _part(r"[a-z0-9\-]{1,30}")
    rest: str = _part(r"[A-Za-z0-9_.:\-]{0,60}")


GroupButton: TypeAlias = GroupJoin | GroupNext | GroupStatus | GroupEnd
WalkButton: TypeAlias = WalkGo | WalkLead | WalkList | WalkNext | WalkEnd | ReflectionSkip
ButtonData: TypeAlias = (
    Language
    | Consent
    | Role
    | Forget
    | Answer
    | Skip
    | Minority
    | Results
    | Rsvp
    | Heard
    | WalkButton
    | GroupButton
    | WalkDate
    | Organiser
)
KINDS: tuple[type[ButtonData], ...] = (
    Language,
    Consent,
    Role,
    Forget,
    Answer,
    Skip,
    Minority,
    Results,
    Rsvp,
    Heard,
    WalkGo,
    WalkLead,
    WalkList,
    WalkNext,
    WalkEnd,
    ReflectionSkip,
    GroupJoin,
    GroupNext,
    GroupStatus,
    GroupEnd,
    WalkDate,
    Organiser,
)
_BY_PREFIX: dict[str, type[ButtonData]] = {kind.PREFIX: kind for kind in KINDS}
_PREFIX = re.compile(r"([a-z]+)(?::([a-z]+))?")


def _parts(kind: type[ButtonData]) -> list[tuple[str, _Part]]:
    return [(each.name, each.metadata["part"]) for each in fields(kind)]


def encode(value: ButtonData) -> str:
    """The callback_data of a button. ValueError when a field is not one the format allows (an id with a `:`, a
    negative row id) or the whole is over 64 bytes: content checks keep content ids short (bot/content/)."""
    written = [value.PREFIX]
    for name, part in _parts(type(value)):
        text = part.dump(getattr(value, name))
        if not part.pattern.fullmatch(text):
            raise ValueError(f"{type(value).__name__}.{name} cannot be written in a button: {text[:70]!r}")
        written.append(text)
    data = ":".join(written)
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"button data over {MAX_BYTES} bytes: {data[:70]!r}")
    return data


def fits(value: ButtonData) -> bool:
    """Whether `encode` can write it: for content checks, which report rather than raise."""
    try:
        encode(value)
    except ValueError:
        return False
    return True


def decode(data: object) -> ButtonData | None:
    """The button `data` names, or None for anything `encode` did not make (forged, corrupted, from a kind this
    version does not know). Never raises."""
    if not isinstance(data, str) or len(data) > MAX_BYTES or not data.isascii():
        return None  # every field is ASCII, so characters and bytes are the same here
    head = _PREFIX.match(data)
    if head is None:
        return None
    kind = _BY_PREFIX.get(head.group(0)) or _BY_PREFIX.get(head.group(1))
    if kind is None:
        return None
    parts = _parts(kind)
    rest = data[len(kind.PREFIX) :]
    if not parts:
        return kind() if rest == "" else None
    if not rest.startswith(":"):
        return None
    texts = rest[1:].split(":", len(parts) - 1)
    if len(texts) != len(parts):
        return None
    values: dict[str, Any] = {}
    for (name, part), text in zip(parts, texts, strict=True):
        if not part.pattern.fullmatch(text):
            return None
        values[name] = part.load(text)
    return kind(**values)


__all__ = [
    "DONE",
    "KINDS",
    "MAX_BYTES",
    "Answer",
    "ButtonData",
    "Consent",
    "Forget",
    "GroupButton",
    "GroupEnd",
    "GroupJoin",
    "GroupNext",
    "GroupStatus",
    "Heard",
    "Language",
    "Minority",
    "Organiser",
    "ReflectionSkip",
    "Results",
    "Role",
    "Rsvp",
    "Skip",
    "WalkButton",
    "WalkDate",
    "WalkEnd",
    "WalkGo",
    "WalkLead",
    "WalkList",
    "WalkNext",
    "decode",
    "encode",
    "fits",
]
