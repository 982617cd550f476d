"""Results back to participants: when a round closes (or an organiser says so), everyone who answered it gets a
short summary in their own language — how many took part, each choice and scale question as a picture, one voice
of the minority (only a text an organiser approved), and where to read what the city does with it (/ideas).

People answer the next round when they see the last one was heard. A round can leave this out (`results: false`),
and a participant can turn these messages off (and on again) with the button under them. Rendered when sent, from
the answers as they are then, in the participant's language of that moment; the picture holds numbers only, so it
reads the same in every script, and the text says what each number stands for.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

import aiosqlite

from bot.callback_data import ButtonData, Results, encode
from bot.content.model import Prompt, Round
from bot.engine.features import BaseFeature
from bot.engine.keyboards import SCALE_FACES
from bot.engine.outgoing import ButtonSpec, Outgoing, Result
from bot.i18n import Translator, pick, translator
from bot.organise.charts import Bar, png_bars
from bot.store import OutboxRow, network
from bot.store import followups as queries
from bot.store.connection import in_thread
from bot.store.outbox_rows import enqueue

if TYPE_CHECKING:
    from bot.engine.core import Engine
    from bot.hub import Hub as Dispatcher

KIND = "round_results"
FEATURE = "results"  # ParticipantState.features["results"] = {"off": true} when they turned results off


async def send_results(dispatcher: Dispatcher, conversation: Round, now: datetime) -> int:
    """One scheduled message per participant who answered the round (quiet hours and pauses hold it); once."""
    async with dispatcher.store.transaction() as db:
        return await queue_results(db, conversation, now)


async def queue_results(db: aiosqlite.Connection, conversation: Round, now: datetime) -> int:
    """`send_results` inside a transaction the caller holds: an organiser's `/round results` and its log line."""
    if not await in_thread(db, network.mark_round, conversation.id, conversation.community, "results_at", now):
        return 0
    recipients = [
        queries.Recipient(participant_id, channel, address)
        for participant_id, channel, address in await in_thread(db, network.result_recipients, conversation.id)
    ]
    rows = [queries.NewRow(recipient, KIND, {"conversation": conversation.id}, now) for recipient in recipients]
    await in_thread(db, enqueue, [row.addressed for row in rows], now)
    return len(rows)


def _shown(prompt: Prompt) -> bool:
    return prompt.type in ("choice", "scale")


def _lines(prompt: Prompt, counts: Mapping[str, int], answered: int, t: Translator) -> tuple[list[str], list[Bar]]:
    """What each number in the picture stands for, with its share of the people who answered, and the bars."""
    total = answered or sum(counts.values()) or 1
    if prompt.type == "scale":
        keys = [(str(value), f"{SCALE_FACES[value]} {value}") for value in range(1, 6)]
    else:
        keys = [(option.id, pick(option.label, t.language)) for option in prompt.options]
    lines, bars = [], []
    for number, (key, label) in enumerate(keys, start=1):
        share = round(100 * counts.get(key, 0) / total)
        lines.append(f"{number}. {t.isolate(label)} — {share}%")
        bars.append(Bar(str(number), counts.get(key, 0), note=f"{share}%"))
    return lines, bars


def results_message(conversation: Round, data: Mapping[str, Any], t: Translator) -> Outgoing:
    _ = t.gettext
    parts = ["📊 " + t.format(_("Results of “{title}”"), title=pick(conversation.title, t.language))]
    parts.append(t.format(_("People who took part: {count}"), count=data["took_part"]))
    sections: list[tuple[str, list[Bar], int | None]] = []
    for number, prompt in enumerate(conversation.prompts, start=1):
        counts = data["counts"].get(prompt.id)
        if not _shown(prompt) or not counts:
            continue
        answered = data.get("answers", {}).get(prompt.id, 0)
        lines, bars = _lines(prompt, counts, answered, t)
        question = t.format(_("Question {number}: {text}"), number=number, text=pick(prompt.text, t.language))
        parts.append("\n".join([question, *lines]))
        sections.append((f"{number}.", bars, answered or None))  # a full bar: everyone who answered it
    if data.get("minority_voice"):
        parts.append("🗣 " + _("A voice from the minority:") + "\n“" + t.isolate(data["minority_voice"]) + "”")
    parts.append("💡 " + _("What the city does with the ideas: /ideas"))
    picture = png_bars(sections, f"{conversation.id}") if sections else None
    data_out = {"photo_bytes": base64.b64encode(picture).decode("ascii")} if picture else {}
    off = ButtonSpec("🔕 " + _("No more results"), encode(Results(on=False)))
    return Outgoing("\n\n".join(parts), ((off,),), kind=KIND, data=data_out)


async def render(dispatcher: Dispatcher, row: OutboxRow) -> Outgoing | None:
    conversation = dispatcher.engine.library.rounds.get(str(row.payload.get("conversation")))
    state = await dispatcher.store.load_participant(row.channel, row.address)
    if conversation is None or state is None or (state.features.get(FEATURE) or {}).get("off"):
        return None
    data = await dispatcher.store.call(network.round_results, conversation.id, row.channel)
    return results_message(conversation, data, translator(row.language))


def switch(engine: Engine, result: Result, button: ButtonData, t: Translator) -> None:
    """The button under a results message: no more results, or (from the answer to that) results again."""
    if not isinstance(button, Results):
        engine.stale(result, t)
        return
    features = {**result.state.features, FEATURE: {"off": not button.on}}
    result.state = replace(result.state, features=features)
    if not button.on:
        again = ButtonSpec("🔔 " + t.gettext("Send me results again"), encode(Results(on=True)))
        result.say("🔕 " + t.gettext("You will get no more results of rounds."), (again,))
    else:
        result.say("🔔 " + t.gettext("You will get the results of rounds again."))


class ResultsFeature(BaseFeature):
    name = FEATURE

    def buttons(self) -> Mapping[str, Any]:
        return {"results": switch}
