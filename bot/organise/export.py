"""Exports of every answer: CSV (Excel-friendly), XLSX (one sheet per conversation) and JSON Lines.

Each format streams: rows come one at a time from their own SQLite connection (so a big export never holds the
bot's connection, and runs in a worker thread from Telegram), and go straight into the file. XLSX uses xlsxwriter's
constant-memory mode, which keeps one row per sheet in memory. Memory therefore does not grow with the number of
answers.

Rows never hold a Telegram id or a name: participants are known by their random pseudonym only.
"""

from __future__ import annotations

import json
import zipfile
from datetime import datetime
from pathlib import Path
from typing import IO
from zoneinfo import ZoneInfo

from bot.content.loader import Library
from bot.organise.export_columns import (
    CHANNEL_NAMES,
    COLUMNS,
    FORMULA_STARTS,
    MODERATED,
    MODERATION_INDEX,
    NAMES,
    XLSX_MAX_ROWS,
    Column,
    Selection,
    parse_day,
)
from bot.organise.export_csv import write_csv
from bot.organise.export_rows import RAW_AT, AnswerReader, RowMaker
from bot.organise.export_xlsx import write_xlsx
from bot.organise.i18n import organiser_translator
from bot.private_files import make_private

FORMATS = ("csv", "xlsx", "json")
TELEGRAM_UPLOAD_LIMIT = 50 * 1024 * 1024
__all__ = [
    "CHANNEL_NAMES",
    "COLUMNS",
    "FORMATS",
    "NAMES",
    "TELEGRAM_UPLOAD_LIMIT",
    "AnswerReader",
    "Column",
    "RowMaker",
    "Selection",
    "export",
    "export_zip",
    "parse_day",
]


def neutralise(value: str) -> str:
    """A cell that a spreadsheet would run as a formula is kept as text by a leading apostrophe (OWASP)."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


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
    maker = RowMaker(
        library, zone, csv=fmt == "csv", excel=fmt == "xlsx", decimal_comma=fmt == "csv" and separator == ";"
    )
    maker.target = organiser_language
    reader = AnswerReader(db_path, selection)
    if isinstance(out, Path):
        make_private(out)  # an old export of the same name keeps no wider rights
    if fmt == "xlsx":
        if not isinstance(out, Path):
            raise ValueError("an XLSX export needs a file")
        return write_xlsx(reader, maker, out, organiser_translator(language), selection, max_rows=max_rows)
    if fmt == "csv":
        where = selection.filter()
        if isinstance(out, Path):
            with out.open("wb") as handle:
                return write_csv(db_path, maker, where, handle, separator, zone=zone)
        return write_csv(db_path, maker, where, out, separator, zone=zone)
    if isinstance(out, Path):
        with out.open("wb") as handle:
            return write_json(reader, maker, handle)
    return write_json(reader, maker, out)


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
    with zipfile.ZipFile(make_private(target), "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
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
