"""Organisers per community, command by command: a community organiser can neither act on nor see another community,
whatever command or button they use; what acts for every community at once is a network organiser's; and every
organiser change is written with its log line in one transaction."""

from __future__ import annotations

import asyncio
import sqlite3
import zipfile
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.config import Settings
from bot.engine import events
from bot.store import organise as organisers
from tests.support.followups import World, with_content
from tests.support.network import AALST_WITH_TEXT, BOB_SAYS, GENT_ONE, START, join, two, write

__all__ = ["two"]  # the fixture, shared from tests/support/network.py


def read(world: World, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(world.settings.db) as db:
        return db.execute(sql).fetchall()


def bob(world: World) -> str:
    return str(read(world, "SELECT pseudonym FROM participants WHERE address = 'bob'")[0][0])


def text_id(world: World) -> int:
    return int(read(world, "SELECT id FROM answers WHERE prompt_id = 'idee'")[0][0])  # type: ignore[arg-type]


# What must stay as it was after each refused attempt.
STATE = (
    "SELECT (SELECT group_concat(moderation) FROM answers WHERE prompt_id = 'idee'),"
    " (SELECT COUNT(*) FROM safeguarding_flags WHERE handled_at IS NULL),"
    " (SELECT group_concat(status) FROM announcements), (SELECT group_concat(status) FROM walk_dates),"
    " (SELECT group_concat(id || ':' || status) FROM ideas),"
    " (SELECT COUNT(*) FROM round_status WHERE closed_at IS NOT NULL OR results_at IS NOT NULL)"
)

ATTEMPTS = {
    "export": lambda w: events.Command("export", "json aalst-een"),
    "brief": lambda w: events.Command("brief", "aalst-een"),
    "stats": lambda w: events.Command("stats", "aalst-een"),
    "announce": lambda w: events.Command("announce", "aalst || nl: Van Gent"),
    "announce-send": lambda w: events.Button("org:ann-send:1"),
    "announce-cancel": lambda w: events.Button("org:ann-cancel:1"),
    "moderate-approve": lambda w: events.Button(f"org:mod-ok:{text_id(w)}"),
    "moderate-hide": lambda w: events.Button(f"org:mod-hide:{text_id(w)}"),
    "flag-care": lambda w: events.Button("org:sg-care:1"),
    "flag-done": lambda w: events.Button("org:sg-done:1"),
    "idea-show": lambda w: events.Command("idea", "aalst-idee"),
    "idea-status": lambda w: events.Command("idea", "aalst-idee done"),
    "idea-add": lambda w: events.Command("idea", "add avond-aalst mobility Nog meer bussen"),
    "round-close": lambda w: events.Command("round", "close aalst-een"),
    "round-results": lambda w: events.Command("round", "results aalst-een"),
    "walkdate-add": lambda w: events.Command("walkdate", "wandeling-aalst 2026-12-21 14:00"),
    "walkdate-cancel": lambda w: events.Button("org:wd-cancel:1"),
}


@pytest.mark.parametrize("attempt", list(ATTEMPTS))
async def test_a_community_organiser_cannot_act_on_another_community(two: World, attempt: str) -> None:
    before = read(two, STATE)
    assert before[0][0] == "pending" and before[0][1] == 1 and before[0][3] == "open"  # the fixture's Aalst
    files = set(two.settings.organiser_files.glob("*"))

    replies = await two.send("gent-org", ATTEMPTS[attempt](two), organiser=True)

    assert replies[0].text.startswith("⛔") and "aalst" in replies[0].text and "gent" in replies[0].text
    seen = "\n".join(message.text for message in two.channel.to("gent-org"))
    assert bob(two) not in seen and BOB_SAYS not in seen and "Meer bussen" not in seen
    assert read(two, STATE) == before
    assert set(two.settings.organiser_files.glob("*")) == files  # no export or brief made
    log = await two.store.read(organisers.actions)
    assert log[0]["action"] == "refused" and log[0]["detail"]["community"] == "aalst"  # newest first


SEEING = {
    "moderate": ("moderate", ""),
    "stats": ("stats", ""),
    "ideas": ("idea", ""),
    "walk dates": ("walkdate", ""),
    "rounds": ("round", ""),
    "announce usage": ("announce", ""),
    "help": ("organiser", ""),
    "own export": ("export", "csv"),
    "media": ("media", "20"),
    "flags": ("flags", ""),
}


@pytest.mark.parametrize("command", list(SEEING))
async def test_a_community_organiser_sees_nothing_of_another_community(two: World, command: str) -> None:
    name, args = SEEING[command]
    if command == "media":  # Aalst's answer came as a voice note (kept; its words typed)
        with sqlite3.connect(two.settings.db) as db:
            db.execute(
                "INSERT INTO media (answer_id, participant_id, kind, source, status, created_at)"
                " SELECT a.id, a.participant_id, 'voice', 'telegram:voice', 'kept', a.created_at FROM answers a"
                " WHERE a.prompt_id = 'idee'"
            )
    replies = await two.send("gent-org", events.Command(name, args), organiser=True)
    shown = "\n".join(message.text for message in replies)
    assert replies and not shown.startswith("⛔")
    for secret in ("aalst", bob(two), BOB_SAYS, "Meer bussen", "wandeling-aalst"):
        assert secret not in shown.lower() if secret == "aalst" else secret not in shown, (command, secret)
    if command == "stats":
        assert "📝 0 " in shown  # nothing of Aalst waits for moderation in Gent's count
        assert "🚨" not in shown  # Aalst's open flag is not counted for Gent
    for path in two.settings.organiser_files.glob("*.zip"):
        with zipfile.ZipFile(path) as archive:
            data = "".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
        assert bob(two) not in data and "aalst" not in data
    # The Aalst organiser does see them.
    theirs = await two.send("aalst-org", events.Command(name, args), organiser=True)
    if command in ("moderate", "ideas", "walk dates", "media", "flags"):
        assert any(s in "\n".join(m.text for m in theirs) for s in (BOB_SAYS, "aalst-idee", "#1"))


async def test_reload_is_a_network_organisers_and_a_community_organiser_is_told_so_politely(two: World) -> None:
    refused = await two.send("gent-org", events.Command("reload"), organiser=True)
    assert refused[0].text.startswith("⛔") and "netwerkorganisator" in refused[0].text
    assert "gent" in refused[0].text
    help_text = (await two.send("gent-org", events.Command("organiser"), organiser=True))[0].text
    assert "/reload" not in help_text and "/export" in help_text and "organisator van gent" in help_text
    done = await two.send("netwerk", events.Command("reload"), organiser=True)
    assert done[0].text.startswith("✅")
    assert "/reload" in (await two.send("netwerk", events.Command("organiser"), organiser=True))[0].text


async def test_a_change_and_its_log_line_are_one_transaction(two: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """Should the log line fail, the walk date, the closing of a round, the results and the draft are not kept."""

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the log is full")

    before = read(two, STATE)
    walk_dates = read(two, "SELECT COUNT(*) FROM walk_dates")
    monkeypatch.setattr(organisers, "log_action", broken)
    for command, args in (
        ("walkdate", "wandeling-aalst 2026-12-22 14:00"),
        ("round", "close aalst-een"),
        ("round", "results aalst-een"),
        ("announce", "aalst || nl: Nog eens"),
    ):
        with pytest.raises(RuntimeError):
            await two.send("aalst-org", events.Command(command, args), organiser=True)
    monkeypatch.undo()
    assert read(two, STATE) == before and read(two, "SELECT COUNT(*) FROM walk_dates") == walk_dates
    assert read(two, "SELECT COUNT(*) FROM announcements") == [(1,)]

    closed = await two.send("aalst-org", events.Command("round", "close aalst-een"), organiser=True)
    assert closed[0].text.startswith("⏹")
    [(closed_at, by)] = read(two, "SELECT closed_at, closed_by FROM round_status WHERE conversation = 'aalst-een'")
    assert closed_at and by == "terminal:aalst-org"
    log = await two.store.read(organisers.actions)
    entry = next(e for e in log if e["action"] == "round-close")
    assert entry["detail"]["community"] == "aalst" and entry["detail"]["scope"] == ["aalst"]
    assert entry["created_at"] == closed_at
    again = await two.send("aalst-org", events.Command("round", "close aalst-een"), organiser=True)
    assert "al gesloten" in again[0].text or "closed already" in again[0].text
    added = await two.send("aalst-org", events.Command("walkdate", "wandeling-aalst 2026-12-27 10:00"), organiser=True)
    assert "#2" in added[0].text
    newest = next(e for e in await two.store.read(organisers.actions) if e["action"] == "walkdate-add")
    assert newest["detail"]["walk_date"] == 2


async def test_closing_a_round_says_what_opens_after_it_and_opens_it(two: World) -> None:
    closed = await two.send("gent-org", events.Command("round", "close gent-een"), organiser=True)
    assert closed[0].text.startswith("⏹ Ronde gesloten") and "Gaat nu open: gent-twee." in closed[0].text
    assert "resultaten gaan naar de deelnemers" in closed[0].text
    anna = await two.store.load_participant("terminal", "anna")
    assert anna is not None and anna.conversation == "gent-twee"  # opened right after the close was written
    live = await two.send("gent-org", events.Command("stats"), organiser=True)
    assert "Wat helpt je aan werk?" in live[0].text  # the live view follows the round that is open now (gent-twee)
    alone = await two.send("aalst-org", events.Command("round", "close aalst-een"), organiser=True)
    assert "Gaat nu open" not in alone[0].text  # nothing comes after Aalst's round
    usage = await two.send("aalst-org", events.Command("announce"), organiser=True)
    assert "/announce aalst\n" in usage[0].text  # the example names their own community


async def test_what_follows_a_flag_goes_where_the_flag_went(two: World) -> None:
    """A flagged answer's translation (and photo) follows its card: to Aalst's organiser and the network only."""
    from bot.organise.flag_followups import send_flag_translation

    sent = await two.store.write(send_flag_translation, text_id(two), "My husband hits me", "test", [], two.clock.now())
    assert sent
    rows = read(two, "SELECT address, payload FROM outbox WHERE payload LIKE '%My husband hits me%'")
    assert sorted(address for address, _payload in rows) == ["aalst-org", "netwerk"]


async def test_a_flag_that_waited_for_organisers_goes_only_to_those_of_its_community(
    settings: Settings, tmp_path: Path
) -> None:
    """Raised before any organiser existed; adding a community organiser of another community does not reveal it."""
    from bot.__main__ import main
    from tests.conftest import CONVERSATIONS

    words = (CONVERSATIONS / "safeguarding.yaml").read_text(encoding="utf-8")
    helplines = (CONVERSATIONS / "helplines.yaml").read_text(encoding="utf-8")
    files = {"gent-een.yaml": GENT_ONE, "aalst-een.yaml": AALST_WITH_TEXT, "safeguarding.yaml": words}
    folder = write(tmp_path / "c", {**files, "helplines.yaml": helplines})
    world = await World.open(with_content(settings, folder), ManualClock(START))
    try:
        await join(world, "omar", "aalst", role="newcomer")
        await world.press("omar", "a:aalst-een:vervoer:bus")
        await world.send("omar", BOB_SAYS)
        db = ["--channel", "terminal", "--db", str(world.settings.db)]
        for name, communities in (("gent-org", ["--community", "gent"]), ("aalst-org", ["--community", "aalst"])):
            assert await asyncio.to_thread(main, ["organiser", "add", name, *communities, *db]) == 0
        assert await asyncio.to_thread(main, ["organiser", "add", "netwerk", *db]) == 0
        rows = read(world, "SELECT address FROM outbox WHERE kind = 'organiser' AND payload LIKE '%slaat mij%'")
        assert sorted(address for (address,) in rows) == ["aalst-org"]  # the first one it may go to
        log = [e["action"] for e in await world.store.read(organisers.actions)]
        assert log.count("organiser-communities") == 2 and log.count("organiser-add") == 3
    finally:
        await world.close()
