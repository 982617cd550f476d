"""What a participant can do, as the engine sees it: no Telegram types, so the terminal and tests can say it too."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Text:
    text: str
    ref: str | None = None  # the channel's message id, so a later edit can find the answer it gave


@dataclass(frozen=True)
class Edit:
    """The participant edited an earlier text message (Telegram's edited_message)."""

    ref: str
    text: str


@dataclass(frozen=True)
class Button:
    data: str


@dataclass(frozen=True)
class Voice:
    """Something spoken: a voice note, an audio file or a round video message (`kind`)."""

    file_ref: str  # the channel's file id, or `file:PATH` for a real file sent in the simulator
    duration: int = 0
    kind: str = "voice"  # voice, audio or video_note
    size: int = 0  # bytes, when the channel says


@dataclass(frozen=True)
class Photo:
    file_ref: str
    caption: str = ""  # the person's own words with the picture
    size: int = 0


@dataclass(frozen=True)
class Location:
    latitude: float
    longitude: float
    live: bool = False
    moved: bool = False  # a live location moving on (Telegram: an edited message), not a new share


@dataclass(frozen=True)
class Command:
    name: str
    args: str = ""


@dataclass(frozen=True)
class Unsupported:
    """Something we cannot take as an answer: a sticker, a document, a video note, a contact, a poll..."""

    what: str


Event = Text | Edit | Button | Voice | Photo | Location | Command | Unsupported
