"""Safeguarding: an answer with words of distress or danger is flagged to every organiser at once, by pseudonym.

The word lists are content (`conversations/safeguarding.yaml`, kind `safeguarding`), read by the matcher in
bot/distress in the participant's language (plus Dutch and English). Dispatch hands every result to `inspect`,
which adds a `safeguarding` record, with the kinds of flag found, when a stored or edited text matches; its writer
(`bot/store/organise.py`) stores the flag and queues a message to each organiser in the same transaction as the
answer, so a flag is never lost and never sent for an answer that was not stored. An organiser can then send the
participant the help lines for that kind of flag (bot/organise/care.py) with one button, without ever learning
who they are.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from bot.content.loader import Library
from bot.distress import kinds_of, lists_of, match
from bot.engine import events
from bot.engine.outgoing import Record, Result
from bot.organise.care import care_message
from bot.organise.common import prompt_text_nl
from bot.organise.context import OrganiserContext, OrganiserRouter
from bot.organise.flag_followups import photo_on_the_card
from bot.organise.flag_text import flag_message
from bot.organise.parse import record_id
from bot.store import organise as queries

if TYPE_CHECKING:
    from bot.hub import Hub as Dispatcher

EXCERPT = 600  # characters of the answer shown in the flag; the full text is in the export


def distress_words(text: str, library: Library, language: str | None = None) -> list[str]:
    """The words of distress or danger in a text, as the matcher read them; empty when there are none."""
    return list(dict.fromkeys(found.found for found in match(text, language, lists_of(library))))


def _texts(result: Result) -> Iterable[tuple[dict[str, Any], str]]:
    for answer in result.answers:
        text = answer.value.get("text")
        if isinstance(text, str):
            where: dict[str, Any] = {"conversation": answer.conversation, "prompt_id": answer.prompt_id}
            photo = answer.value.get("photo")
            if isinstance(photo, str):  # a caption: the card goes as the photo's caption (bot/store/organise.py)
                where["attach"] = photo_on_the_card(result.state.channel, photo)
            yield where, text
    for record in result.records:
        # An edited text answer (bot.store.edits) is read again: someone may add what they first left out.
        value = record.data.get("value")
        if record.kind == "answer_edit" and isinstance(value, dict) and isinstance(value.get("text"), str):
            yield {"answer_id": record.data.get("answer_id")}, value["text"]
        if record.kind == "heard_typed":  # words typed instead of a transcript (bot/features/heard/feature.py)
            yield {"answer_id": record.data.get("answer_id")}, record.data["text"]


def _unstored(event: events.Event | None, read: list[tuple[dict[str, Any], str]]) -> list[tuple[dict[str, Any], str]]:
    """A text the participant typed that was not taken as an answer (typed at a button question, between questions,
    or after the round): not kept as an answer, but words of distress in it must still reach someone."""
    if isinstance(event, events.Text) and event.text.strip() and all(text != event.text for _where, text in read):
        return [({"outside": True}, event.text)]
    return []


def inspect(dispatcher: Dispatcher, result: Result, event: events.Event | None = None) -> None:
    """Add a safeguarding record for each text with words of distress, written with the answer; a text that was
    not an answer is flagged too, kept with the flag only."""
    if result.forget:
        return
    library = dispatcher.engine.library
    read = list(_texts(result))
    for where, text in read + _unstored(event, read):
        found = match(text, result.state.language, lists_of(library))
        if not found:
            continue
        organisers = (
            sorted(str(user) for user in dispatcher.settings.organisers) if result.state.channel == "telegram" else []
        )
        result.records.append(
            Record(
                "safeguarding",
                {
                    **where,
                    "question": prompt_text_nl(library, where["conversation"], where["prompt_id"])
                    if "prompt_id" in where
                    else None,
                    "words": list(dict.fromkeys(one.found for one in found)),
                    "kinds": kinds_of(found),
                    "excerpt": text[:EXCERPT],
                    "pseudonym": result.state.pseudonym,
                    "channel": result.state.channel,
                    "organisers": organisers,
                },
            )
        )


def _kinds(flag: dict[str, Any]) -> list[str]:
    try:
        kinds = json.loads(flag.get("kinds") or "[]")
    except ValueError:
        return []
    return [str(kind) for kind in kinds] if isinstance(kinds, list) else []


router = OrganiserRouter()  # included in the organiser table, bot/organise/table.py


@router.button("sg-care")
async def send_help_lines(ctx: OrganiserContext, rest: str) -> None:
    """An organiser sends a flagged participant the help lines; the flag counts as handled."""
    o = ctx.o
    flag_id = record_id(rest)
    flag = await queries.flag(ctx.store, flag_id) if flag_id is not None else None
    if flag is None:
        ctx.reply(o.ogettext("This flag no longer exists: the participant may have deleted their data."))
        return
    message = care_message(flag["language"], ctx.settings.contact, ctx.library, _kinds(flag))
    ctx.change(
        queries.message_to_participant(flag["participant_id"], flag["channel"], flag["address"], message, ctx.now),
        messages_others=True,
    )
    ctx.change(queries.handle_flag(flag["id"], ctx.who, ctx.now))
    ctx.log("safeguarding-care", flag=flag["id"])  # no pseudonym: the log outlives a /forget
    ctx.reply("✅ " + o.format(o.ogettext("The help lines were sent to {pseudonym}."), pseudonym=flag["pseudonym"]))


@router.button("sg-done")
async def mark_handled(ctx: OrganiserContext, rest: str) -> None:
    o = ctx.o
    flag_id = record_id(rest)
    flag = await queries.flag(ctx.store, flag_id) if flag_id is not None else None
    if flag is None:
        ctx.reply(o.ogettext("This flag no longer exists: the participant may have deleted their data."))
        return
    ctx.change(queries.handle_flag(flag["id"], ctx.who, ctx.now))
    ctx.log("safeguarding-handled", flag=flag["id"])
    ctx.reply("✅ " + o.format(o.ogettext("Flag for {pseudonym} marked as handled."), pseudonym=flag["pseudonym"]))


__all__ = ["care_message", "distress_words", "flag_message", "inspect"]
