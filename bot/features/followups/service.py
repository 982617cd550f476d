"""The follow-up work that no single participant's message starts: meeting invitations, changes and cancellations
read from the content files, ideas and their status from those files, the minority round once enough answers are
in, and ideas forgotten for weeks flagged to organisers.

`FollowUps.tick` does all of it, idempotently, from what is stored: the live bot runs it on start, after a reload
and at most once a minute when the sender wakes; the simulator runs it after every step and at every moment its
clock passes. Everything it decides becomes outbox rows (rendered when sent), so nothing lives only in memory and a
restart repeats nothing.
"""

from __future__ import annotations

import json
import logging
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot.clock import parse_offset
from bot.content.meetings import FINAL_STATUSES, Meeting
from bot.content.model import Prompt, Round
from bot.engine.minority import minority_keys
from bot.engine.outgoing import Outgoing
from bot.engine.pacing import iso, offset
from bot.features.followups import texts
from bot.features.followups.ideas import announce_due, change_status
from bot.features.followups.rounds import sync_rounds
from bot.organise.i18n import organiser_translator
from bot.organise.plain import status_name
from bot.store import deep_democracy as dd_queries
from bot.store import followups as queries
from bot.store import network, walk_dates
from bot.store import organise as organise_queries
from bot.store.connection import in_thread
from bot.store.outbox_rows import Addressed, enqueue

if TYPE_CHECKING:
    from bot.hub import Hub as Dispatcher

log = logging.getLogger(__name__)

TICK_EVERY = timedelta(minutes=1)
SETTLE = timedelta(hours=1)  # a newcomer's invitation waits this long after they joined
CHANNELS = ("telegram", "terminal")


def fingerprint(meeting: Meeting, starts: datetime) -> dict[str, Any]:
    """What participants were told about a meeting: a change in any of it is news for them."""
    return {"date": iso(starts), "place": meeting.place, "bring": meeting.bring}


class FollowUps:
    def __init__(self, dispatcher: Dispatcher, *, every: timedelta = TICK_EVERY) -> None:
        self.dispatcher = dispatcher
        self.every = every
        self._last: datetime | None = None
        self._minority_seen: dict[str, int] = {}  # prompt -> latest answer id already looked at

    @property
    def store(self) -> Any:
        return self.dispatcher.store

    async def next_moment(self) -> datetime | None:
        """The next moment a follow-up becomes due that is not an outbox row yet: news of an idea after its meeting."""
        return await queries.next_news(self.store)

    def soon(self) -> None:
        """The content changed: the next tick looks at it, however recent the last one was."""
        self._last = None

    async def tick(self, *, force: bool = False) -> None:
        now = self.dispatcher.clock.now()
        if not force and self._last is not None and self._last <= now < self._last + self.every:
            return
        self._last = now
        library = self.dispatcher.engine.library
        await sync_rounds(self.dispatcher, now)  # rounds that open and close, and their results
        for meeting in library.meetings.values():
            await self.sync_meeting(meeting, now)
        async with self.store.transaction() as db:
            await announce_due(db, library, now)  # idea news whose meeting is now over
        for conversation in library.rounds.values():
            for prompt in conversation.prompts:
                if prompt.minority is not None:
                    await self.minority_round(conversation, prompt, now)
        if await self.store.write(walk_dates.catch_up, now):  # who joined after a walk date was announced
            log.info("walk dates: people who joined since asked")
        quiet = self.dispatcher.settings.quiet_hours
        if quiet is None or not quiet.contains(now.astimezone(self.dispatcher.settings.timezone).time()):
            await self.flag_forgotten_ideas(now)  # organisers are flagged in the day, not at three in the morning

    # -- meetings ----------------------------------------------------------------------------------------------------
    async def sync_meeting(self, meeting: Meeting, now: datetime) -> None:
        zone = self.dispatcher.engine.config.timezone
        starts, ends = texts.starts(meeting, zone), texts.ends(meeting, zone)
        told = fingerprint(meeting, starts)
        stored = await queries.meeting(self.store, meeting.id)
        upcoming = starts > now
        async with self.store.transaction() as db:
            if stored is not None:
                before = json.loads(stored["fingerprint"])
                changed = [key for key in ("date", "place", "bring") if before.get(key) != told.get(key)]
                was_cancelled = bool(stored["cancelled"])
                if meeting.cancelled and not was_cancelled:
                    await self._cancelled(db, meeting, upcoming, now)
                elif not meeting.cancelled and (changed or was_cancelled) and upcoming:
                    await self._changed(db, meeting, changed or ["date"], starts, now)
            if (
                stored is None
                or stored["fingerprint"] != json.dumps(told, sort_keys=True, ensure_ascii=False)
                or (bool(stored["cancelled"]) != meeting.cancelled)
            ):
                await queries.save_meeting(
                    db,
                    meeting.id,
                    meeting.community,
                    starts,
                    ends,
                    json.dumps(told, sort_keys=True, ensure_ascii=False),
                    meeting.cancelled,
                    now,
                )
            if upcoming and not meeting.cancelled:
                # Everyone in the community, also who joined since the last look; each is invited once.
                newcomers = await queries.uninvited(self.store, meeting.id, meeting.community)
                if newcomers:
                    due = max(now, starts - offset(meeting.invite)) if meeting.invite else now
                    await queries.invite(db, meeting.id, [recipient for recipient, _joined in newcomers], now)
                    rows = [
                        # Someone who has just joined is answering their first questions: invite them a little later.
                        queries.NewRow(r, "meeting_invite", {"meeting": meeting.id}, max(due, (joined or now) + SETTLE))
                        for r, joined in newcomers
                    ]
                    await in_thread(db, enqueue, [row.addressed for row in rows], now)
        await self.sync_ideas(meeting, now)

    async def _cancelled(self, db: Any, meeting: Meeting, upcoming: bool, now: datetime) -> None:
        told = [recipient for recipient, _rsvp in await queries.invited(db, meeting.id)]  # before the cancelling
        await self.store.call(
            queries.cancel_pending,
            ["meeting_invite", "meeting_change", "meeting_reminder"],
            key="meeting",
            value=meeting.id,
        )
        if upcoming:  # only who heard of it: an invitation that never went out is simply not sent
            rows = [queries.NewRow(r, "meeting_cancelled", {"meeting": meeting.id}, now) for r in told]
            await in_thread(db, enqueue, [row.addressed for row in rows], now)

    async def _changed(self, db: Any, meeting: Meeting, changed: list[str], starts: datetime, now: datetime) -> None:
        """Tell everyone whose invitation went out; move the reminders of those who said yes or maybe, and the
        invitations still waiting, to the new date."""
        await self.store.call(
            queries.cancel_pending,
            ["meeting_change", "meeting_reminder"],
            key="meeting",
            value=meeting.id,
            status="superseded",
        )
        if "date" in changed:
            due = starts - offset(meeting.invite) if meeting.invite else now
            await self.store.call(queries.retime_invitations, meeting.id, due, now)
        rows: list[queries.NewRow] = []
        remind_at = starts - timedelta(days=1)
        for recipient, rsvp in await queries.invited(db, meeting.id):
            rows.append(queries.NewRow(recipient, "meeting_change", {"meeting": meeting.id, "changed": changed}, now))
            if rsvp in ("yes", "maybe") and remind_at > now:
                payload = {"meeting": meeting.id, "starts": iso(starts)}
                rows.append(queries.NewRow(recipient, "meeting_reminder", payload, remind_at))
        await in_thread(db, enqueue, [row.addressed for row in rows], now)

    # -- ideas written in the meeting's file ----------------------------------------------------------------------------
    async def sync_ideas(self, meeting: Meeting, now: datetime) -> None:
        library = self.dispatcher.engine.library
        zone = self.dispatcher.engine.config.timezone
        for idea in meeting.ideas:
            in_file = json.dumps({"status": idea.status, "reason": idea.reason}, sort_keys=True, ensure_ascii=False)
            stored = await queries.idea(self.store, idea.id)
            if stored is not None and stored["meeting"] != meeting.id:
                log.warning(
                    "idea id %r of meeting %r is already used by %r; left out", idea.id, meeting.id, stored["meeting"]
                )
                continue
            if stored is not None and stored["file_status"] == in_file:
                if stored["text"] != idea.text or stored["theme"] != idea.theme:
                    async with self.store.transaction() as db:
                        await queries.update_idea_text(db, idea.id, idea.theme, idea.text)
                continue
            record = {"id": idea.id, "meeting": meeting.id, "community": meeting.community, "theme": idea.theme}
            async with self.store.transaction() as db:
                if stored is None:
                    await queries.insert_idea(
                        db,
                        idea.id,
                        meeting_id=meeting.id,
                        community=meeting.community,
                        theme=idea.theme,
                        text=idea.text,
                        status=idea.status,
                        reason=idea.reason,
                        source="file",
                        file_status=in_file,
                        now=now,
                    )
                else:
                    await queries.update_idea_text(db, idea.id, idea.theme, idea.text)
                    await queries.set_file_status(db, idea.id, in_file)
                news = stored is None or (stored["status"], stored["reason"]) != (idea.status, idea.reason)
                if news:  # the file says something new (an organiser's /idea may already have said the same)
                    await change_status(db, library, zone, record, idea.status, idea.reason, "file", now)

    # -- the minority round --------------------------------------------------------------------------------------------
    async def minority_round(self, conversation: Round, prompt: Prompt, now: datetime) -> None:
        """Once enough answers are in, ask everyone on the minority side (bot/engine/minority.py: the content's
        share, and for a scale its side), once, what the others should understand about their view. With the whole
        cycle on, the majority's turn follows. Shares are counted per channel: rehearsals never count for real."""
        assert prompt.minority is not None
        key = f"{conversation.id}:{prompt.id}"
        latest = await queries.latest_answer_id(self.store, conversation.id, prompt.id)
        if self._minority_seen.get(key) == latest and not prompt.minority.cycle:
            return
        asked = await queries.marked(self.store, "minority", key)
        by_channel: defaultdict[str, list[tuple[queries.Recipient, str]]] = defaultdict(list)
        for recipient, chosen in await queries.choices(self.store, conversation.id, prompt.id):
            by_channel[recipient.channel].append((recipient, chosen))
        rows: list[queries.NewRow] = []
        majority: list[queries.NewRow] = []
        for entries in by_channel.values():
            total = len(entries)
            if total < prompt.minority.min_answers:
                continue
            side = minority_keys(prompt, Counter(chosen for _recipient, chosen in entries))
            for recipient, chosen in entries:
                payload = {"conversation": conversation.id, "prompt": prompt.id, "option": chosen}
                if chosen in side and recipient.participant_id not in asked:
                    rows.append(queries.NewRow(recipient, "minority", payload, now))
                elif chosen not in side and side:
                    majority.append(queries.NewRow(recipient, "majority", payload, now))
        if rows:
            async with self.store.transaction() as db:
                ids = [row.recipient.participant_id for row in rows if row.recipient.participant_id is not None]
                await self.store.call(queries.mark_many, "minority", key, ids, "asked", now)
                await in_thread(db, enqueue, [row.addressed for row in rows], now)
            log.info("minority round for %s: %d participant(s) asked", key, len(rows))
        self._minority_seen[key] = latest
        if prompt.minority.cycle and majority:
            await self.majority_turn(conversation, prompt, majority, now)

    async def majority_turn(
        self, conversation: Round, prompt: Prompt, candidates: list[queries.NewRow], now: datetime
    ) -> None:
        """`majority_after` the minority round began, and once an organiser approved some of the minority's words,
        the others are shown them and asked what they can take from them; each once."""
        assert prompt.minority is not None
        key = f"{conversation.id}:{prompt.id}"
        began = await dd_queries.minority_began(self.store, key)
        if began is None or now < began + parse_offset(prompt.minority.majority_after):
            return
        if not await dd_queries.approved_voices(self.store, conversation.id, prompt.id, limit=1):
            return
        told = await queries.marked(self.store, "majority", key) | await queries.marked(self.store, "minority", key)
        rows = [row for row in candidates if row.recipient.participant_id not in told]
        if not rows:
            return
        async with self.store.transaction() as db:
            ids = [row.recipient.participant_id for row in rows]
            await self.store.call(queries.mark_many, "majority", key, ids, "asked", now)
            await in_thread(db, enqueue, [row.addressed for row in rows], now)
        log.info("majority turn for %s: %d participant(s) asked", key, len(rows))

    # -- ideas nobody has touched for weeks ------------------------------------------------------------------------------
    async def flag_forgotten_ideas(self, now: datetime) -> None:
        settings = self.dispatcher.settings
        weeks = settings.idea_stale_weeks
        forgotten = await queries.forgotten_ideas(self.store, now - timedelta(weeks=weeks), FINAL_STATUSES)
        if not forgotten:
            return
        recipients = [
            (channel, address)
            for channel in CHANNELS
            for address in await organise_queries.organisers(self.store, settings, channel)
        ]
        if not recipients:
            return  # nobody to tell yet: flag them once an organiser exists
        scopes = await self.store.call(network.scopes)  # community organisers hear of their communities' ideas only
        async with self.store.transaction() as db:
            for idea in forgotten:
                told = [
                    (channel, address)
                    for channel, address in recipients
                    if (channel, address) not in scopes or idea["community"] in scopes[(channel, address)]
                ]
                if not told:
                    continue  # no organiser of its community, and no network organiser: flagged once there is one
                await queries.mark_flagged(db, idea["id"], now)
                for channel, address in told:
                    language = await self.store.call(organise_queries.organiser_language_of, channel, address)
                    o = organiser_translator(language)
                    text = "⏳ " + o.format(
                        o.ogettext(
                            "Idea {id} (“{idea}”) has been “{status}” for {weeks} weeks. Is there news for the "
                            "participants? Send /idea {id} planned, done or not-possible with a reason."
                        ),
                        id=idea["id"],
                        idea=next(iter(idea["text"].values()), ""),
                        status=status_name(o, idea["status"]),
                        weeks=weeks,
                    )
                    message = Outgoing(text, kind="organiser")
                    await self.store.call(enqueue, [Addressed(channel, address, None, message)], now)
        log.info("%d idea(s) without news for %d weeks flagged to organisers", len(forgotten), weeks)
