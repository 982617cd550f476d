"""The `consent` kind: a recorded reading of the consent summary per language, for people who read little.

The consent text itself is a translated message (it must say the same in every language and change only with a
new consent version); organisers add what a catalog cannot hold, a voice reading it aloud:

    id: consent
    kind: consent
    audio: {nl: audio/consent-nl.ogg, ar: audio/consent-ar.ogg}

A recording goes with the text only in its own language, like a prompt's (bot/engine/prompts.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from bot.content.checker import FileChecker, TextList
from bot.content.model import ID_PATTERN, MAX_ID_LENGTH, Strict
from bot.content.rounds import check_recording


class ConsentAudio(Strict):
    id: str = Field(pattern=ID_PATTERN, max_length=MAX_ID_LENGTH)
    kind: Literal["consent"]
    audio: dict[str, str] = Field(default_factory=dict)


def check_consent(checker: FileChecker, content: ConsentAudio) -> None:
    for language, recording in content.audio.items():
        check_recording(checker, ("audio", language), recording)


def consent_texts(content: ConsentAudio) -> TextList:
    return []


def consent_audio(library: Any, language: str) -> dict[str, str]:
    """The outbox payload part for the consent summary's recording in this language, if there is one."""
    for content_id, content in getattr(library, "consent", {}).items():
        recording = content.audio.get(language)
        source: Path | None = library.sources.get(content_id)
        if recording and source is not None:
            return {"voice": str(source.parent / recording)}
    return {}
