"""The CSV export's lines as SQLite hands them back, final: Python only writes a batch of lines at a time.

The person and the question an answer needs (pseudonym, role, language, community; the question in Dutch, its
theme, option labels in Dutch and in each participant's language) are loaded once into TEMP tables, already as CSV
cells, and joined per answer; the city's local time is the stored UTC minute moved by the offset of its period
(`Period`, from the organiser side, which knows the time zone). SQLite parses the stored JSON once per answer, in a
subquery it runs as a co-routine, builds each cell from those parts, quotes it as `csv.writer` would, and joins
the cells with `printf`. Handing SQLite's rows to Python cell by cell cost as much as making them.

A row SQLite cannot finish exactly as the Python row maker would (a multiple choice, a kept file or transcript, a
number it would print differently, a question not in the content, a time outside the known periods) comes back
with its answer id: the caller makes that one line in Python. Such rows are rare; every other line is final.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from bot.store.export_queries import PARTS, AnswerFilter, media_lookups, part

# What a spreadsheet runs as a formula (FORMULA_STARTS in bot/organise/export_columns.py), as code points: unicode()
# reads the first one without making a new string, which substr() would.
_STARTS = ", ".join(str(ord(start)) for start in "=+-@\t\r")


@dataclass(frozen=True)
class Period:
    """From `start` (stored UTC text, to the minute) the city's clock is `minutes` ahead of UTC, written `suffix`."""

    start: str
    minutes: int
    suffix: str  # as isoformat writes the offset: +01:00


@dataclass(frozen=True)
class CellOptions:
    periods: tuple[Period, ...]  # oldest first
    until: str  # the end of the last period (stored UTC text)
    target: str  # the organisers' language: a text in another one without a translation says so
    separator: str = ","
    decimal_comma: bool = False


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _clean(sql: str) -> str:
    """A cell a spreadsheet would run as a formula starts with an apostrophe (as `neutralise` does in Python)."""
    return f"CASE WHEN unicode({sql}) IN ({_STARTS}) THEN '''' || {sql} ELSE {sql} END"


def load_content(
    connection: sqlite3.Connection,
    people: Iterable[tuple[int, str | None, str]],
    prompts: Iterable[tuple[str, str, str]],
    labels: Iterable[tuple[str, str, str, str, str | None, str | None]],
) -> None:
    """The TEMP tables the cells are joined with: the people the export holds (id, language, and pseudonym, channel,
    role, language and community as CSV cells), the questions (conversation, prompt, and conversation, prompt, Dutch
    text and theme as CSV cells) and the options (conversation, prompt, option, participant language or '', label
    in Dutch or NULL and label in that language, as CSV cells)."""
    connection.executescript(
        "DROP TABLE IF EXISTS temp.export_people; DROP TABLE IF EXISTS temp.export_prompts;"
        " DROP TABLE IF EXISTS temp.export_labels;"
        " CREATE TEMP TABLE export_people (id INTEGER PRIMARY KEY, language TEXT, head TEXT);"
        " CREATE TEMP TABLE export_prompts (conversation TEXT, prompt_id TEXT, head TEXT,"
        " PRIMARY KEY (conversation, prompt_id)) WITHOUT ROWID;"
        " CREATE TEMP TABLE export_labels (conversation TEXT, prompt_id TEXT, option TEXT, language TEXT, nl TEXT,"
        " own TEXT, PRIMARY KEY (conversation, prompt_id, option, language)) WITHOUT ROWID;"
    )
    connection.executemany("INSERT INTO temp.export_people VALUES (?, ?, ?)", people)
    connection.executemany("INSERT OR IGNORE INTO temp.export_prompts VALUES (?, ?, ?)", prompts)
    connection.executemany("INSERT OR IGNORE INTO temp.export_labels VALUES (?, ?, ?, ?, ?, ?)", labels)
    connection.commit()


def participant_languages(connection: sqlite3.Connection) -> list[str]:
    """Every language a participant uses ('' for none), for the labels in their own language."""
    return [language for (language,) in connection.execute("SELECT DISTINCT COALESCE(language, '') FROM participants")]


def _offset(periods: tuple[Period, ...], until: str) -> str:
    """The minutes of the period a stored time falls in, newest first (most answers are recent); NULL outside."""
    whens = " ".join(f"WHEN answers.created_at >= {_quote(p.start)} THEN {p.minutes}" for p in reversed(periods))
    return f"CASE WHEN answers.created_at >= {_quote(until)} THEN NULL {whens} END"


def _inner(connection: sqlite3.Connection, options: CellOptions, where: AnswerFilter) -> tuple[str, list[Any]]:
    """Each answer's parts, taken from its JSON once; the LIMIT keeps SQLite from folding it into the outer query
    (which would parse the JSON again for every cell that uses a part) and runs it as a co-routine, in id order."""
    taken = [
        f"CASE WHEN answers.minority THEN {part(name, 'answers.value')} END"
        if name in ("defends", "step")
        else part(name, "answers.value")
        for name in PARTS
    ]
    media = media_lookups(connection)
    answers, params = where.answers()
    conditions = answers  # the people the filter keeps are the ones in temp.export_people
    columns = [
        "answers.id AS id",
        "p.head AS person",
        "p.language AS language",
        "answers.conversation AS conversation",
        "answers.prompt_id AS prompt_id",
        "answers.answer_type AS answer_type",
        # The scale's part is named value_: `value` is the stored JSON itself.
        *(f"{sql} AS {'value_' if name == 'value' else name}" for sql, name in zip(taken, PARTS, strict=True)),
        "answers.minority AS minority",
        "answers.walk_stop AS walk_stop",
        "answers.moderation AS moderation",
        "answers.created_at AS created_at",
        "answers.value AS value",
        *(f"{sql} AS {name}" for sql, name in zip(media, _MEDIA, strict=True)),
        f"{_offset(options.periods, options.until)} AS o",
        "CAST(substr(answers.created_at, 12, 2) AS INTEGER) AS h",
    ]
    sql = (
        f"SELECT {', '.join(columns)} FROM answers JOIN temp.export_people p ON p.id = answers.participant_id"
        + (f" WHERE {conditions}" if conditions else "")
        + " ORDER BY answers.id LIMIT -1"
    )
    return sql, params


def _quoted(sql: str, separator: str) -> str:
    """A cell as `csv.writer` writes it (QUOTE_MINIMAL): in double quotes, its own doubled, when it holds the
    separator, a double quote or a line break."""
    special = chr(34) + chr(10) + chr(13)
    if separator.isalnum() or separator in special + "[]^*?\\-!":
        needs = f"(instr({sql}, {_quote(separator)}) OR {sql} GLOB {_quote('*[' + special + ']*')})"
    else:
        needs = f"{sql} GLOB {_quote('*[' + separator + special + ']*')}"
    return f"CASE WHEN {needs} THEN '\"' || replace({sql}, '\"', '\"\"') || '\"' ELSE {sql} END"


def _text(name: str) -> str:
    """A number of the stored JSON as written there (Python wrote it with repr, as Python would print it)."""
    return f"(x.value -> '$.{name}')"


def _same(name: str) -> str:
    """True when SQLite prints the number as it is written in the JSON (and so as Python prints it)."""
    return f"{_text(name)} = CAST(x.{name} AS TEXT)"


def _rare(options: CellOptions, media: list[str]) -> tuple[str, str]:
    """Rows finished in Python (see the module's docstring), and the condition of a place's answer."""
    words = "COALESCE(x.text, x.voice, x.photo)"
    place = f"x.option IS NULL AND x.value_ IS NULL AND {words} IS NULL AND x.latitude IS NOT NULL"
    rare = [
        "x.o IS NULL",
        "(x.option IS NULL AND x.answer_type = 'choice')",
        "(x.option IS NOT NULL AND typeof(x.option) = 'real')",
        "(x.defends IS NOT NULL AND (x.option IS NOT NULL OR typeof(x.defends) = 'real'))",
        f"typeof({words}) = 'real'",
        f"({place} AND (x.longitude IS NULL OR NOT {_same('latitude')} OR NOT {_same('longitude')}))",
        *(f"x.{name} IS NOT NULL" for name in media),  # only for the tables that hold anything
        "q.head IS NULL",  # a question no longer in the content, or a walk's reflection: its text is found in Python
        f"x.answer_type NOT IN ({', '.join(_quote(kind) for kind in ANSWER_TYPES)})",
        # A number with a fraction is printed by SQLite as Python prints it only when both write it as in the JSON.
        f"(typeof(x.duration) = 'real' AND NOT {_same('duration')})",
        f"(typeof(x.latitude) = 'real' AND NOT {_same('latitude')})",
        f"(typeof(x.longitude) = 'real' AND NOT {_same('longitude')})",
        "(typeof(x.value_) = 'real' AND NOT (x.value -> '$.value') = CAST(x.value_ AS TEXT))",
        "typeof(x.step) = 'real'",
    ]
    return " OR ".join(rare), place


def _answer(options: CellOptions, place: str) -> str:
    """The answer cell, quoted for CSV where it needs to be (the labels come quoted from the TEMP table)."""
    latitude, longitude = _text("latitude"), _text("longitude")
    if options.decimal_comma:
        where = f"replace({latitude}, '.', ',') || '; ' || replace({longitude}, '.', ',')"
    else:
        where = f"{latitude} || ', ' || {longitude}"

    def cell(sql: str) -> str:
        return _quoted(_clean(sql), options.separator)

    return (
        f"CASE WHEN x.option IS NOT NULL THEN COALESCE(l.nl, {cell('x.option')})"
        f" WHEN x.value_ IS NOT NULL THEN {_quoted('x.value_', options.separator)}"
        f" WHEN x.text IS NOT NULL THEN {cell('x.text')}"
        f" WHEN x.voice IS NOT NULL THEN {cell('x.voice')}"
        f" WHEN x.photo IS NOT NULL THEN {cell('x.photo')}"
        f" WHEN x.latitude IS NOT NULL THEN {cell(where)}"
        " WHEN x.answer_type = 'skipped' OR x.value IN ('{}', '') THEN NULL"
        f" ELSE {cell('x.value')} END"
    )


ANSWER_TYPES = ("choice", "scale", "text", "voice", "photo", "location", "skipped")  # written as they are
_MEDIA = ("kept", "heard", "translated")
_HOURS = "".join(f"{hour:02d}" for hour in range(24))


def _local(periods: tuple[Period, ...]) -> str:
    """The stored UTC time as the city's clock shows it, to the second (as the Python row maker writes it).

    With whole-hour offsets (most zones), a time that stays on the same day only needs its hour changed, which is
    far cheaper than SQLite's date functions; those are used for the hours that move to another day.
    """
    moved = "strftime('%Y-%m-%dT%H:%M', substr(x.created_at, 1, 16), x.o || ' minutes') || substr(x.created_at, 17, 3)"
    if any(period.minutes % 60 for period in periods):
        return moved
    hour = "(x.h + x.o / 60)"
    return (
        f"CASE WHEN {hour} BETWEEN 0 AND 23 THEN substr(x.created_at, 1, 11) || substr('{_HOURS}', 2 * {hour} + 1, 2)"
        f" || substr(x.created_at, 14, 6) ELSE {moved} END"
    )


def lines_sql(connection: sqlite3.Connection, options: CellOptions, where: AnswerFilter) -> tuple[str, list[Any]]:
    """Per answer: NULL and its CSV line, final (cells in `COLUMNS` order, see bot/organise/export_columns.py,
    quoted as `csv.writer` quotes them), or its id and a line to be made in Python instead."""
    inner, params = _inner(connection, options, where)
    lookups = media_lookups(connection)
    rare, place = _rare(options, [name for name, lookup in zip(_MEDIA, lookups, strict=True) if lookup != "NULL"])
    offsets = sorted({(period.minutes, period.suffix) for period in options.periods})
    suffix = " ".join(f"WHEN {minutes} THEN {_quote(text)}" for minutes, text in offsets)
    if options.decimal_comma:
        seconds = (
            f"CASE WHEN typeof(x.duration) = 'real' THEN replace({_text('duration')}, '.', ',') ELSE x.duration END"
        )
        latitude = f"CASE WHEN {place} THEN replace({_text('latitude')}, '.', ',') ELSE x.latitude END"
        longitude = f"CASE WHEN {place} THEN replace({_text('longitude')}, '.', ',') ELSE x.longitude END"
    else:
        seconds, latitude, longitude = "x.duration", "x.latitude", "x.longitude"
    moderated = "x.text IS NOT NULL OR x.voice IS NOT NULL OR x.photo IS NOT NULL"
    columns = [
        "x.id",
        "x.person",  # pseudonym, channel, role, language and community, as CSV cells
        "q.head",  # conversation, prompt id, question in Dutch and theme, as CSV cells
        "x.answer_type",
        _answer(options, place),
        f"CASE WHEN x.defends IS NOT NULL THEN {_clean('x.defends')} WHEN x.option IS NOT NULL THEN"
        f" {_clean('x.option')} END",
        "l.own",
        seconds,
        latitude,
        longitude,
        "CASE WHEN x.minority THEN 'true' ELSE 'false' END",
        "CASE WHEN x.minority THEN CASE WHEN x.step IS NULL OR x.step IN ('', 0) THEN 'view' ELSE x.step END END",
        f"CASE WHEN x.walk_stop != '' THEN {_clean('x.walk_stop')} END",
        f"CASE WHEN {moderated} THEN x.moderation END",
        _local(options.periods) + f" || CASE x.o {suffix} END",
        "NULL",
        "CASE WHEN x.voice IS NOT NULL THEN 'not transcribed' END",
        "NULL",
        "NULL",
        f"CASE WHEN x.text IS NOT NULL AND x.language != {_quote(options.target)} AND x.language != ''"
        " THEN 'not translated' END",
        "NULL",
    ]
    # Cells that are never more than digits, fixed words or the time are not checked for what needs quoting, nor
    # those quoted already: the person's and the content's (in the TEMP tables) and the answer (quoted by branch).
    # Numbers hold digits, a point or a comma, a sign and an exponent: the usual separators never need quotes there.
    numbers = options.separator in (";", "\t") or (options.separator == "," and not options.decimal_comma)
    plain = {0, 1, 2, 3, 4, 6, 10, 14, 15, 16, 17, 18, 19, 20} | ({7, 8, 9} if numbers else set())
    cells = [cell if index in plain else _quoted(cell, options.separator) for index, cell in enumerate(columns)]
    template = _quote(options.separator.replace("%", "%%").join(["%s"] * len(cells)) + "\r\n")
    sql = (
        f"SELECT CASE WHEN {rare} THEN x.id END, printf({template}, {', '.join(cells)}) FROM ({inner}) AS x"
        " LEFT JOIN temp.export_prompts q ON q.conversation = x.conversation AND q.prompt_id = x.prompt_id"
        " LEFT JOIN temp.export_labels l ON l.conversation = x.conversation AND l.prompt_id = x.prompt_id"
        " AND l.option = COALESCE(x.defends, x.option) AND l.language = COALESCE(x.language, '')"
    )
    return sql, params


def read_lines(
    connection: sqlite3.Connection, options: CellOptions, where: AnswerFilter, batch: int
) -> Iterator[list[tuple[int | None, str]]]:
    """The rows of `lines_sql`, `batch` at a time, in answer id order."""
    sql, params = lines_sql(connection, options, where)
    cursor = connection.execute(sql, params)
    while rows := cursor.fetchmany(batch):
        yield rows
