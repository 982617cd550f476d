"""A participant as the engine needs them: where they are in onboarding and in their round."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class Stage(StrEnum):
    LANGUAGE = "language"  # choosing a language
    CONSENT = "consent"  # reading the consent text
    ROLE = "role"  # saying resident, newcomer or volunteer
    READY = "ready"  # answering prompts


ROLES = ("resident", "newcomer", "volunteer", "unsaid")


def new_pseudonym() -> str:
    """A random token, never derived from the Telegram id, so exports cannot be linked back to an account."""
    return "p-" + secrets.token_hex(5)


@dataclass(frozen=True)
class ParticipantState:
    channel: str  # "telegram" or "terminal"
    address: str  # the chat id, or the simulated participant's name
    pseudonym: str = field(default_factory=new_pseudonym)
    id: int | None = None  # set by the store
    stage: Stage = Stage.LANGUAGE
    language: str | None = None
    community: str = "default"
    role: str | None = None
    consent_version: str | None = None
    consent_at: datetime | None = None
    paused: bool = False
    active: bool = True  # False when they blocked the bot
    conversation: str | None = None  # the round they are in
    prompt: str | None = None  # the one active prompt, if any
    answered: frozenset[str] = frozenset()  # prompt ids answered in `conversation`
    pending: str | None = None  # "forget" while a deletion waits for confirmation
    created_at: datetime | None = None
    # Per-feature state (e.g. features["walk"] = {...}), stored as JSON: a feature adds state without a migration.
    features: dict[str, Any] = field(default_factory=dict)


def answer_key(conversation: str, prompt: str) -> str:
    """How a prompt counts as answered in `ParticipantState.answered`."""
    return f"{conversation}:{prompt}"
