"""The `samenspraak` command: a table of contents, each subcommand a few lines that call one module."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from bot.config import ConfigError, Settings, load_settings
from bot.logs import setup_logging


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="samenspraak",
        description="Samenspraak: a multilingual Telegram bot for civic participation. Without a subcommand it runs "
        "the Telegram bot when a token is configured, and the terminal chat simulator otherwise.",
    )
    parser.add_argument("--db", help="database file (default: SAMENSPRAAK_DB or data/samenspraak.sqlite3)")
    sub = parser.add_subparsers(dest="command")
    chat = sub.add_parser("chat", help="the terminal chat simulator")
    chat.add_argument("--as", dest="name", default="you", help="which simulated participant you are")
    chat.add_argument("--organiser", action="store_true", help="rehearse as an organiser (organiser commands)")
    run = sub.add_parser("run", help="run the Telegram bot (long polling)")
    run.add_argument("--webhook", help="public HTTPS URL for a webhook instead of long polling")
    check = sub.add_parser("check", help="validate the conversation files")
    check.add_argument(
        "directory", nargs="?", help="folder with conversation files (default: SAMENSPRAAK_CONVERSATIONS)"
    )
    check.add_argument(
        "--against-db", action="store_true", help="also warn about removed prompts people are on (uses --db)"
    )
    export = sub.add_parser("export", help="export the collected answers")
    export.add_argument("--format", choices=["csv", "xlsx", "json"], default="json")
    export.add_argument("--conversation", help="only this conversation id")
    export.add_argument("--since", help="only answers from this day on (2026-11-26, in the city's time zone)")
    export.add_argument("--until", help="only answers up to and including this day")
    export.add_argument("--live-only", action="store_true", help="leave out rehearsals in the terminal simulator")
    export.add_argument("--separator", default=",", help="CSV separator: ',' (default) or ';' for Excel set to Dutch")
    export.add_argument("--language", default="nl", help="language of the XLSX column explanations: nl or en")
    export.add_argument("--out", help="file to write (default: standard output; XLSX needs a file)")
    brief = sub.add_parser("brief", help="the meeting brief of a conversation, as one HTML page")
    brief.add_argument("--conversation", required=True, help="the round's id")
    brief.add_argument("--out", required=True, help="the HTML file to write")
    brief.add_argument("--language", default="nl", help="language of the brief's headings: nl or en")
    organiser = sub.add_parser("organiser", help="add or remove an organiser, list them, or show their actions")
    organiser.add_argument("action", choices=["add", "remove", "list", "log"])
    organiser.add_argument("user_id", nargs="?", help="the organiser's Telegram user id")
    backup = sub.add_parser("backup", help="a consistent copy of the live database")
    backup.add_argument("file")
    for sub_parser in (chat, run, check, export, brief, organiser, backup):
        sub_parser.add_argument("--db", help="database file", default=argparse.SUPPRESS)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # Every file this command writes (the database, exports, briefs, backups) holds participants' words: owner only.
    os.umask(0o077)
    setup_logging()
    try:
        settings = load_settings(db=args.db)
    except ConfigError as error:
        print(f"samenspraak: {error}", file=sys.stderr)
        return 2
    command = args.command or ("run" if settings.token else "chat")
    if command == "chat":
        from bot.terminal import run_chat

        return run_chat(settings, getattr(args, "name", "you"), getattr(args, "organiser", False))
    if command == "run":
        from bot.telegram.app import run_bot

        return run_bot(settings, webhook=getattr(args, "webhook", None))
    if command == "check":
        from bot.content.check import run_check

        folder = Path(args.directory) if args.directory else settings.conversations
        code = run_check(folder)
        if args.against_db:
            from bot.organise.stranded import check_against_db

            check_against_db(folder, settings.db)
        return code
    if command == "export":
        from bot.organise.cli import run_export

        return run_export(
            settings,
            args.format,
            args.conversation,
            args.out,
            since=args.since,
            until=args.until,
            live_only=args.live_only,
            separator=args.separator,
            language=args.language,
        )
    if command == "brief":
        from bot.organise.cli import run_brief

        return run_brief(settings, args.conversation, args.out, args.language)
    if command == "organiser":
        from bot.organise.cli import run_organiser

        return run_organiser(settings, args.action, args.user_id)
    if command == "backup":
        return _backup(settings, Path(args.file))
    return 2


def _backup(settings: Settings, target: Path) -> int:
    import asyncio

    from bot.store import Store

    async def copy() -> None:
        store = await Store.open(settings.db)
        try:
            await store.backup(target)
        finally:
            await store.close()

    if not settings.db.exists():
        print(f"samenspraak: no database at {settings.db}", file=sys.stderr)
        return 1
    asyncio.run(copy())
    print(f"backup written to {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
