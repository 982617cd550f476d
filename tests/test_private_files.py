"""Files the project writes are owner-only, also over older ones; /forget leaves nothing in the WAL or the
simulator's files."""

from __future__ import annotations

import asyncio
import io
import os
import sqlite3
import stat
from datetime import UTC, datetime
from pathlib import Path

from bot.__main__ import main
from bot.clock import ManualClock
from bot.config import Settings
from bot.dispatch import Dispatcher
from bot.engine import events
from bot.store import Store
from bot.terminal import Simulator
from tests.support.sql import select

SECRET = "GEHEIMWOORD-7731"
ROUND = "leven-in-onze-stad"


def on_disk(db: Path) -> bytes:
    """The database file and its WAL, as bytes: what someone with the disk could read."""
    wal = Path(str(db) + "-wal")
    return db.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def answered(settings: Settings, store: Store) -> Dispatcher:
    dispatcher = Dispatcher(store, settings, ManualClock(datetime(2026, 12, 3, 10, tzinfo=UTC)))
    for event in (
        events.Command("start"),
        events.Button("lang:nl"),
        events.Button("consent:yes"),
        events.Button("role:newcomer"),
        events.Button(f"a:{ROUND}:wonen:3"),
        events.Button(f"a:{ROUND}:vervoer:fiets"),
        events.Text(f"Meer taallessen, {SECRET}"),
    ):
        await dispatcher.handle("terminal", "ann", event)
    return dispatcher


def test_exports_briefs_and_backups_over_an_older_file_become_owner_only(settings: Settings, tmp_path: Path) -> None:
    async def prepare() -> None:
        store = await Store.open(settings.db)
        try:
            await answered(settings, store)
        finally:
            await store.close()

    asyncio.run(prepare())
    targets = {name: tmp_path / name for name in ("answers.csv", "answers.xlsx", "brief.html", "backup.sqlite3")}
    for path in targets.values():
        if path.suffix == ".sqlite3":  # last week's backup
            with sqlite3.connect(path) as old:
                old.execute("CREATE TABLE old (x)")
        else:
            path.write_text("old")
        os.chmod(path, 0o644)
    db = ["--db", str(settings.db)]
    os.environ["SAMENSPRAAK_CONVERSATIONS"] = str(settings.conversations)
    try:
        assert main([*db, "export", "--format", "csv", "--out", str(targets["answers.csv"])]) == 0
        assert main([*db, "export", "--format", "xlsx", "--out", str(targets["answers.xlsx"])]) == 0
        assert main([*db, "brief", "--conversation", ROUND, "--out", str(targets["brief.html"])]) == 0
        assert main([*db, "backup", str(targets["backup.sqlite3"])]) == 0
    finally:
        del os.environ["SAMENSPRAAK_CONVERSATIONS"]
    for name, path in targets.items():
        assert mode(path) == 0o600, name
        assert path.stat().st_size > 3, name


async def test_secure_delete_is_on_and_forget_leaves_nothing_in_the_wal(settings: Settings, store: Store) -> None:
    rows = await select(store, "PRAGMA secure_delete")
    assert rows[0][0] == 1
    dispatcher = await answered(settings, store)
    assert SECRET.encode() in on_disk(settings.db)
    await dispatcher.handle("terminal", "ann", events.Command("forget"))
    await dispatcher.handle("terminal", "ann", events.Button("forget:yes"))
    # The store is still open: the WAL was checkpointed and emptied, and the freed pages zeroed.
    assert SECRET.encode() not in on_disk(settings.db)


async def test_the_simulators_files_go_with_forget(settings: Settings) -> None:
    clock = ManualClock(datetime(2026, 12, 3, 10, tzinfo=UTC))
    out = io.StringIO()
    lines = ["/start", "1", "1", "2", "/mydata", "/forget", "1"]
    simulator = Simulator(settings, "ann", out, clock)
    await simulator.run(io.StringIO("\n".join(lines[:5]) + "\n"), interactive=False)
    files = settings.db.parent / "terminal-files" / "ann"
    (kept,) = list(files.iterdir())
    assert kept.name.endswith(".json") and mode(kept) == 0o600
    await Simulator(settings, "ann", out, clock).run(io.StringIO("\n".join(lines[5:]) + "\n"), interactive=False)
    assert not files.exists()
    with sqlite3.connect(settings.db) as connection:
        assert connection.execute("SELECT COUNT(*) FROM participants").fetchone() == (0,)
