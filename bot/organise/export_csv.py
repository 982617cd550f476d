"""The CSV export, with SQLite doing the work per answer: the people, the content's texts and labels go into TEMP
tables once as CSV cells, the city's time zone becomes a few periods of fixed offset, and SQLite hands back every
line final (bot/store/export_cells.py). Python writes the lines a batch at a time and makes only the rare line
SQLite cannot (a multiple choice, a kept file or transcript) with the same `RowMaker` the other formats use.

The bytes are those of `RowMaker(csv=True)` for every row (tests/test_export_bytes.py compares them).
"""

from __future__ import annotations

import codecs
import csv
import io
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO
from zoneinfo import ZoneInfo

from bot.content.loader import Library
from bot.organise.export_columns import CHANNEL_NAMES, NAMES
from bot.organise.export_rows import RowMaker
from bot.store.export_cells import CellOptions, Period, load_content, participant_languages, read_lines
from bot.store.export_queries import AnswerFilter, only_read, open_reader, read_answer, read_people

BATCH = 2000
FIRST_YEAR = 2000  # answers stored before this (none are) are finished in Python, as are those in the far future
_STEP = timedelta(days=4)  # changes of offset are months apart in every zone


def _cells(values: list[str | None], separator: str) -> str:
    """Cells as `csv.writer` writes them in a row."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=separator, lineterminator="").writerow(values)
    return buffer.getvalue()


def _cell(value: str | None, separator: str) -> str | None:
    """One cell as `csv.writer` writes it in a row of several (alone in a row, an empty one would be quoted)."""
    return _cells([value], separator) if value else value


def _content(
    maker: RowMaker, languages: list[str], separator: str
) -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str, str, str | None, str | None]]]:
    """The TEMP tables' rows: every question of the content, and every option's labels per participant language,
    made by the row maker itself so that both ways give the same cells, as CSV cells."""
    library = maker.library
    prompts: list[tuple[str, str, str]] = []
    labels: list[tuple[str, str, str, str, str | None, str | None]] = []
    for conversation, content in library.rounds.items():
        for prompt in content.prompts:
            info = maker.prompt(conversation, prompt.id)
            prompts.append(
                (conversation, prompt.id, _cells([conversation, prompt.id, info.text_nl, info.theme], separator))
            )
            for option in info.options:
                for language in languages:
                    nl, own = maker.labels((conversation, prompt.id, option, language or None), info)
                    labels.append(
                        (conversation, prompt.id, option, language, _cell(nl or None, separator), _cell(own, separator))
                    )
    for conversation, walk in library.walks.items():
        for stop in getattr(walk, "stops", ()) or ():
            info = maker.prompt(conversation, stop.id)
            prompts.append(
                (conversation, stop.id, _cells([conversation, stop.id, info.text_nl, info.theme], separator))
            )
    return prompts, labels


def _people(connection: sqlite3.Connection, where: AnswerFilter, separator: str) -> list[tuple[int, str | None, str]]:
    """The people the export holds: id, language, and their five cells."""
    return [
        (key, language, _cells([pseudonym, CHANNEL_NAMES.get(channel, channel), role, language, community], separator))
        for key, (pseudonym, channel, role, language, community) in read_people(connection, where)
    ]


def _minute(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


def periods(zone: ZoneInfo, first: datetime, last: datetime) -> tuple[Period, ...]:
    """The spans of fixed UTC offset of `zone` between two UTC moments, each starting at the minute it changes."""

    def offset(moment: datetime) -> tuple[int, str]:
        local = moment.astimezone(zone)
        shift = local.utcoffset() or timedelta()
        if shift.total_seconds() % 60:
            raise ValueError(f"{zone.key} has an offset in seconds")
        return int(shift.total_seconds() // 60), local.isoformat()[19:]

    found: list[Period] = []
    moment, current = first, offset(first)
    found.append(Period(_minute(first), *current))
    while moment < last:
        following = min(moment + _STEP, last)
        if offset(following) != current:
            low, high = moment, following  # the change lies in (low, high]: halve it down to the minute
            while high - low > timedelta(minutes=1):
                middle = low + (high - low) / 2
                middle = middle.replace(second=0, microsecond=0)
                if offset(middle) == current:
                    low = middle
                else:
                    high = middle
            current = offset(high)
            found.append(Period(_minute(high), *current))
        moment = following
    return tuple(found)


def cell_options(zone: ZoneInfo, library: Library, target: str, separator: str, decimal_comma: bool) -> CellOptions:
    first = datetime(FIRST_YEAR, 1, 1, tzinfo=UTC)
    last = (datetime.now(UTC) + timedelta(days=400)).replace(hour=0, minute=0, second=0, microsecond=0)
    return CellOptions(
        periods=periods(zone, first, last),
        until=_minute(last),
        target=target,
        separator=separator,
        decimal_comma=decimal_comma,
    )


def csv_lines(db_path: Path, maker: RowMaker, where: AnswerFilter, options: CellOptions) -> Iterator[list[str]]:
    """The export's CSV lines, a batch at a time, in answer order."""
    connection = open_reader(db_path)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=options.separator, lineterminator="\r\n")
    try:
        prompts, labels = _content(maker, participant_languages(connection), options.separator)
        load_content(connection, _people(connection, where, options.separator), prompts, labels)
        only_read(connection)

        def finish(answer_id: int) -> str:
            """One row SQLite left to Python, through the row maker and `csv.writer` as every format's rows."""
            found = read_answer(connection, answer_id)
            if found is None:  # the participant or the answer is no longer there
                return ""
            row, (pseudonym, channel, role, language, community) = found
            buffer.seek(0)
            buffer.truncate()
            writer.writerow(maker(row, (pseudonym, CHANNEL_NAMES.get(channel, channel), role, language, community)))
            return buffer.getvalue()

        for rows in read_lines(connection, options, where, BATCH):
            # A final line comes with no id; a row SQLite left to Python comes with its answer id.
            yield [line if rare is None else finish(rare) for rare, line in rows]
    finally:
        connection.close()


def write_csv(
    db_path: Path, maker: RowMaker, where: AnswerFilter, out: IO[bytes], separator: str = ",", *, zone: ZoneInfo
) -> int:
    """CSV as Excel opens it: UTF-8 with a byte order mark, one header row, formulas neutralised."""
    options = cell_options(zone, maker.library, maker.target, separator, maker.decimal_comma)
    out.write(codecs.BOM_UTF8)  # the BOM by hand: the utf-8-sig codec encodes in Python, row by row
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=False)
    try:
        csv.writer(text, delimiter=separator, lineterminator="\r\n").writerow(NAMES)
        count = 0
        for lines in csv_lines(db_path, maker, where, options):
            text.write("".join(lines))
            count += len(lines) - lines.count("")
        text.flush()
    finally:
        text.detach()
    return count
