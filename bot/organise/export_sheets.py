"""The XLSX sheets for analysts beside the answers: a codebook of the questions, one row per participant, and a
summary per question.

The codebook comes from the content (ids, texts and option labels in every language, the scale's anchors). The
participants and the summary are counted while the answers are written (`Tally`, one small counter per participant
and per option: it grows with participants and questions, never with answers), so the export reads the answers once.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.content.loader import Library
from bot.i18n import LANGUAGES, pick
from bot.organise.export_columns import CHANNEL_NAMES, Selection
from bot.organise.i18n import OrganiserTranslator
from bot.store.export_queries import PARTS, only_read, open_reader, read_participants

CODES = tuple(LANGUAGES)
_OPTION = 5
_SCALE = 6
_MINORITY = 5 + len(PARTS)


class Tally:
    """Counts per participant (answered, skipped) and per question and option, as the answer rows go by."""

    def __init__(self) -> None:
        self.people: defaultdict[int, list[int]] = defaultdict(lambda: [0, 0])
        self.questions: defaultdict[tuple[str, str], list[int]] = defaultdict(
            lambda: [0, 0, 0]
        )  # answers, skips, minority
        self.options: defaultdict[tuple[str, str, str], int] = defaultdict(int)

    def add(self, row: tuple[Any, ...]) -> None:
        key = (row[2], row[3])
        if row[_MINORITY]:
            self.questions[key][2] += 1
            return
        skipped = row[4] == "skipped"
        self.people[row[1]][skipped] += 1
        self.questions[key][skipped] += 1
        chosen = row[_OPTION] if row[_OPTION] is not None else row[_SCALE]
        if chosen is not None:
            self.options[(row[2], row[3], str(chosen))] += 1


def _texts(value: dict[str, str] | None) -> list[str]:
    return [value.get(code, "") if value else "" for code in CODES]


def write_codebook(workbook: Any, bold: Any, library: Library, selection: Selection, o: OrganiserTranslator) -> None:
    """One row per question, and one per option or scale value, with its label in every language."""
    sheet = workbook.add_worksheet(o.ogettext("Codebook")[:31])
    header = [
        o.ogettext("conversation"),
        "prompt_id",
        "answer_type",
        "theme",
        o.ogettext("code"),
        o.ogettext("what it is"),
        *[f"text_{code}" for code in CODES],
    ]
    sheet.write_row(0, 0, header, bold)
    sheet.freeze_panes(1, 0)
    sheet.set_column(0, 5, 16)
    sheet.set_column(6, 6 + len(CODES), 30)
    rows: list[list[str]] = []
    for conversation in library.rounds.values():
        if selection.conversation and conversation.id != selection.conversation:
            continue
        for prompt in conversation.prompts:
            base = [conversation.id, prompt.id, prompt.type, prompt.theme or ""]
            rows.append([*base, "", o.ogettext("question"), *_texts(prompt.text)])
            for option in prompt.options:
                rows.append([*base, option.id, o.ogettext("option"), *_texts(option.label)])
            if prompt.type == "scale":
                for value in range(1, 6):
                    anchor = {1: prompt.low, 5: prompt.high}.get(value)
                    rows.append([*base, str(value), o.ogettext("scale value"), *_texts(anchor)])
    for walk in library.walks.values():
        if selection.conversation and walk.id != selection.conversation:
            continue
        for stop in walk.stops:
            rows.append([walk.id, stop.id, "walk stop", "", "", o.ogettext("question"), *_texts(stop.card.question)])
        for number, text in enumerate(walk.reflection, start=1):
            rows.append([walk.id, f"reflection-{number}", "text", "", "", o.ogettext("question"), *_texts(text)])
        if walk.follow_up:
            rows.append([walk.id, "follow-up", "text", "", "", o.ogettext("question"), *_texts(walk.follow_up)])
    for index, row in enumerate(rows, start=1):
        for column, cell in enumerate(row):
            if cell:
                sheet.write_string(index, column, cell)


def write_participants(
    sheet: Any,
    bold: Any,
    date_format: Any,
    db_path: Path,
    selection: Selection,
    tally: Tally,
    zone: ZoneInfo,
    o: OrganiserTranslator,
) -> None:
    """Pseudonym, role, language, community, joined, answered, skipped and RSVPs: one row per participant."""
    header = [
        "pseudonym",
        "channel",
        "role",
        "language",
        "community",
        o.ogettext("joined"),
        o.ogettext("answered"),
        o.ogettext("skipped"),
        "rsvp",
    ]
    sheet.write_row(0, 0, header, bold)
    sheet.freeze_panes(1, 0)
    sheet.set_column(0, 8, 14)
    sheet.set_column(5, 5, 18)
    sheet.set_column(8, 8, 40)
    connection = open_reader(db_path)
    try:
        only_read(connection)
        index = 1
        for rows in read_participants(connection, selection.live_only, 1000):
            for participant, pseudonym, channel, role, language, community, joined, rsvp in rows:
                answered, skipped = tally.people.get(participant, (0, 0))
                sheet.write_string(index, 0, pseudonym)
                sheet.write_string(index, 1, CHANNEL_NAMES.get(channel, channel))
                for column, value in ((2, role), (3, language), (4, community), (8, rsvp)):
                    if value:
                        sheet.write_string(index, column, value)
                moment = datetime.fromisoformat(joined.replace("Z", "+00:00")).astimezone(zone).replace(tzinfo=None)
                sheet.write_datetime(index, 5, moment, date_format)
                sheet.write_number(index, 6, answered)
                sheet.write_number(index, 7, skipped)
                index += 1
    finally:
        connection.close()


def write_summary(sheet: Any, bold: Any, percent: Any, library: Library, tally: Tally, o: OrganiserTranslator) -> None:
    """Per question: answers, skips, minority answers; per option or scale value: how many and what share."""
    header = [
        o.ogettext("conversation"),
        "prompt_id",
        o.ogettext("question (nl)"),
        "answer_type",
        o.ogettext("option or value"),
        o.ogettext("label (nl)"),
        o.ogettext("answers"),
        o.ogettext("share"),
        o.ogettext("skipped"),
        o.ogettext("minority answers"),
    ]
    sheet.write_row(0, 0, header, bold)
    sheet.freeze_panes(1, 0)
    sheet.set_column(2, 2, 40)
    sheet.set_column(5, 5, 24)
    index = 1
    for (conversation, prompt_id), (answers, skipped, minority) in sorted(tally.questions.items()):
        content = library.rounds.get(conversation)
        prompt = content.prompt(prompt_id) if content else None
        walk = library.walks.get(conversation)
        text = pick(prompt.text, "nl") if prompt else pick(walk.prompt_text(prompt_id) or {}, "nl") if walk else ""
        kind = prompt.type if prompt else ""
        sheet.write_row(index, 0, [conversation, prompt_id, text or "", kind, "", ""])
        sheet.write_number(index, 6, answers)
        sheet.write_number(index, 8, skipped)
        sheet.write_number(index, 9, minority)
        index += 1
        if prompt is None or prompt.type not in ("choice", "scale"):
            continue
        codes = [option.id for option in prompt.options] or [str(value) for value in range(1, 6)]
        seen = {code for (c, p, code) in tally.options if c == conversation and p == prompt_id}
        for code in codes + sorted(seen - set(codes)):
            chosen = tally.options.get((conversation, prompt_id, code), 0)
            option = next((option for option in prompt.options if option.id == code), None)
            label = pick(option.label, "nl") if option else ""
            sheet.write_row(index, 0, [conversation, prompt_id, "", kind, code, label])
            sheet.write_number(index, 6, chosen)
            sheet.write_number(index, 7, chosen / answers if answers else 0, percent)
            index += 1
