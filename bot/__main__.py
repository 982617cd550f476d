"""The `samenspraak` command: a table of contents, each subcommand a few lines that call one module."""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace
from pathlib import Path

from bot.config import ConfigError, Settings, load_settings, unknown_environment
from bot.logs import setup_logging


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="samenspraak",
        description="Samenspraak: a multilingual Telegram bot for civic participation. Without a subcommand it runs "
        "the Telegram bot when a token is configured, and otherwise the terminal chat simulator on a rehearsal "
        "database (data/rehearsal.sqlite3 beside the configured one).",
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
    export.add_argument(
        "--format", choices=["csv", "xlsx", "json", "jsonl"], default="json", help="json and jsonl: JSON Lines (.jsonl)"
    )
    export.add_argument("--conversation", help="only this conversation id")
    export.add_argument("--since", help="only answers from this day on (2026-11-26, in the city's time zone)")
    export.add_argument("--until", help="only answers up to and including this day")
    export.add_argument("--live-only", action="store_true", help="leave out rehearsals in the terminal simulator")
    export.add_argument("--separator", default=",", help="CSV separator: ',' (default) or ';' for Excel set to Dutch")
    export.add_argument("--language", default="nl", help="language of the XLSX column explanations: nl, fr or en")
    export.add_argument("--out", help="file to write (default: standard output; XLSX needs a file)")
    export.add_argument(
        "--network", action="store_true", help="line communities up on the prompts they share (CSV or JSON)"
    )
    export.add_argument(
        "--with-media",
        action="store_true",
        help="a zip (--out FILE.zip) with the export and the voice notes and photos",
    )
    brief = sub.add_parser("brief", help="the meeting brief of a conversation, as one HTML page")
    brief.add_argument(
        "--conversation",
        action="append",
        default=[],
        help="the round's or walk's id (required without --compare); repeat it for a brief that spans rounds",
    )
    brief.add_argument("--compare", action="store_true", help="compare communities on the prompts they share")
    brief.add_argument("--out", required=True, help="the HTML file to write")
    brief.add_argument("--language", default="nl", help="language of the brief's headings: nl, fr or en")
    brief.add_argument("--since", help="only answers from this day on (2026-11-26, in the city's time zone)")
    brief.add_argument("--live-only", action="store_true", help="leave out rehearsals in the terminal simulator")
    organiser = sub.add_parser("organiser", help="add or remove an organiser, list them, or show their actions")
    organiser.add_argument("action", choices=["add", "remove", "list", "log"])
    organiser.add_argument("user_id", nargs="?", help="the organiser's Telegram user id")
    organiser.add_argument(
        "--community",
        action="append",
        default=[],
        help="an organiser of this community only (repeat for several); without it: a network organiser",
    )
    organiser.add_argument(
        "--channel", choices=["telegram", "terminal"], default="telegram", help="terminal: a simulator name (--as)"
    )
    backup = sub.add_parser("backup", help="a consistent copy of the live database")
    backup.add_argument("file")
    safeguarding = sub.add_parser("safeguarding", help="try the distress word lists")
    safeguarding_sub = safeguarding.add_subparsers(dest="safeguarding_command", required=True)
    test = safeguarding_sub.add_parser("test", help="what the lists match in a text, and why (exit 0: a match)")
    test.add_argument("--language", help="the writer's language code (default: every list)")
    test.add_argument("text", nargs="+", help="the text to try")
    for sub_parser in (chat, run, check, export, brief, organiser, backup, safeguarding, test):
        sub_parser.add_argument("--db", help="database file", default=argparse.SUPPRESS)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # Every file this command writes (the database, exports, briefs, backups) holds participants' words: owner only.
    os.umask(0o077)
    try:
        settings = load_settings(db=args.db)
    except ConfigError as error:
        for problem in error.problems:
            print(f"samenspraak: {problem}", file=sys.stderr)
        return 2
    setup_logging(settings.log_level)
    for note in unknown_environment(os.environ):
        print(f"samenspraak: {note}", file=sys.stderr)
    command = args.command or ("run" if settings.token else "chat")
    if args.command is None and command == "chat":
        settings = rehearsal_settings(settings, explicit_db=args.db is not None)
        print(
            f"samenspraak: no bot token is set (SAMENSPRAAK_TOKEN), so this is the rehearsal simulator, writing to "
            f"{settings.db} (type :help for its commands).",
            file=sys.stderr,
        )
    needs_content = command == "chat" or (command == "run" and bool(settings.token))  # no token: run says that first
    if needs_content and (missing := content_missing(settings.conversations)):
        print(missing, file=sys.stderr)
        return 2
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
    if command == "export" and args.network:
        from bot.organise.network import run_network_export

        return run_network_export(settings, args.format, args.out, live_only=args.live_only)
    if command == "brief" and args.compare:
        from bot.organise.network import run_compare_brief

        return run_compare_brief(settings, args.out, args.language)
    if command == "brief" and not args.conversation:
        print("samenspraak: brief needs --conversation ROUND (or --compare)", file=sys.stderr)
        return 2
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
            with_media=args.with_media,
        )
    if command == "brief":
        from bot.organise.cli import run_brief

        return run_brief(
            settings, args.conversation, args.out, args.language, since=args.since, live_only=args.live_only
        )
    if command == "organiser":
        from bot.organise.cli import run_organiser

        return run_organiser(settings, args.action, args.user_id, communities=args.community, channel=args.channel)
    if command == "backup":
        return _backup(settings, Path(args.file))
    if command == "safeguarding":
        from bot.distress.cli import run_test

        return run_test(settings.conversations, args.language, args.text)
    return 2


REHEARSAL_DB = "rehearsal.sqlite3"


def rehearsal_settings(settings: Settings, *, explicit_db: bool) -> Settings:
    """A bare `samenspraak` without a token rehearses; it must never write rehearsals into the live database, so it
    uses a rehearsal database beside the configured one unless `--db` names one."""
    if explicit_db:
        return settings
    return replace(settings, db=settings.db.parent / REHEARSAL_DB)


def content_missing(folder: Path) -> str | None:
    """What to say when there are no conversation files where the bot looks: where it looked and how to point it
    elsewhere, instead of a bot that answers every participant "there are no questions now"."""
    if folder.is_dir() and any(folder.glob("*.y*ml")):
        return None
    where = folder.resolve()
    why = (
        "SAMENSPRAAK_CONVERSATIONS"
        if "SAMENSPRAAK_CONVERSATIONS" in os.environ
        else f"the default, relative to the current folder {Path.cwd()}"
    )
    return (
        f"samenspraak: no conversation files in {where} ({why}). Run samenspraak from the project folder, which "
        "holds conversations/, or point at your content with SAMENSPRAAK_CONVERSATIONS=/path/to/conversations "
        '(or conversations = "..." in samenspraak.toml).'
    )


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
    from bot.media.files import copy_media

    copied = copy_media(settings.media, target)  # the voice notes and photos, beside the copy of the database
    if copied is not None:
        print(f"voice notes and photos copied to {copied}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
