"""Export rows: answers read in batches from a read-only connection of their own, turned into cells by `RowMaker`.

Participants are read once (far fewer than answers); content and time-zone lookups are cached, since a million
rows share a few dozen questions and far fewer minutes than rows. Memory does not grow with the number of answers.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.content.loader import Library
from bot.i18n import pick
from bot.organise.export_columns import CHANNEL_NAMES, FORMULA_STARTS, Selection
from bot.store.export_queries import MEDIA_PART_COUNT, Person, only_read, open_reader, read_answers, read_people

RAW_AT = -1 - MEDIA_PART_COUNT  # the stored value, before the media parts at the end of a row
NOT_TRANSCRIBED = "not transcribed"
NOT_TRANSLATED = "not translated"


class AnswerReader:
    """Answer rows, oldest first, from a connection of their own that only reads, one batch at a time.

    Participants are read once into `people` (there are far fewer of them than answers); answers of participants
    not in `people` (rehearsals, with `live_only`) are left out by the writers.
    """

    BATCH = 1000

    def __init__(self, db_path: Path, selection: Selection) -> None:
        self.db_path = db_path
        self.selection = selection
        self.people: dict[int, Person] = {}

    def batches(self) -> Iterator[list[tuple[Any, ...]]]:
        """The answers in batches of `BATCH`; `people` is filled before the first one."""
        where = self.selection.filter()
        connection = open_reader(self.db_path)
        try:
            only_read(connection)
            self.people.clear()  # filled in place: the writers hold on to this dict
            self.people.update(
                (key, (person[0], CHANNEL_NAMES.get(person[1], person[1]), *person[2:]))
                for key, person in read_people(connection, where)
            )
            yield from read_answers(connection, where, self.BATCH)
        finally:
            connection.close()

    def __iter__(self) -> Iterator[tuple[tuple[Any, ...], Person]]:
        """Each answer with who gave it (simple, for tests and small exports; the writers loop over batches)."""
        for rows in self.batches():
            for row in rows:
                person = self.people.get(row[1])
                if person is not None:
                    yield row, person


def media_cells(
    media: list[Any] | tuple[Any, ...],
    answer_type: str,
    text: Any,
    voice: Any,
    language: str | None,
    target: str,
    clean: Callable[[str | None], str | None],
) -> list[Any]:
    """The media columns of an answer with a kept file, transcript or translation."""
    path, transcript, translation = media
    heard, heard_language, heard_engine = ([*transcript.split("\x1f"), "", "", ""])[:3] if transcript else (None,) * 3
    if heard is None and voice is not None:
        heard = NOT_TRANSCRIBED
    words = heard not in (None, NOT_TRANSCRIBED) or text is not None
    translated, engine = ([*translation.split("\x1f"), ""])[:2] if translation else (None, None)
    own_language = heard_language or language
    if translated is None and words and own_language and own_language != target:
        translated = NOT_TRANSLATED
    return [
        path.rsplit("/", 1)[-1] if path else None,
        clean(heard),
        heard_language or None,
        heard_engine or None,
        clean(translated),
        engine or None,
    ]


@dataclass(frozen=True)
class PromptInfo:
    text_nl: str | None
    theme: str | None
    options: dict[str, dict[str, str]]  # option id -> label per language


def _walk_stop_info(walk: Any, stop_id: str) -> PromptInfo | None:
    """A walk's stop, read defensively: walks are their own kind, built beside this module."""
    for stop in getattr(walk, "stops", ()) or ():
        if getattr(stop, "id", None) != stop_id:
            continue
        card = getattr(stop, "card", None)
        text = None
        for holder in (stop, card):
            for name in ("question", "text", "prompt"):
                value = getattr(holder, name, None) if holder is not None else None
                if isinstance(value, dict):
                    text = value.get("nl") or next(iter(value.values()), None)
                    break
            if text:
                break
        return PromptInfo(text, getattr(stop, "theme", None) or getattr(walk, "theme", None), {})
    return None


def _comma(number: Any) -> str:
    return str(number).replace(".", ",")


# The media cells of an answer with no kept file, transcript or translation (most answers), by (a voice message,
# a text in another language than the organisers'): built once instead of per answer.
_NOTHING_KEPT = {
    (voice, foreign): (None, NOT_TRANSCRIBED if voice else None, None, None, NOT_TRANSLATED if foreign else None, None)
    for voice in (False, True)
    for foreign in (False, True)
}
EXCEL_EPOCH = datetime(1899, 12, 30)
_MINUTES_KEPT = 50_000  # the cache of local minutes is emptied past this, so it never grows with the export


class RowMaker:
    """Turns a stored answer into one export row, a list in `COLUMNS` order.

    `csv` neutralises cells a spreadsheet would run as formulas and writes booleans as true/false; `excel` gives the
    created time as an Excel serial number (for a real date cell). Content and time-zone lookups are cached, since
    a million rows share a few dozen questions and far fewer minutes than rows.
    """

    def __init__(
        self, library: Library, zone: ZoneInfo, *, csv: bool = False, excel: bool = False, decimal_comma: bool = False
    ) -> None:
        self.library = library
        self.decimal_comma = decimal_comma  # `;`-separated CSV for Excel set to Dutch: 51,0545 (51.0545 is a date)
        self.zone = zone
        self.csv = csv
        self.excel = excel
        self._prompts: dict[tuple[str, str], PromptInfo] = {}
        self._labels: dict[tuple[str, str, str, str | None], tuple[str | None, str | None]] = {}
        self._minutes: dict[str, Any] = {}
        self.target = "nl"  # the organisers' language: a text in another one without a translation says so

    def _clean(self, value: str | None) -> str | None:
        if self.csv and value is not None and value.startswith(FORMULA_STARTS):
            return "'" + value
        return value

    def prompt(self, conversation: str, prompt_id: str, walk_stop: str | None = None) -> PromptInfo:
        key = (conversation, prompt_id)
        info = self._prompts.get(key)
        if info is None:
            info = PromptInfo(None, None, {})
            content = self.library.rounds.get(conversation)
            prompt = content.prompt(prompt_id) if content is not None else None
            if prompt is not None:
                info = PromptInfo(
                    self._clean(prompt.text.get("nl") or pick(prompt.text, "nl")),
                    prompt.theme,
                    {option.id: option.label for option in prompt.options},
                )
            elif conversation in self.library.walks:
                walk = self.library.walks[conversation]
                found = _walk_stop_info(walk, prompt_id) or (_walk_stop_info(walk, walk_stop) if walk_stop else None)
                if found is not None:
                    info = PromptInfo(self._clean(found.text_nl), found.theme, {})
            self._prompts[key] = info
        return info

    def labels(self, key: tuple[str, str, str, str | None], info: PromptInfo) -> tuple[str | None, str | None]:
        labels = self._labels.get(key)
        if labels is None:
            found = info.options.get(key[2])
            labels = (
                (self._clean(found.get("nl") or pick(found, "nl")), self._clean(pick(found, key[3])))
                if found
                else (None, None)
            )
            self._labels[key] = labels
        return labels

    def moment(self, stored: str) -> Any:
        """The created time in the city's zone: ISO text with offset, or an Excel serial number."""
        minute = self._minutes.get(stored[:16])
        if minute is None:
            minute = self._minute(stored)
        if self.excel:
            return minute + int(stored[17:19]) / 86400
        return minute[0] + stored[16:19] + minute[1]

    def _minute(self, stored: str) -> Any:
        """One minute of stored UTC time, converted once (a million answers share far fewer minutes)."""
        if len(self._minutes) > _MINUTES_KEPT:
            self._minutes.clear()
        local = datetime.fromisoformat(stored[:16] + ":00+00:00").astimezone(self.zone)
        minute: float | tuple[str, str]
        if self.excel:
            minute = (local.replace(tzinfo=None) - EXCEL_EPOCH).total_seconds() / 86400
        else:
            minute = (local.strftime("%Y-%m-%dT%H:%M"), local.isoformat()[19:])
        self._minutes[stored[:16]] = minute
        return minute

    def __call__(self, row: tuple[Any, ...], person: Person) -> list[Any]:
        (
            answer_id,
            _participant,
            conversation,
            prompt_id,
            answer_type,
            option,
            scale,
            text,
            voice,
            seconds,
            photo,
            latitude,
            longitude,
            defends,
            step,
            minority,
            walk_stop,
            moderation,
            created_at,
            raw,
            kept,
            heard,
            translated,
        ) = row
        pseudonym, channel, role, language, community = person
        info = self._prompts.get((conversation, prompt_id)) or self.prompt(conversation, prompt_id, walk_stop)
        neutralise = self.csv
        option_own = None
        chosen = json.loads(raw).get("options") if option is None and answer_type == "choice" and raw else None
        if option is not None:
            option = str(option)
            option_nl, option_own = self._labels.get((conversation, prompt_id, option, language)) or self.labels(
                (conversation, prompt_id, option, language), info
            )
            if neutralise and option.startswith(FORMULA_STARTS):
                option = "'" + option
            answer: Any = option_nl or option
        elif isinstance(chosen, list):  # a multiple choice: every option, joined as in the cell of a spreadsheet
            keys = [str(key) for key in chosen]
            labels = [self.labels((conversation, prompt_id, key, language), info) for key in keys]
            option = self._clean("; ".join(keys))
            answer = self._clean("; ".join(nl or key for (nl, _own), key in zip(labels, keys, strict=True)))
            option_own = self._clean("; ".join(own or key for (_nl, own), key in zip(labels, keys, strict=True)))
        elif scale is not None:
            answer = scale
        elif text is not None or voice is not None or photo is not None:
            answer = str(text if text is not None else voice if voice is not None else photo)
            if neutralise and answer.startswith(FORMULA_STARTS):
                answer = "'" + answer
        elif latitude is not None:
            answer = self._clean(f"{latitude}, {longitude}")
            if self.decimal_comma:
                latitude, longitude = _comma(latitude), _comma(longitude)
                answer = self._clean(f"{latitude}; {longitude}")
        elif answer_type == "skipped" or raw in ("{}", ""):
            answer = None
        else:
            answer = self._clean(raw)  # a kind of answer this export does not know yet: as stored
        if defends is not None:  # a minority voice: the option it defends, in the option columns
            option = str(defends)
            option_own = self.labels((conversation, prompt_id, option, language), info)[1]
            option = self._clean(option)
        if self.decimal_comma and seconds is not None and seconds.__class__ is float:
            seconds = _comma(seconds)
        minute = self._minutes.get(created_at[:16]) or self._minute(created_at)
        return [
            answer_id,
            pseudonym,
            channel,
            role,
            language,
            community,
            conversation,
            prompt_id,
            info.text_nl,
            info.theme,
            answer_type,
            answer,
            option,
            option_own,
            seconds,
            latitude,
            longitude,
            ("true" if minority else "false") if neutralise else bool(minority),
            (step or "view") if minority else None,
            self._clean(walk_stop) if walk_stop else None,
            # Free texts, voice notes and photos are moderated (bot/organise/moderation.py); a button is not.
            moderation if text is not None or voice is not None or photo is not None else None,
            minute + int(created_at[17:19]) / 86400 if self.excel else minute[0] + created_at[16:19] + minute[1],
            *(
                media_cells((kept, heard, translated), answer_type, text, voice, language, self.target, self._clean)
                if kept is not None or heard is not None or translated is not None
                else _NOTHING_KEPT[voice is not None, text is not None and language != self.target and bool(language)]
            ),
        ]
