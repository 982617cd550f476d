"""The `meeting` kind: a Hapje!Klapje meeting of a community, and the ideas that came out of it.

Organisers write one file per meeting: date, place, what to bring. The bot invites the community's participants
with RSVP buttons, reminds those who said yes or maybe the day before, and tells everyone it invited when the date,
the place or what to bring changes, or when `cancelled: true` appears. After the meeting, the file's `ideas` list
what came out of it; each idea's `status` (and, when it cannot happen, the reason) is sent to everyone who answered a
prompt of the idea's theme: "you said, we did".
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field, field_validator

from bot.callback_data import Rsvp, fits
from bot.content.checker import REQUIRED_LANGUAGE, FileChecker, TextList
from bot.content.model import COMMUNITY_PATTERN, ID_PATTERN, MAX_ID_LENGTH, OFFSET_PATTERN, Strict, Text, _text_map

IdeaStatus = Literal["under-discussion", "planned", "done", "not-possible"]
IDEA_STATUSES: tuple[str, ...] = ("under-discussion", "planned", "done", "not-possible")
FINAL_STATUSES = frozenset({"done", "not-possible"})  # nothing more to report: never flagged as forgotten
THEMES = ("housing", "mobility", "work", "safety", "meeting", "culture", "nature", "learning", "health", "open")


class Idea(Strict):
    """An idea from the meeting; its id stays the same across edits, so status changes are recognised."""

    id: str = Field(pattern=ID_PATTERN, max_length=MAX_ID_LENGTH)
    theme: str
    text: Text
    status: IdeaStatus = "under-discussion"
    reason: Text | None = None  # why it is not possible (required then), or what happens next

    _texts = field_validator("text", "reason", mode="before")(_text_map)


class Meeting(Strict):
    id: str = Field(pattern=ID_PATTERN, max_length=MAX_ID_LENGTH)
    kind: Literal["meeting"]
    community: str = Field(default="default", pattern=COMMUNITY_PATTERN)
    title: Text
    date: datetime  # local time in SAMENSPRAAK_TIMEZONE, e.g. 2026-12-17 19:00
    duration: str = Field(default="2h", pattern=OFFSET_PATTERN)
    place: Text
    bring: Text | None = None
    invite: str | None = Field(default=None, pattern=OFFSET_PATTERN)  # invite this long before; default at once
    cancelled: bool = False
    note: Text | None = None  # said with a change or a cancellation: what changed, and why
    ideas: tuple[Idea, ...] = ()

    _texts = field_validator("title", "place", "bring", "note", mode="before")(_text_map)

    def idea(self, idea_id: str) -> Idea | None:
        return next((idea for idea in self.ideas if idea.id == idea_id), None)


def meeting_texts(meeting: Meeting) -> TextList:
    found: TextList = [(("title",), meeting.title), (("place",), meeting.place)]
    for name in ("bring", "note"):
        value = getattr(meeting, name)
        if value is not None:
            found.append(((name,), value))
    for index, idea in enumerate(meeting.ideas):
        found.append((("ideas", index, "text"), idea.text))
        if idea.reason is not None:
            found.append((("ideas", index, "reason"), idea.reason))
    return found


def check_meeting(checker: FileChecker, meeting: Meeting) -> None:
    ids = [idea.id for idea in meeting.ideas]
    for index, idea in enumerate(meeting.ideas):
        here = ("ideas", index)
        if ids.index(idea.id) != index:
            checker.problem((*here, "id"), f"duplicate idea id {idea.id!r}")
        if idea.status == "not-possible" and not idea.reason:
            checker.problem((*here, "status"), f"idea {idea.id!r} is not possible: say why in `reason`")
        if idea.theme not in THEMES:
            checker.problem(
                (*here, "theme"),
                f"theme {idea.theme!r} is not one of {', '.join(THEMES)}; nobody will hear about this idea",
                "warning",
            )
    if not all(fits(Rsvp(meeting.id, answer)) for answer in ("yes", "maybe", "no")):
        checker.problem(("id",), "meeting id too long for a button")
    for loc, text in meeting_texts(meeting):
        if not text.get(REQUIRED_LANGUAGE):
            checker.problem(loc, f"missing Dutch ({REQUIRED_LANGUAGE}) text")
