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
from bot.content.loader import Library
from bot.engine.outgoing import Outgoing
from bot.organise.export import FORMATS, Selection, export
from bot.organise.export_media import export_with_media
from bot.organise.parse import parse_day
from bot.private_files import make_private
from bot.store import Store, network
from bot.store import organise as queries
from bot.store.outbox_rows import Addressed, enqueue


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
    with_media: bool = False,
) -> int:
    """Write an export to a file, or CSV / JSON Lines to standard output."""
    from bot.content.configured import load_content

    if not settings.db.exists():
        return _no_database(settings)
    fmt = "json" if fmt == "jsonl" else fmt  # JSON Lines, whichever name is used
    if fmt == "json" and out and out.endswith(".json"):
        print("samenspraak: note: JSON Lines (one object per line) are usually named .jsonl", file=sys.stderr)
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
    if with_media:
        return _export_with_media(settings, library, fmt, out, selection, separator, language)
    if out is None:
        try:
            export(
                settings.db,
                library,
                settings.timezone,
                fmt,
                sys.stdout.buffer,
                selection,
                separator=separator,
                organiser_language=settings.organiser_language,
            )
            sys.stdout.buffer.flush()
        except BrokenPipeError:  # `| head`: the reader has had enough
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    else:
        count = export(
            settings.db,
            library,
            settings.timezone,
            fmt,
            Path(out),
            selection,
            separator=separator,
            language=language,
            organiser_language=settings.organiser_language,
        )
        print(f"{count} answer(s) written to {out}", file=sys.stderr)
    return 0


def _export_with_media(
    settings: Settings,
    library: Library,
    fmt: str,
    out: str | None,
    selection: Selection,
    separator: str,
    language: str | None,
) -> int:
    """The export and every kept voice note and photo, named by answer id, in one zip."""
    if not out or not out.endswith(".zip"):
        print("samenspraak: --with-media writes a zip: give --out FILE.zip", file=sys.stderr)
        return 2
    count, files = export_with_media(
        settings.db,
        library,
        settings.timezone,
        fmt,
        Path(out),
        selection,
        settings.media,
        separator=separator,
        language=language,
        organiser_language=settings.organiser_language,
    )
    print(f"{count} answer(s) and {files} file(s) written to {out}", file=sys.stderr)
    return 0


async def _log(settings: Settings, action: str, detail: dict[str, object]) -> None:
    store = await Store.open(settings.db)
    try:
        await queries.record_action(store, who(), action, detail, datetime.now(UTC))
    finally:
        await store.close()


def run_brief(
    settings: Settings,
    conversations: str | list[str],
    out: str,
    language: str | None = None,
    *,
    since: str | None = None,
    live_only: bool = False,
) -> int:
    """Write the meeting brief of a round or a walk (or of several rounds, one after the other) as one HTML page."""
    from bot.content.configured import load_content
    from bot.organise.network import build_series_brief

    if not settings.db.exists():
        return _no_database(settings)
    library = load_content(settings)
    wanted = [conversations] if isinstance(conversations, str) else conversations
    for conversation in wanted:
        if conversation not in library.rounds and (len(wanted) > 1 or conversation not in library.walks):
            known = ", ".join(sorted([*library.rounds, *library.walks])) or "none"
            print(f"samenspraak: no round or walk {conversation!r} in the content; there are: {known}", file=sys.stderr)
            return 1
    try:
        moment = parse_day(since, settings.timezone) if since else None
    except ValueError as error:
        print(f"samenspraak: cannot read the date: {error}; write it as 2026-11-26", file=sys.stderr)
        return 2

    async def write() -> None:
        store = await Store.open(settings.db)
        try:
            now = datetime.now(UTC)
            html = await build_series_brief(  # one round or walk, or several rounds one after the other
                store,
                library,
                wanted,
                settings.timezone,
                now,
                language,
                organiser_language=settings.organiser_language,
                since=moment,
                live_only=live_only,
            )

            def save() -> None:
                make_private(Path(out)).write_text(html, encoding="utf-8")  # owner-only, also over an older brief

            await asyncio.to_thread(save)
            detail = {
                "conversation": wanted[0] if len(wanted) == 1 else wanted,
                "out": out,
                "since": since,
                "live_only": live_only,
            }
            await queries.record_action(store, who(), "brief", detail, now)
        finally:
            await store.close()

    asyncio.run(write())
    print(f"meeting brief written to {out}", file=sys.stderr)
    return 0


def run_organiser(
    settings: Settings,
    action: str,
    user_id: str | None,
    out: TextIO | None = None,
    *,
    communities: list[str] | None = None,
    channel: str = "telegram",
) -> int:
    """Add or remove an organiser by Telegram user id (no restart needed), list them, or show the action log.

    `communities`: an organiser of these communities only (bot/organise/scope.py); none: a network organiser."""
    stream: TextIO = out or sys.stdout

    async def run() -> int:
        store = await Store.open(settings.db)
        try:
            now = datetime.now(UTC)
            if action == "list":
                for address in sorted(settings.organisers):
                    stream.write(f"telegram {address}  (SAMENSPRAAK_ORGANISERS)\n")
                scopes = await store.call(network.scopes)
                for row in await queries.organiser_rows(store):
                    state = "active" if row["active"] else f"removed {row['removed_at']}"
                    mine = ", ".join(sorted(scopes.get((row["channel"], row["address"]), ()))) or "network"
                    stream.write(
                        f"{row['channel']} {row['address']}  [{mine}] ({state}, added {row['added_at']}"
                        f" by {row['added_by']})\n"
                    )
                return 0
            if action == "log":
                for entry in reversed(await queries.actions(store, 200)):
                    stream.write(
                        f"{entry['created_at']}  {entry['organiser']:<24} {entry['action']:<18} {entry['detail']}\n"
                    )
                return 0
            if user_id is None or (channel == "telegram" and not user_id.lstrip("-").isdigit()):
                print("samenspraak: give the organiser's Telegram user id (a number)", file=sys.stderr)
                return 2
            active = action == "add"
            if not active and channel == "telegram" and int(user_id) in settings.organisers:
                print(
                    f"samenspraak: {user_id} is in SAMENSPRAAK_ORGANISERS; remove it there (and restart)",
                    file=sys.stderr,
                )
                return 1
            scoped, after = False, None
            if active:  # the communities given now replace earlier ones; none: a network organiser
                # Before the organiser is active: a flag that waited for an organiser goes to them only if it is
                # of their communities (bot/store/organise.py tell_waiting_flags reads the scope).
                before = await store.call(network.scope_of, channel, user_id)
                await store.write(network.set_scope, channel, user_id, communities or [])
                after = await store.call(network.scope_of, channel, user_id)
                scoped = before != after
            changed = await queries.set_organiser(store, channel, user_id, active, who(), now) or scoped
            if scoped:
                detail = {"address": user_id, "scope": sorted(after) if after else "network"}
                await queries.record_action(store, who(), "organiser-communities", detail, now)
            if changed and channel == "telegram":
                # The running bot sets this chat's command menu at its next wake: organiser commands, or none.
                language = await store.call(queries.language_of, "telegram", user_id) or "nl"
                menu = Outgoing(text="", kind="organiser-menu", menu_language=language, data={"organiser_menu": active})
                await store.write(enqueue, [Addressed("telegram", user_id, None, menu)], now)
            verb = "added as organiser" if active else "no longer an organiser"
            if active:
                verb += f" of {', '.join(sorted(set(communities or []))) or 'the whole network'}"
            stream.write(f"{user_id} {verb}{'' if changed else ' (nothing changed)'}\n")
            return 0
        finally:
            await store.close()

    return asyncio.run(run())
