"""Exports of every answer: CSV (Excel-friendly), XLSX (one sheet per conversation) and JSON Lines.

Each format streams: rows come one at a time from their own SQLite connection (so a big export never holds the
bot's connection, and runs in a worker thread from Telegram), and go straight into the file. XLSX uses xlsxwriter's
constant-memory mode, which keeps one row per sheet in memory. Memory therefore does not grow with the number of
answers.

Rows never hold a Telegram id or a name: participants are known by their random pseudonym only.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import sqlite3
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo

from bot.content.loader import Library
from bot.i18n import pick
from bot.organise.export_media import MEDIA_COLUMNS, MEDIA_PARTS, media_cells
from bot.organise.i18n import ON_, OrganiserTranslator, organiser_translator

FORMATS = ("csv", "xlsx", "json")
CHANNEL_NAMES = {"telegram": "telegram", "terminal": "rehearsal"}
# Excel (and LibreOffice, Google Sheets) run a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_MAX_ROWS = 1_048_576  # Excel's limit per sheet, the header row included
TELEGRAM_UPLOAD_LIMIT = 50 * 1024 * 1024


@dataclass(frozen=True)
class Column:
    name: str
    meaning: str  # organiser catalog msgid


COLUMNS: tuple[Column, ...] = (
    Column("answer_id", ON_("Number of the answer in the database; the same in every export.")),
    Column("pseudonym", ON_("Random code of the participant; never their Telegram id or name.")),
    Column("channel", ON_("telegram for real participants, rehearsal for tries in the terminal simulator.")),
    Column("role", ON_("resident, newcomer, volunteer or unsaid, as the participant said.")),
    Column("language", ON_("The language the participant uses (nl, en, fr, ar, ...).")),
    Column("community", ON_("The community (city, neighbourhood, class) the participant joined.")),
    Column("conversation", ON_("Id of the conversation (round or walk).")),
    Column("prompt_id", ON_("Id of the question; it stays the same when the text is edited.")),
    Column("prompt_text_nl", ON_("The question in Dutch.")),
    Column("theme", ON_("Theme of the question: housing, mobility, work, safety, ...")),
    Column("answer_type", ON_("choice, scale, text, voice, photo, location, or skipped.")),
    Column(
        "answer",
        ON_(
            "The answer: for a choice the option in Dutch, for a scale 1 (not good at all) to 5 (very good), for a "
            "text what was written, for a voice message or photo Telegram's file reference (the bot can fetch the "
            "file with it), for a place latitude, longitude."
        ),
    ),
    Column(
        "option_id",
        ON_("For a choice: the id of the chosen option; for a multiple choice each chosen one, joined with “; ”."),
    ),
    Column("option_label_own", ON_("For a choice: the option as the participant saw it, in their language.")),
    Column("voice_seconds", ON_("For a voice message: its length in seconds.")),
    Column("latitude", ON_("For a place: latitude.")),
    Column("longitude", ON_("For a place: longitude.")),
    Column(
        "minority",
        ON_(
            "true when the answer is the minority voice (a follow-up to people who see it differently); in XLSX "
            "TRUE, and empty otherwise."
        ),
    ),
    Column("walk_stop", ON_("For a dialogue walk: the stop the answer was given at.")),
    Column("moderation", ON_("For a text: pending, approved (may be quoted) or hidden (never shown to others).")),
    Column("created_at", ON_("When the answer came in, in the city's time zone.")),
    *(Column(name, meaning) for name, meaning in MEDIA_COLUMNS),
)
NAMES = tuple(column.name for column in COLUMNS)
ANSWER_INDEX = NAMES.index("answer")
MODERATION_INDEX = NAMES.index("moderation")
CREATED_INDEX = NAMES.index("created_at")
CONVERSATION_INDEX = NAMES.index("conversation")
MINORITY_INDEX = NAMES.index("minority")
# XLSX cell types by column: the answer is a number for a scale and text otherwise, so it is typed per cell.
NUMBER_COLUMNS = tuple(NAMES.index(name) for name in ("answer_id", "voice_seconds", "latitude", "longitude"))
STRING_COLUMNS = tuple(
    index for index in range(len(NAMES)) if index not in (*NUMBER_COLUMNS, ANSWER_INDEX, MINORITY_INDEX, CREATED_INDEX)
)
MODERATED = {"approved": 1, "hidden": -1}  # Pol.is convention: 1 accepted, -1 rejected, 0 not yet moderated


@dataclass(frozen=True)
class Selection:
    """Which answers an export holds."""

    conversation: str | None = None
    since: datetime | None = None  # UTC, inclusive
    until: datetime | None = None  # UTC, exclusive
    live_only: bool = False  # leave out rehearsals in the terminal simulator
    communities: frozenset[str] | None = None  # a community organiser's: only their participants' answers

    def describe(self) -> dict[str, Any]:
        return {
            **({"communities": sorted(self.communities)} if self.communities is not None else {}),
            "conversation": self.conversation,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "live_only": self.live_only,
        }


def parse_day(text: str, zone: ZoneInfo, *, end: bool = False) -> datetime:
    """A date (2026-11-26) or a moment (2026-11-26T14:00) in the city's time zone, as UTC.

    A bare date as `end` means the whole of that day is included.
    """
    text = text.strip()
    try:
        day = date.fromisoformat(text)
    except ValueError:
        moment = datetime.fromisoformat(text)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=zone)
        return moment.astimezone(UTC)
    start = datetime.combine(day + timedelta(days=1) if end else day, time(0), tzinfo=zone)
    return start.astimezone(UTC)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# The stored value is a small JSON object; SQLite takes its parts out in C, faster than json.loads per row.
_PARTS = ("option", "value", "text", "voice", "duration", "photo", "latitude", "longitude")


def _select(parts: tuple[str, ...]) -> str:
    arrow = sqlite3.sqlite_version_info >= (3, 38)
    taken = [f"value ->> '$.{part}'" if arrow else f"json_extract(value, '$.{part}')" for part in parts]
    return (
        "SELECT id, participant_id, conversation, prompt_id, answer_type,"
        f" {', '.join(taken)}, minority, walk_stop, moderation, created_at, value, {MEDIA_PARTS} FROM answers"
    )


RAW_AT = -1 - MEDIA_PARTS.count("(SELECT")  # the stored value, before the media parts at the end of a row
Person = tuple[str, str, str | None, str | None, str]  # pseudonym, channel (as exported), role, language, community


class AnswerReader:
    """Answer rows, oldest first, from a connection of their own that only reads, one batch at a time.

    Participants are read once into `people` (there are far fewer of them than answers, and joining them per answer
    in SQL costs more than all the rest of a row); answers of participants not in `people` (rehearsals, with
    `live_only`) are left out by the writers.
    """

    BATCH = 1000

    def __init__(self, db_path: Path, selection: Selection) -> None:
        self.db_path = db_path
        self.selection = selection
        self.people: dict[int, Person] = {}

    def batches(self) -> Iterator[list[tuple[Any, ...]]]:
        """The answers in batches of `BATCH`; `people` is filled before the first one."""
        selection = self.selection
        connection = sqlite3.connect(self.db_path, timeout=10)
        try:
            connection.execute("PRAGMA query_only = ON")
            self.people.clear()  # filled in place: the writers hold on to this dict
            self.people.update(
                (row[0], (row[1], CHANNEL_NAMES.get(row[2], row[2]), *row[3:]))
                for row in connection.execute(
                    "SELECT id, pseudonym, channel, role, language, community FROM participants"
                    + (" WHERE channel != 'terminal'" if selection.live_only else "")
                )
                # Answers of people outside the organiser's communities are left out with their people.
                if selection.communities is None or row[5] in selection.communities
            )
            conditions: list[str] = []
            params: list[Any] = []
            if selection.conversation:
                conditions.append("conversation = ?")
                params.append(selection.conversation)
            if selection.since:
                conditions.append("created_at >= ?")
                params.append(_iso(selection.since))
            if selection.until:
                conditions.append("created_at < ?")
                params.append(_iso(selection.until))
            sql = _select(_PARTS)
            if conditions:
                sql += " WHERE " + " AND ".join(conditions)
            # The rowid order: SQLite walks the table as stored, without sorting a million rows first.
            sql += " ORDER BY id"
            cursor = connection.execute(sql, params)
            while rows := cursor.fetchmany(self.BATCH):
                yield rows
        finally:
            connection.close()

    def __iter__(self) -> Iterator[tuple[tuple[Any, ...], Person]]:
        """Each answer with who gave it (simple, for tests and small exports; the writers loop over batches)."""
        for rows in self.batches():
            for row in rows:
                person = self.people.get(row[1])
                if person is not None:
                    yield row, person


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


EXCEL_EPOCH = datetime(1899, 12, 30)
_MINUTES_KEPT = 50_000  # the cache of local minutes is emptied past this, so it never grows with the export


class RowMaker:
    """Turns a stored answer into one export row, a list in `COLUMNS` order.

    `csv` neutralises cells a spreadsheet would run as formulas and writes booleans as true/false; `excel` gives the
    created time as an Excel serial number (for a real date cell). Content and time-zone lookups are cached, since
    a million rows share a few dozen questions and far fewer minutes than rows.
    """

    def __init__(self, library: Library, zone: ZoneInfo, *, csv: bool = False, excel: bool = False) -> None:
        self.library = library
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
            if len(self._minutes) > _MINUTES_KEPT:
                self._minutes.clear()
            local = datetime.fromisoformat(stored[:16] + ":00+00:00").astimezone(self.zone)
            if self.excel:
                minute = (local.replace(tzinfo=None) - EXCEL_EPOCH).total_seconds() / 86400
            else:
                minute = (local.strftime("%Y-%m-%dT%H:%M"), local.isoformat()[19:])
            self._minutes[stored[:16]] = minute
        if self.excel:
            return minute + int(stored[17:19]) / 86400
        return minute[0] + stored[16:19] + minute[1]

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
            minority,
            walk_stop,
            moderation,
            created_at,
            raw,
            *media,
        ) = row
        pseudonym, channel, role, language, community = person
        info = self._prompts.get((conversation, prompt_id)) or self.prompt(conversation, prompt_id, walk_stop)
        option_own = None
        chosen = json.loads(raw).get("options") if option is None and answer_type == "choice" and raw else None
        if option is not None:
            option = str(option)
            option_nl, option_own = self.labels((conversation, prompt_id, option, language), info)
            option = self._clean(option)
            answer: Any = option_nl or option
        elif isinstance(chosen, list):  # a multiple choice: every option, joined as in the cell of a spreadsheet
            keys = [str(key) for key in chosen]
            labels = [self.labels((conversation, prompt_id, key, language), info) for key in keys]
            option = self._clean("; ".join(keys))
            answer = self._clean("; ".join(nl or key for (nl, _own), key in zip(labels, keys, strict=True)))
            option_own = self._clean("; ".join(own or key for (_nl, own), key in zip(labels, keys, strict=True)))
        elif scale is not None:
            answer = scale
        elif text is not None:
            answer = self._clean(str(text))
        elif voice is not None:
            answer = self._clean(str(voice))
        elif photo is not None:
            answer = self._clean(str(photo))
        elif latitude is not None:
            answer = self._clean(f"{latitude}, {longitude}")
        elif answer_type == "skipped" or raw in ("{}", ""):
            answer = None
        else:
            answer = self._clean(raw)  # a kind of answer this export does not know yet: as stored
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
            ("true" if minority else "false") if self.csv else bool(minority),
            self._clean(walk_stop) if walk_stop else None,
            moderation if text is not None else None,  # only a free text is moderated
            self.moment(created_at),
            *media_cells(media, answer_type, text, voice, language, self.target, self._clean),
        ]


def neutralise(value: str) -> str:
    """A cell that a spreadsheet would run as a formula is kept as text by a leading apostrophe (OWASP)."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def write_csv(reader: AnswerReader, maker: RowMaker, out: IO[bytes], separator: str = ",") -> int:
    """CSV as Excel opens it: UTF-8 with a byte order mark, one header row, formulas neutralised."""
    out.write(codecs.BOM_UTF8)  # the BOM by hand: the utf-8-sig codec encodes in Python, row by row
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=False)
    try:
        writer = csv.writer(text, delimiter=separator, lineterminator="\r\n")
        writer.writerow(NAMES)
        count = 0
        write, people = writer.writerow, reader.people
        for rows in reader.batches():
            for row in rows:
                person = people.get(row[1])
                if person is not None:
                    write(maker(row, person))
                    count += 1
        text.flush()
    finally:
        text.detach()
    return count


def write_json(reader: AnswerReader, maker: RowMaker, out: IO[bytes]) -> int:
    """JSON Lines: one object per answer, with the stored value as it is and the Pol.is-style fields."""
    count = 0
    encode = json.JSONEncoder(ensure_ascii=False).encode
    for row, person in reader:
        cells = maker(row, person)
        record = dict(zip(NAMES, cells, strict=True))
        record["value"] = json.loads(row[RAW_AT])
        record["timestamp"] = int(datetime.fromisoformat(row[RAW_AT - 1]).timestamp())
        moderation = cells[MODERATION_INDEX]
        record["moderated"] = MODERATED.get(moderation, 0) if moderation is not None else None
        out.write(encode(record).encode("utf-8"))
        out.write(b"\n")
        count += 1
    return count


class _Sheets:
    """One sheet per conversation, continued on a next sheet when Excel's row limit is reached."""

    def __init__(self, workbook: Any, header: Any, date_format: Any, max_rows: int) -> None:
        self.workbook = workbook
        self.header = header
        self.date_format = date_format
        self.max_rows = max_rows
        self.current: dict[str, tuple[Any, int, int]] = {}  # conversation -> (sheet, next row, part)
        self.names: set[str] = set()
        self.all: list[tuple[str, Any, int]] = []  # (name, sheet, rows written), for the overview and filters

    def _name(self, conversation: str, part: int) -> str:
        suffix = "" if part == 1 else f" ({part})"
        base = (conversation or "-")[: 31 - len(suffix)]
        name = base + suffix
        counter = 2
        while name.lower() in self.names:
            extra = f"~{counter}"
            name = base[: 31 - len(suffix) - len(extra)] + extra + suffix
            counter += 1
        self.names.add(name.lower())
        return name

    def _open(self, conversation: str, part: int) -> tuple[Any, int, int]:
        name = self._name(conversation, part)
        sheet = self.workbook.add_worksheet(name)
        sheet.write_row(0, 0, NAMES, self.header)
        sheet.freeze_panes(1, 0)
        widths = {"prompt_text_nl": 40, "answer": 50, "created_at": 20, "option_label_own": 22}
        for index, name_ in enumerate(NAMES):
            sheet.set_column(index, index, widths.get(name_, 14))
        self.all.append((name, sheet, 0))
        return sheet, 1, part

    def place(self, conversation: str) -> tuple[Any, int]:
        sheet, row, part = self.current.get(conversation) or self._open(conversation, 1)
        if row >= self.max_rows:
            self._finish(sheet, row)
            sheet, row, part = self._open(conversation, part + 1)
        self.current[conversation] = (sheet, row + 1, part)
        return sheet, row

    def _finish(self, sheet: Any, rows: int) -> None:
        for index, (name, known, _count) in enumerate(self.all):
            if known is sheet:
                self.all[index] = (name, sheet, rows - 1)
                sheet.autofilter(0, 0, max(rows - 1, 1), len(NAMES) - 1)

    def finish(self) -> None:
        for sheet, row, _part in self.current.values():
            self._finish(sheet, row)


def write_xlsx(
    reader: AnswerReader,
    maker: RowMaker,
    path: Path,
    o: OrganiserTranslator,
    selection: Selection,
    *,
    max_rows: int = XLSX_MAX_ROWS,
) -> int:
    """XLSX with a sheet that explains the columns, then one sheet per conversation, in constant memory."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": True,
            "use_zip64": True,
            # A participant's text is never a formula, a link or a number: keep it exactly as written.
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    bold = workbook.add_format({"bold": True})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    about = workbook.add_worksheet(o.ogettext("About the columns")[:31])
    about.set_column(0, 0, 22)
    about.set_column(1, 1, 100)
    about.write_string(0, 0, o.ogettext("Samenspraak export"), bold)
    about.write_string(1, 0, o.ogettext("Made at"))
    about.write_string(1, 1, datetime.now(maker.zone).isoformat(timespec="seconds"))
    about.write_string(2, 0, o.ogettext("Selection"))
    about.write_string(2, 1, json.dumps(selection.describe(), ensure_ascii=False))
    about.write_string(
        3, 1, o.format(o.ogettext("Dates and times are in the city's time zone ({zone})."), zone=maker.zone.key)
    )
    about.write_string(5, 0, o.ogettext("Column"), bold)
    about.write_string(5, 1, o.ogettext("Meaning"), bold)
    for index, column in enumerate(COLUMNS, start=6):
        about.write_string(index, 0, column.name)
        about.write_string(index, 1, o.ogettext(column.meaning))
    next_row = 6 + len(COLUMNS) + 1

    sheets = _Sheets(workbook, bold, date_format, max_rows)
    count = 0
    people = reader.people
    for rows in reader.batches():
        for row in rows:
            person = people.get(row[1])
            if person is None:
                continue
            cells = maker(row, person)
            sheet, row_index = sheets.place(cells[CONVERSATION_INDEX])
            write_string, write_number = sheet.write_string, sheet.write_number
            for column in STRING_COLUMNS:
                cell = cells[column]
                if cell is not None:
                    write_string(row_index, column, cell)
            for column in NUMBER_COLUMNS:
                cell = cells[column]
                if cell is not None:
                    write_number(row_index, column, cell)
            answer = cells[ANSWER_INDEX]
            if answer.__class__ is str:
                write_string(row_index, ANSWER_INDEX, answer)
            elif answer is not None:
                write_number(row_index, ANSWER_INDEX, answer)
            if cells[MINORITY_INDEX]:  # TRUE only: an empty cell is not the minority voice (a cell less per row)
                sheet.write_boolean(row_index, MINORITY_INDEX, True)
            write_number(row_index, CREATED_INDEX, cells[CREATED_INDEX], date_format)
            count += 1
    sheets.finish()
    about.write_string(next_row, 0, o.ogettext("Sheet"), bold)
    about.write_string(next_row, 1, o.ogettext("Answers"), bold)
    for offset, (name, _sheet, written) in enumerate(sheets.all, start=1):
        about.write_string(next_row + offset, 0, name)
        about.write_number(next_row + offset, 1, written)
    if not sheets.all:
        about.write_string(next_row + 1, 0, o.ogettext("No answers match this selection."))
    workbook.close()
    return count


def export(
    db_path: Path,
    library: Library,
    zone: ZoneInfo,
    fmt: str,
    out: Path | IO[bytes],
    selection: Selection,
    *,
    separator: str = ",",
    language: str | None = None,
    max_rows: int = XLSX_MAX_ROWS,
    organiser_language: str = "nl",
) -> int:
    """Write one export; returns how many answers it holds. Synchronous: run it in a thread from the bot."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    maker = RowMaker(library, zone, csv=fmt == "csv", excel=fmt == "xlsx")
    maker.target = organiser_language
    reader = AnswerReader(db_path, selection)
    if fmt == "xlsx":
        if not isinstance(out, Path):
            raise ValueError("an XLSX export needs a file")
        return write_xlsx(reader, maker, out, organiser_translator(language), selection, max_rows=max_rows)
    if isinstance(out, Path):
        with out.open("wb") as handle:
            return write_csv(reader, maker, handle, separator) if fmt == "csv" else write_json(reader, maker, handle)
    return write_csv(reader, maker, out, separator) if fmt == "csv" else write_json(reader, maker, out)


def export_zip(
    db_path: Path,
    library: Library,
    zone: ZoneInfo,
    fmt: str,
    target: Path,
    selection: Selection,
    *,
    separator: str = ",",
    language: str | None = None,
    organiser_language: str = "nl",
) -> int:
    """An export inside a zip file (for Telegram): the zip is written as the rows come, never held in memory."""
    stamp = datetime.now(zone).strftime("%Y%m%d-%H%M")
    name = f"samenspraak-{selection.conversation or 'all'}-{stamp}.{'jsonl' if fmt == 'json' else fmt}"
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        if fmt == "xlsx":
            inner = target.with_suffix(".xlsx.part")
            try:
                count = export(
                    db_path,
                    library,
                    zone,
                    fmt,
                    inner,
                    selection,
                    language=language,
                    organiser_language=organiser_language,
                )
                archive.write(inner, name)
            finally:
                inner.unlink(missing_ok=True)
            return count
        with archive.open(name, "w", force_zip64=True) as member:
            return export(
                db_path,
                library,
                zone,
                fmt,
                member,
                selection,
                separator=separator,
                language=language,
                organiser_language=organiser_language,
            )
