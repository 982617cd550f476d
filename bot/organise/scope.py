"""Organisers per community: a community organiser sees, moderates, exports, announces and briefs only their own
communities; a network organiser (no community given) sees all of them.

    samenspraak organiser add 12345 --community gent --community aalst

Every organiser command and button passes `allowed` before it runs: a command that names a round, walk, meeting,
idea or community outside the organiser's communities is refused, and a button about an answer, flag,
announcement, idea or walk date of another community is refused, all without revealing anything of it. Lists
without a name (the moderation queue, an export of everything) are filtered by the handler with `ctx.scope`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from bot.content.loader import Library
from bot.organise.parse import record_id
from bot.store import network

if TYPE_CHECKING:
    from bot.organise.context import OrganiserContext

Scope = frozenset[str] | None  # None: a network organiser


def covers(scope: Scope, community: str | None) -> bool:
    return scope is None or (community is not None and community in scope)


def community_named(library: Library, token: str) -> str | None:
    """The community of a round, walk or meeting id, or a community code itself; None when it names none."""
    for shelf in (library.rounds, library.walks, library.meetings):
        if token in shelf:
            return str(shelf[token].community)
    return token if token in library.communities() else None


async def _of_answer(ctx: OrganiserContext, rest: str) -> str | None:
    key = record_id(rest)  # not int(rest): 60 digits would overflow SQLite
    return await ctx.store.call(network.community_of_answer, key) if key is not None else None


async def _of_flag(ctx: OrganiserContext, rest: str) -> str | None:
    key = record_id(rest)
    return await ctx.store.call(network.community_of_flag, key) if key is not None else None


def _of_row(table: str) -> Callable[[OrganiserContext, str], Awaitable[str | None]]:
    async def find(ctx: OrganiserContext, rest: str) -> str | None:
        key = record_id(rest)
        return await ctx.store.call(network.community_of_row, table, key) if key is not None else None

    return find


# Button action -> how to find the community of the thing the button is about.
BUTTON_COMMUNITY: dict[str, Callable[[OrganiserContext, str], Awaitable[str | None]]] = {
    "mod-ok": _of_answer,
    "mod-hide": _of_answer,
    "sg-care": _of_flag,
    "sg-done": _of_flag,
    "ann-send": _of_row("announcements"),
    "ann-cancel": _of_row("announcements"),
    "wd-cancel": _of_row("walk_dates"),
}


async def allowed(
    ctx: OrganiserContext, *, command: str | None = None, args: str = "", action: str | None = None, rest: str = ""
) -> str | None:
    """None when the organiser may do this; else the community it is about (to say what was refused)."""
    if ctx.scope is None:
        return None
    if action is not None:
        find = BUTTON_COMMUNITY.get(action)
        community = await find(ctx, rest) if find is not None else None
        return community if community is not None and not covers(ctx.scope, community) else None
    for token in args.split()[:4]:
        community = community_named(ctx.library, token)
        if community is None and command == "idea":
            community = await ctx.store.call(network.community_of_row, "ideas", token)
        if community is not None and not covers(ctx.scope, community):
            return community
    return None


def refusal(ctx: OrganiserContext, community: str) -> None:
    o = ctx.o
    ctx.reply(
        "⛔ "
        + o.format(
            o.ogettext("That belongs to community {community}; you are an organiser of {yours}."),
            community=community,
            yours=", ".join(sorted(ctx.scope or ())),
        )
    )
    ctx.log("refused", community=community)


def network_only_refusal(ctx: OrganiserContext, command: str) -> None:
    """A command that acts for every community at once (reloading everyone's content) is a network organiser's."""
    o = ctx.o
    ctx.reply(
        "⛔ "
        + o.format(
            o.ogettext(
                "Sorry, /{command} changes things for every community, so only a network organiser can use it. "
                "You are an organiser of {yours}; please ask a network organiser."
            ),
            command=command,
            yours=", ".join(sorted(ctx.scope or ())),
        )
    )
    ctx.log("refused", command=command)
