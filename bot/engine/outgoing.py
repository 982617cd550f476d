"""What the engine asks to be sent, and what it asks to be stored. Channels turn these into Telegram calls or lines."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.engine.state import ParticipantState


@dataclass(frozen=True)
class ButtonSpec:
    label: str
    data: str  # at most 64 bytes (Telegram's callback_data limit)


@dataclass(frozen=True)
class Document:
    filename: str
    content: str
    mime_type: str = "application/json"


@dataclass(frozen=True)
class Outgoing:
    """One message: a row in the outbox. `scheduled` messages wait out quiet hours; replies never do."""

    text: str
    buttons: tuple[tuple[ButtonSpec, ...], ...] = ()
    kind: str = "reply"
    due_at: datetime | None = None  # None: now
    scheduled: bool = False
    document: Document | None = None
    menu_language: str | None = None  # set the chat's command menu in this language
    data: dict[str, Any] = field(default_factory=dict)  # ids for messages rendered when they are sent

    def payload(self) -> dict[str, Any]:
        data: dict[str, Any] = {"text": self.text, **self.data}
        if self.buttons:
            data["buttons"] = [[[button.label, button.data] for button in row] for row in self.buttons]
        if self.document:
            data["document"] = {
                "filename": self.document.filename,
                "content": self.document.content,
                "mime_type": self.document.mime_type,
            }
        if self.menu_language:
            data["menu_language"] = self.menu_language
        return data


@dataclass(frozen=True)
class NewAnswer:
    conversation: str
    prompt_id: str
    answer_type: str
    value: dict[str, Any]
    walk_stop: str | None = None
    minority: bool = False
    source_ref: str | None = None  # the message that gave it, so an edit of that message updates it


@dataclass(frozen=True)
class Record:
    """A feature's own row to write in the event's transaction (an RSVP, a walk progress mark...).

    `kind` names a writer registered in `bot.store.records`; `data` is what that writer needs.
    """

    kind: str
    data: dict[str, Any]


@dataclass
class Result:
    """Everything one event changes; the store writes it in one transaction."""

    state: ParticipantState
    now: datetime | None = None
    answers: list[NewAnswer] = field(default_factory=list)
    messages: list[Outgoing] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)
    context: Mapping[str, Any] = field(default_factory=dict)  # what features loaded from the store for this event
    forget: bool = False  # delete the participant and all that is stored about them
    keep_nothing: bool = False  # someone not stored (a /mydata before /start): answer them, store no row of them
    refused: str | None = None  # a forged or stale button, logged by the caller (pseudonym only)

    def say(self, text: str, *buttons: tuple[ButtonSpec, ...], **options: Any) -> None:
        self.messages.append(Outgoing(text=text, buttons=tuple(buttons), **options))
