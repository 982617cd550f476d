"""The one list of features and the kinds registry: what the sender treats specially comes from the feature
packages, organiser commands exist only when their router is in the table, and one function writes outbox rows
for one recipient or many."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from bot.engine.outgoing import Outgoing
from bot.features.wiring import FEATURES, KINDS, LOADERS, PACKAGES
from bot.organise.context import OrganiserContext, OrganiserRouter
from bot.organise.i18n import ON_
from bot.organise.table import BUTTONS, COMMANDS
from bot.outbox.kinds import Kinds, MessageKind
from bot.outbox.sender import Sender
from bot.store import Store
from bot.store.outbox_rows import Addressed, enqueue

NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)

# What bot/outbox/sender.py listed by hand before the registry: the registry must say the same.
RENDERED_BEFORE = {
    "reminder",
    "walk_card",
    "walk_end",
    "walk_followup",
    "next_prompt",
    "meeting_invite",
    "meeting_change",
    "meeting_cancelled",
    "meeting_reminder",
    "idea_update",
    "minority",
    "round_results",
    "walk_date_call",
    "walk_date_invite",
    "majority",
}
NEVER_EXPIRED_BEFORE = {
    "next_prompt",
    "meeting_invite",
    "meeting_change",
    "meeting_cancelled",
    "walk_date_call",
    "walk_date_invite",
}


def test_the_registry_keeps_what_the_sender_did_by_hand() -> None:
    assert KINDS.rendered == RENDERED_BEFORE
    assert KINDS.never_expire == NEVER_EXPIRED_BEFORE
    assert KINDS.sends_to_others == {"walk_outbox", "walk_date_lead", "safeguarding"}


def test_the_sender_derives_its_lists_from_the_registry() -> None:
    extra = Kinds.of([MessageKind("postcard", render=None, expires=False)])
    sender = Sender(None, None, None, kinds=extra)  # type: ignore[arg-type]
    assert sender.never_expire == {"postcard"} and sender.rendered == frozenset()
    assert Sender(None, None, None).never_expire == frozenset()  # type: ignore[arg-type]


def test_a_kind_declared_twice_is_an_error() -> None:
    try:
        Kinds.of([MessageKind("walk_card"), MessageKind("walk_card")])
    except ValueError as error:
        assert "walk_card" in str(error)
    else:
        raise AssertionError("a kind declared twice was accepted")


def test_every_feature_is_listed_once_and_each_loader_belongs_to_one() -> None:
    names = [feature.name for feature in FEATURES]
    assert len(names) == len(set(names))
    assert {name for name, _load in LOADERS} <= set(names)
    assert names[:3] == ["heard", "edits", "walk"]  # the order in which the engine offers a message
    assert len(PACKAGES) == 7


def test_an_organiser_router_not_in_the_table_adds_nothing() -> None:
    stray = OrganiserRouter()

    @stray.command("stray", ON_("what organisers can do here"))
    async def handler(ctx: OrganiserContext, args: str) -> None:
        """Never reachable: its router is not included."""

    assert "stray" in stray.commands and "stray" not in COMMANDS
    assert list(COMMANDS)[:2] == ["organiser", "reload"] and list(COMMANDS)[-1] == "idea"
    assert {"ann-send", "mod-ok", "wd-cancel", "sg-care"} <= set(BUTTONS)


async def test_one_writer_puts_rows_in_the_outbox_for_one_recipient_or_many(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "outbox.sqlite3")
    try:
        many = [Addressed("terminal", f"p{number}", None, Outgoing(f"hello {number}")) for number in range(2500)]
        assert await store.write(enqueue, many, NOW) == []  # not claimed: the sender sends them
        reply = Addressed("terminal", "organiser", None, Outgoing("done", kind="organiser"))
        later = Addressed("terminal", "organiser", None, Outgoing("later", due_at=NOW.replace(hour=10)))
        claimed = await store.write(enqueue, [reply, later], NOW, claim=True)
        assert [row.payload["text"] for row in claimed] == ["done"]  # due now: handed back in flight
    finally:
        await store.close()
    with sqlite3.connect(tmp_path / "outbox.sqlite3") as db:
        counts = dict(db.execute("SELECT status, COUNT(*) FROM outbox GROUP BY status").fetchall())
    assert counts == {"pending": 2501, "sending": 1}
