"""Rounds in sequence: which round of a community is open at a moment, and the checks across rounds.

A Hapje!Klapje series is one round after another: each round of a community says when it opens (`opens`, a moment in
the city's time), when it closes (`closes`), or that it follows another (`after: <round id>`: it opens when that one
closes, by its date or because an organiser closed it). A round with none of these is open all the time, as before.
Two rounds of one community that may be open at once, with no order between them, are an error: one of them would
silently never be used.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.content.checker import Problem
from bot.content.model import Round


class Library(Protocol):
    """What sequencing reads of the content (bot/content/loader.py `Library`): its rounds by id."""

    @property
    def rounds(self) -> Mapping[str, Round]: ...

    @property
    def sources(self) -> Mapping[str, Path]: ...


ZONE = ZoneInfo("Europe/Brussels")
FAR_PAST = datetime(1970, 1, 1, tzinfo=UTC)
FAR_FUTURE = datetime(9999, 1, 1, tzinfo=UTC)


def moment(value: datetime | None, zone: ZoneInfo) -> datetime | None:
    """A content date (city time, unless it names its zone) as an aware moment."""
    if value is None:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=zone)


def closed_at(conversation: Round, zone: ZoneInfo, closed: Iterable[str] = ()) -> datetime | None:
    """When the round closes by its date; FAR_PAST when an organiser closed it already."""
    if conversation.id in closed:
        return FAR_PAST
    return moment(conversation.closes, zone)


def opens_at(library: Library, conversation: Round, zone: ZoneInfo, closed: Iterable[str] = ()) -> datetime | None:
    """When the round opens: its own date, or when the round it comes after closes (None: never, as far as the
    content knows; FAR_PAST: from the start)."""
    closed = frozenset(closed)
    own = moment(conversation.opens, zone)
    if conversation.follows is None:
        return own or FAR_PAST
    previous = library.rounds.get(conversation.follows)
    if previous is None:
        return None
    before = closed_at(previous, zone, closed)
    if before is None:
        return None  # it opens once the previous round closes, and that has no date yet
    return max(before, own) if own else before


def is_open(
    library: Library, conversation: Round, now: datetime, zone: ZoneInfo = ZONE, closed: Iterable[str] = ()
) -> bool:
    closed = frozenset(closed)
    start = opens_at(library, conversation, zone, closed)
    end = closed_at(conversation, zone, closed)
    return start is not None and start <= now and (end is None or now < end)


def is_closed(
    library: Library, conversation: Round, now: datetime, zone: ZoneInfo = ZONE, closed: Iterable[str] = ()
) -> bool:
    end = closed_at(conversation, zone, frozenset(closed))
    return end is not None and end <= now


def sequenced(conversation: Round) -> bool:
    """A round that opens at a moment (so its participants are told when it does), not one open from the start."""
    return conversation.opens is not None or conversation.follows is not None


def round_for(
    library: Library, community: str, now: datetime | None, zone: ZoneInfo = ZONE, closed: Iterable[str] = ()
) -> Round | None:
    """The round a participant of this community answers now; the default community's when it has none open.

    Without a moment (`now` None) the first round of the community, as before rounds had dates."""
    closed = frozenset(closed)
    for wanted in (community, "default"):
        mine = [conversation for conversation in library.rounds.values() if conversation.community == wanted]
        if now is None and mine:
            return mine[0]
        open_now = (
            [conversation for conversation in mine if is_open(library, conversation, now, zone, closed)] if now else []
        )
        if open_now:
            # The latest to open wins, should two be open at once: `check` reports that as an error anyway.
            return max(open_now, key=lambda c: opens_at(library, c, zone, closed) or FAR_PAST)
        if mine:
            return None  # the community has rounds, none open now: no questions, not another community's
    if now is None:
        return next(iter(library.rounds.values()), None)
    return next((c for c in library.rounds.values() if is_open(library, c, now, zone, closed)), None)


# -- checks across rounds ---------------------------------------------------------------------------------------------
def _line(path: Path, key: str) -> int:
    try:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if line.startswith(f"{key}:"):
                return number
    except OSError:
        pass
    return 1


def _span(library: Library, conversation: Round) -> tuple[datetime, datetime]:
    start = opens_at(library, conversation, ZONE) or FAR_FUTURE
    end = closed_at(conversation, ZONE) or FAR_FUTURE
    return start, end


def _ordered(library: Library, first: Round, second: Round) -> bool:
    """Whether one of the two comes after the other, directly or through rounds in between."""
    for a, b in ((first, second), (second, first)):
        seen: set[str] = set()
        current: Round | None = a
        while current is not None and current.follows and current.id not in seen:
            seen.add(current.id)
            if current.follows == b.id:
                return True
            current = library.rounds.get(current.follows)
    return False


def sequence_problems(library: Library) -> list[Problem]:
    """`after` pointing nowhere or in a circle, a round closing before it opens, and overlapping rounds of one
    community with no order between them."""
    found: list[Problem] = []
    rounds = list(library.rounds.values())
    for conversation in rounds:
        path = library.sources.get(conversation.id, Path(conversation.id))
        if conversation.follows is not None:
            previous = library.rounds.get(conversation.follows)
            if previous is None:
                found.append(Problem(path, _line(path, "after"), f"after: there is no round {conversation.follows!r}"))
                continue
            if previous.community != conversation.community:
                found.append(
                    Problem(
                        path,
                        _line(path, "after"),
                        f"after: round {previous.id!r} is of community {previous.community!r}, not"
                        f" {conversation.community!r}",
                    )
                )
            seen: set[str] = set()
            current: Round | None = conversation
            while current is not None and current.follows:
                if current.id in seen:
                    found.append(Problem(path, _line(path, "after"), "after: the rounds follow each other in a circle"))
                    break
                seen.add(current.id)
                current = library.rounds.get(current.follows)
        opens, closes = moment(conversation.opens, ZONE), moment(conversation.closes, ZONE)
        if opens and closes and closes <= opens:
            found.append(Problem(path, _line(path, "closes"), "closes: the round closes before it opens"))
    for index, first in enumerate(rounds):
        for second in rounds[index + 1 :]:
            if first.community != second.community or _ordered(library, first, second):
                continue
            (start_a, end_a), (start_b, end_b) = _span(library, first), _span(library, second)
            if start_a < end_b and start_b < end_a:
                path = library.sources.get(second.id, Path(second.id))
                found.append(
                    Problem(
                        path,
                        _line(path, "id"),
                        f"rounds {first.id!r} and {second.id!r} of community {first.community!r} overlap with no"
                        f" order: give one `after: {first.id}`, or dates with `opens`/`closes` that do not overlap",
                    )
                )
    return found
