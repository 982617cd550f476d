"""The organiser subcommands: `samenspraak export`, `samenspraak brief`, `samenspraak organiser add|remove|list|log`.

Each is logged as an organiser action, as `cli:<user>`: whoever can run these on the server reads the database.
"""

from __future__ import annotations

import asyncio
import getpass
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from bot.config import Settings
from bot.engine.outgoing import Outgoing
from bot.organise.export import FORMATS, Selection, export
from bot.organise.parse import parse_day
from bot.store import Store
from bot.store import organise as queries


def who() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no user name in a bare container
        return "cli"


def _no_database(settings: Settings) -> int:
    print(f"samenspraak: no database at {settings.db}", file=sys.stderr)
    return 1


def run_export(
    settings: Settings,
    fmt: str,
    conversation: str | None,
    out: str | None,
    *,
    since: str | None = None,
    until: str | None = None,
    live_only: bool = False,
    separator: str = ",",
    language: str | None = None,
) -> int:
    """Write an export to a file, or CSV / JSON Lines to standard output."""
    from bot.dispatch import load_content

    if not settings.db.exists():
        return _no_database(settings)
    if fmt not in FORMATS:
        print(f"samenspraak: unknown format {fmt!r}; use one of {', '.join(FORMATS)}", file=sys.stderr)
        return 2
    if fmt == "xlsx" and not out:
        print("samenspraak: an XLSX export needs --out FILE.xlsx", file=sys.stderr)
        return 2
    separator = "\t" if separator in ("tab", "\\t") else separator
    if len(separator) != 1:
        print("samenspraak: --separator is one character: ',' or ';' (or tab)", file=sys.stderr)
        return 2
    try:
        selection = Selection(
            conversation=conversation,
            since=parse_day(since, settings.timezone) if since else None,
            until=parse_day(until, settings.timezone, end=True) if until else None,
            live_only=live_only,
        )
    except ValueError as error:
        print(f"samenspraak: cannot use the date: {error}", file=sys.stderr)
        return 2
    library = load_content(settings)
    asyncio.run(_log(settings, "export", {"format": fmt, "out": out, **selection.describe()}))
    if out is None:
        try:
            export(settings.db, library, settings.timezone, fmt, sys.stdout.buffer, selection, separator=separator)
            sys.stdout.buffer.flush()
        except BrokenPipeError:  # `| head`: the reader has had enough
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    else:
        count = export(
            settings.db, library, settings.timezone, fmt, Path(out), selection, separator=separator, language=language
        )
        print(f"{count} answer(s) written to {out}", file=sys.stderr)
    return 0


async def _log(settings: Settings, action: str, detail: dict[str, object]) -> None:
    store = await Store.open(settings.db)
    try:
        await queries.record_action(store, who(), action, detail, datetime.now(UTC))
    finally:
        await store.close()


def run_brief(settings: Settings, conversation: str, out: str, language: str | None = None) -> int:
    """Write the meeting brief of one conversation as a self-contained HTML page."""
    from bot.dispatch import load_content
    from bot.organise.brief import write_brief

    if not settings.db.exists():
        return _no_database(settings)
    library = load_content(settings)
    if conversation not in library.rounds:
        rounds = ", ".join(sorted(library.rounds)) or "none"
        print(f"samenspraak: no round {conversation!r} in the content; rounds: {rounds}", file=sys.stderr)
        return 1

    async def write() -> None:
        store = await Store.open(settings.db)
        try:
            now = datetime.now(UTC)
            await write_brief(store, library, conversation, settings.timezone, now, Path(out), language)
            await queries.record_action(store, who(), "brief", {"conversation": conversation, "out": out}, now)
        finally:
            await store.close()

    asyncio.run(write())
    print(f"meeting brief written to {out}", file=sys.stderr)
    return 0


def run_organiser(settings: Settings, action: str, user_id: str | None, out: TextIO | None = None) -> int:
    """Add or remove an organiser by Telegram user id (no restart needed), list them, or show the action log."""
    stream: TextIO = out or sys.stdout

    async def run() -> int:
        store = await Store.open(settings.db)
        try:
            now = datetime.now(UTC)
            if action == "list":
                for address in sorted(settings.organisers):
                    stream.write(f"telegram {address}  (SAMENSPRAAK_ORGANISERS)\n")
                for row in await queries.organiser_rows(store):
                    state = "active" if row["active"] else f"removed {row['removed_at']}"
                    stream.write(
                        f"{row['channel']} {row['address']}  ({state}, added {row['added_at']} by {row['added_by']})\n"
                    )
                return 0
            if action == "log":
                for entry in reversed(await queries.actions(store, 200)):
                    stream.write(
                        f"{entry['created_at']}  {entry['organiser']:<24} {entry['action']:<18} {entry['detail']}\n"
                    )
                return 0
            if user_id is None or not user_id.lstrip("-").isdigit():
                print("samenspraak: give the organiser's Telegram user id (a number)", file=sys.stderr)
                return 2
            active = action == "add"
            if not active and int(user_id) in settings.organisers:
                print(
                    f"samenspraak: {user_id} is in SAMENSPRAAK_ORGANISERS; remove it there (and restart)",
                    file=sys.stderr,
                )
                return 1
            changed = await queries.set_organiser(store, "telegram", user_id, active, who(), now)
            if changed:
                # The running bot sets this chat's command menu at its next wake: organiser commands, or none.
                language = await store.call(queries.language_of, "telegram", user_id) or "nl"
                menu = Outgoing(text="", kind="organiser-menu", menu_language=language, data={"organiser_menu": active})
                await store.write(queries.enqueue, "telegram", user_id, menu, now)
            verb = "added as organiser" if active else "no longer an organiser"
            stream.write(f"{user_id} {verb}{'' if changed else ' (nothing changed)'}\n")
            return 0
        finally:
            await store.close()

    return asyncio.run(run())
