"""Safeguarding: an answer with words of distress or danger is flagged to every organiser at once, by pseudonym.

The word lists are content (`conversations/safeguarding.yaml`, kind `safeguarding`). Dispatch hands every result to
`inspect`, which adds a `safeguarding` record when a stored or edited text matches; the record's writer
(`bot/store/organise.py`) stores the flag and queues a message to each organiser in the same transaction as the
answer, so a flag is never lost and never sent for an answer that was not stored. An organiser can then send the
participant the help lines with one button, without ever learning who they are.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from bot.content.loader import Library
from bot.engine.notices import help_lines
from bot.engine.outgoing import Outgoing, Record, Result
from bot.i18n import translator
from bot.organise.commands import OrganiserContext, button, organiser_button
from bot.organise.common import prompt_text_nl
from bot.organise.i18n import organiser_translator
from bot.organise.parse import record_id
from bot.store import organise as queries

if TYPE_CHECKING:
    from bot.dispatch import Dispatcher

EXCERPT = 600  # characters of the answer shown in the flag; the full text is in the export


def _normal(text: str) -> str:
    """Compare like with like: case, composed accents, and the Arabic/Persian letter variants people type."""
    text = unicodedata.normalize("NFC", text).casefold()
    return text.replace("\u200c", "").replace("ي", "ی").replace("ك", "ک").replace("ʼ", "'").replace("’", "'")


def _pattern(word: str) -> str:
    word = _normal(word.strip())
    head = r"\w*" if word.startswith("*") else ""
    tail = r"\w*" if word.endswith("*") else ""
    core = r"\s+".join(re.escape(part) for part in word.strip("*").split())
    return head + core + tail


@lru_cache(maxsize=8)
def _matcher(words: tuple[str, ...]) -> re.Pattern[str] | None:
    patterns = [_pattern(word) for word in words if word.strip("* ")]
    if not patterns:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(patterns) + r")(?!\w)")


def word_list(library: Library) -> tuple[str, ...]:
    words: list[str] = []
    for content in library.safeguarding.values():
        for language_words in getattr(content, "words", {}).values():
            words.extend(language_words)
    return tuple(sorted(set(words)))


def distress_words(text: str, library: Library) -> list[str]:
    """The words of distress or danger in a text, in every language's list; empty when there are none."""
    matcher = _matcher(word_list(library))
    if matcher is None or not text:
        return []
    found: list[str] = []
    for match in matcher.finditer(_normal(text)):
        if match.group(0) not in found:
            found.append(match.group(0))
    return found


def _texts(result: Result) -> Iterable[tuple[dict[str, Any], str]]:
    for answer in result.answers:
        text = answer.value.get("text")
        if isinstance(text, str):
            yield {"conversation": answer.conversation, "prompt_id": answer.prompt_id}, text
    for record in result.records:
        # An edited text answer (bot.store.edits) is read again: someone may add what they first left out.
        value = record.data.get("value")
        if record.kind == "answer_edit" and isinstance(value, dict) and isinstance(value.get("text"), str):
            yield {"answer_id": record.data.get("answer_id")}, value["text"]


def inspect(dispatcher: Dispatcher, result: Result) -> None:
    """Add a safeguarding record for each stored text with words of distress; written with the answer."""
    if result.forget:
        return
    library = dispatcher.engine.library
    for where, text in list(_texts(result)):
        words = distress_words(text, library)
        if not words:
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
                    "words": words,
                    "excerpt": text[:EXCERPT],
                    "pseudonym": result.state.pseudonym,
                    "channel": result.state.channel,
                    "organisers": organisers,
                },
            )
        )


def flag_message(flag_id: int, data: dict[str, Any], language: str | None) -> Outgoing:
    """What each organiser sees at once: the pseudonym, the words, the answer, and what they can do."""
    o = organiser_translator(language)
    lines = [
        "🚨 "
        + o.format(
            o.ogettext("Safeguarding: participant {pseudonym} wrote words that can signal distress or danger."),
            pseudonym=data["pseudonym"],
        ),
        o.format(o.ogettext("Words: {words}"), words=", ".join(data["words"])),
    ]
    if data.get("prompt_id"):
        question = data.get("question") or data["prompt_id"]
        lines.append(o.format(o.ogettext("Question: {prompt}"), prompt=question))
    lines += [
        "",
        "«" + data["excerpt"] + "»",
        "",
        o.ogettext(
            "Please read it and decide whether someone should reach out. The participant does not know about this "
            "flag. You can send them the emergency and listening lines in their language, without learning who they "
            "are."
        ),
    ]
    return Outgoing(
        text="\n".join(lines)[:4000],
        buttons=(
            (button("💬 " + o.ogettext("Send them the help lines"), "sg-care", flag_id),),
            (button("✅ " + o.ogettext("Mark as handled"), "sg-done", flag_id),),
        ),
        kind="organiser",
    )


def care_message(language: str | None, contact: str) -> Outgoing:
    """To the participant: the team read their message; where help is, in their own language."""
    t = translator(language or "nl")
    _ = t.gettext
    lines = [
        "🤝 "
        + _(
            "Someone from our team read your message and wants you to know that you are not alone. If you are in "
            "danger or thinking about ending your life, please talk to someone now."
        ),
        "",
        *help_lines(t, contact),
    ]
    return Outgoing(text="\n".join(lines), kind="care")


@organiser_button("sg-care")
async def send_help_lines(ctx: OrganiserContext, rest: str) -> None:
    """An organiser sends a flagged participant the help lines; the flag counts as handled."""
    o = ctx.o
    flag_id = record_id(rest)
    flag = await queries.flag(ctx.store, flag_id) if flag_id is not None else None
    if flag is None:
        ctx.reply(o.ogettext("This flag no longer exists: the participant may have deleted their data."))
        return
    message = care_message(flag["language"], ctx.settings.contact)
    ctx.change(
        queries.message_to_participant(flag["participant_id"], flag["channel"], flag["address"], message, ctx.now),
        messages_others=True,
    )
    ctx.change(queries.handle_flag(flag["id"], ctx.who, ctx.now))
    ctx.log("safeguarding-care", flag=flag["id"])  # no pseudonym: the log outlives a /forget
    ctx.reply("✅ " + o.format(o.ogettext("The help lines were sent to {pseudonym}."), pseudonym=flag["pseudonym"]))


@organiser_button("sg-done")
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
