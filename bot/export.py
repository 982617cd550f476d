"""`samenspraak export`: the collected answers, streamed, never with a Telegram id or a name.

JSON Lines: one answer per line, so a million answers never sit in memory at once and any tool can read them.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, TextIO

from bot.config import Settings
from bot.dispatch import load_content
from bot.store import Store, parse_iso

CHANNEL_NAMES = {"telegram": "telegram", "terminal": "rehearsal"}


async def answer_records(store: Store, settings: Settings, conversation: str | None) -> AsyncIterator[dict[str, Any]]:
    library = load_content(settings)
    async for row in store.iter_answers(conversation):
        conversation_content = library.rounds.get(row["conversation"])
        prompt = conversation_content.prompt(row["prompt_id"]) if conversation_content else None
        created = parse_iso(row["created_at"])
        yield {
            "pseudonym": row["pseudonym"],
            "channel": CHANNEL_NAMES.get(row["channel"], row["channel"]),
            "role": row["role"],
            "language": row["language"],
            "community": row["community"],
            "conversation": row["conversation"],
            "prompt_id": row["prompt_id"],
            "prompt_text_nl": prompt.text.get("nl") if prompt else None,
            "theme": prompt.theme if prompt else None,
            "answer_type": row["answer_type"],
            "value": row["value"],
            "minority": bool(row["minority"]),
            "created_at": created.astimezone(settings.timezone).isoformat() if created else None,
        }


async def export_json(settings: Settings, conversation: str | None, out: TextIO) -> int:
    store = await Store.open(settings.db)
    count = 0
    try:
        async for record in answer_records(store, settings, conversation):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    finally:
        await store.close()
    return count


def run_export(settings: Settings, fmt: str, conversation: str | None, out: str | None) -> int:
    if not settings.db.exists():
        print(f"samenspraak: no database at {settings.db}", file=sys.stderr)
        return 1
    if out is None:
        asyncio.run(export_json(settings, conversation, sys.stdout))
        return 0
    with Path(out).open("w", encoding="utf-8", newline="") as handle:
        count = asyncio.run(export_json(settings, conversation, handle))
    print(f"{count} answer(s) written to {out}", file=sys.stderr)
    return 0
