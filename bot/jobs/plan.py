"""Which background jobs an event's answers need, added to the event's own records (one transaction)."""

from __future__ import annotations

from typing import Any

from bot.config import Settings
from bot.engine.outgoing import Record, Result


def media_of(value: dict[str, Any]) -> dict[str, str] | None:
    if isinstance(value.get("voice"), str):
        return {"kind": str(value.get("media", "voice")), "source": value["voice"]}
    if isinstance(value.get("photo"), str):
        return {"kind": "photo", "source": value["photo"]}
    return None


def plan_work(settings: Settings, result: Result) -> bool:
    """Add a job record for each answer with a file to keep or words to translate; True if any was added."""
    if result.forget:
        return False
    translating = bool(settings.translate_url) and result.state.language != settings.organiser_language
    planned = False
    for answer in result.answers:
        media = media_of(answer.value)
        translate = translating and isinstance(answer.value.get("text"), str)
        if media or translate:
            data = {"conversation": answer.conversation, "prompt_id": answer.prompt_id, "media": media}
            result.records.append(Record("answer_work", {**data, "translate": translate}))
            planned = True
    for record in list(result.records):
        edited = record.data.get("value")
        if record.kind == "answer_edit" and translating and isinstance(edited, dict) and "text" in edited:
            result.records.append(Record("retranslate", {"answer_id": record.data.get("answer_id")}))
            planned = True
        elif record.kind == "heard_typed":
            record.data["translate"] = translating
            planned = True
        elif record.kind == "heard_redo":
            planned = True
    return planned
