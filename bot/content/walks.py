"""The `walk` kind: a dialogue walk through the city, stop by stop, each stop with a conversation card.

In civic-orientation classes newcomers walk through the city with a volunteer; at each stop a card (a picture and
a question about daily life) starts a talk. The card shows the Dutch text beside the participant's language, so
the walk also helps with learning Dutch. Pictures are files shipped beside the conversation file, with no text
drawn into them (text in a picture cannot be translated).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator

from bot.callback_data import WalkNext, fits
from bot.content.checker import REQUIRED_LANGUAGE, FileChecker, Loc, TextList
from bot.content.model import ID_PATTERN, MAX_ID_LENGTH, Conversation, Strict, Text, _text_map
from bot.content.rounds import check_recording

# A radius below this is smaller than a phone's GPS error in a street; above it the card comes long before the place.
MIN_RADIUS = 10
MAX_RADIUS = 1000
DEFAULT_RADIUS = 50
PICTURE_TYPES = (".png", ".jpg", ".jpeg")
MAX_PICTURE_BYTES = 10 * 1024 * 1024  # Telegram's limit for a photo
LARGE_PICTURE_BYTES = 1024 * 1024  # slow on a prepaid data plan: worth a warning
# The longest button data a walk makes: `walk:next:<walk>:<stop>`.


class Place(Strict):
    """Where a stop is: the card comes by itself when a participant sharing their location gets within `radius`."""

    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    radius: int = DEFAULT_RADIUS  # metres; checked by `check_walk` so the message can say what range is allowed


class Card(Strict):
    picture: str  # a file path relative to the conversation file, e.g. pictures/stadhuis.png
    question: Text
    second_question: Text | None = None
    # For people learning Dutch or reading little: the question in easy Dutch (level A1) with its key words beside
    # the fuller question, and a recorded reading per language (OGG/Opus beside the conversation file).
    easy_dutch: str | None = Field(default=None, max_length=200)
    key_words: tuple[str, ...] = ()
    audio: dict[str, str] | None = None

    _texts = field_validator("question", "second_question", mode="before")(_text_map)


class Stop(Strict):
    id: str = Field(pattern=ID_PATTERN, max_length=MAX_ID_LENGTH)
    name: Text
    card: Card
    location: Place | None = None

    _texts = field_validator("name", mode="before")(_text_map)


class Walk(Conversation):
    """A dialogue walk: ordered stops, reflection prompts for the end, and a follow-up a week later."""

    kind: Literal["walk"]
    # A few words for buttons that join a text with the title ("Lead a group: Centre"): a button shows about 30
    # characters on a phone, so a long title is cut off mid-word.
    short_title: Text | None = None
    stops: tuple[Stop, ...] = Field(min_length=1)
    reflection: tuple[Text, ...] = ()
    follow_up: Text | None = None  # a week after the walk; a built-in question when not given
    follow_up_after: str = Field(default="7d", pattern=r"^(\d+[wdhm])+$")

    _texts = field_validator("follow_up", "short_title", mode="before")(_text_map)

    @field_validator("reflection", mode="before")
    @classmethod
    def _reflection_texts(cls, value: object) -> object:
        if isinstance(value, list | tuple):
            return [_text_map(item) for item in value]
        return value

    def stop_index(self, stop_id: str) -> int | None:
        return next((index for index, stop in enumerate(self.stops) if stop.id == stop_id), None)

    def prompt_text(self, prompt_id: str) -> Text | None:
        """The question an answer of this walk replied to, by the prompt id it is stored with: a stop's id (its
        first question), `reflection-N`, or `follow-up` (for exports and briefs)."""
        stop = next((stop for stop in self.stops if stop.id == prompt_id), None)
        if stop is not None:
            return stop.card.question
        if prompt_id.startswith("reflection-") and prompt_id.removeprefix("reflection-").isdecimal():
            number = int(prompt_id.removeprefix("reflection-"))
            return self.reflection[number - 1] if 1 <= number <= len(self.reflection) else None
        if prompt_id == "follow-up":
            return self.follow_up
        return None


def walk_texts(walk: Walk) -> TextList:
    found: TextList = [(("title",), walk.title)]
    for name in ("short_title", "intro", "closing", "follow_up"):
        value = getattr(walk, name)
        if value is not None:
            found.append(((name,), value))
    for index, stop in enumerate(walk.stops):
        found.append((("stops", index, "name"), stop.name))
        found.append((("stops", index, "card", "question"), stop.card.question))
        if stop.card.second_question is not None:
            found.append((("stops", index, "card", "second_question"), stop.card.second_question))
    for index, text in enumerate(walk.reflection):
        found.append((("reflection", index), text))
    return found


def picture_path(conversation_file: Path, picture: str) -> Path:
    return conversation_file.parent / picture


def check_walk(checker: FileChecker, walk: Walk) -> None:
    stop_ids = [stop.id for stop in walk.stops]
    folder = checker.path.parent.resolve()
    for index, stop in enumerate(walk.stops):
        here: Loc = ("stops", index)
        if stop_ids.index(stop.id) != index:
            checker.problem((*here, "id"), f"duplicate stop id {stop.id!r}")
        if not fits(WalkNext(walk.id, stop.id)):
            checker.problem((*here, "id"), "walk and stop ids together are too long for a button")
        if not stop.card.question.get(REQUIRED_LANGUAGE):
            checker.problem(
                (*here, "card", "question"), f"stop {stop.id!r} has no Dutch ({REQUIRED_LANGUAGE}) question"
            )
        _check_picture(checker, (*here, "card", "picture"), stop.card.picture, folder)
        for language, recording in (stop.card.audio or {}).items():
            check_recording(checker, (*here, "card", "audio", language), recording)
        if stop.card.key_words and not stop.card.easy_dutch:
            checker.problem((*here, "card", "key_words"), "key words go with an easy_dutch line", "warning")
        if stop.location is not None and not MIN_RADIUS <= stop.location.radius <= MAX_RADIUS:
            checker.problem(
                (*here, "location", "radius"),
                f"radius {stop.location.radius} m of stop {stop.id!r} is out of range: use {MIN_RADIUS} to "
                f"{MAX_RADIUS} m",
            )
    for loc, text in walk_texts(walk):
        if loc[-1] == "question":
            continue  # reported above, in words that name the stop
        if not text.get(REQUIRED_LANGUAGE):
            checker.problem(loc, f"missing Dutch ({REQUIRED_LANGUAGE}) text")


def _check_picture(checker: FileChecker, loc: Loc, picture: str, folder: Path) -> None:
    relative = Path(picture)
    if relative.is_absolute() or ".." in relative.parts:
        checker.problem(loc, f"picture {picture!r} must be a path inside the conversations folder")
        return
    if relative.suffix.lower() not in PICTURE_TYPES:
        checker.problem(loc, f"picture {picture!r} must be a PNG or JPEG file")
        return
    path = folder / relative
    if not path.is_file():
        checker.problem(loc, f"picture file {picture!r} is missing (looked for {path})")
        return
    size = path.stat().st_size
    if size > MAX_PICTURE_BYTES:
        checker.problem(loc, f"picture {picture!r} is {size // 1024} KB; Telegram takes photos up to 10 MB")
    elif size > LARGE_PICTURE_BYTES:
        checker.problem(loc, f"picture {picture!r} is {size // 1024} KB: slow on a phone's data plan", "warning")
