"""The exports' share of voices and photos: columns for the kept file, the transcript, the machine translation and
the engines that made them; and `--with-media`, a zip with the export and every kept file named by answer id."""

from __future__ import annotations

import sqlite3
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.content.loader import Library
from bot.organise.i18n import ON_

MEDIA_COLUMNS: tuple[tuple[str, str], ...] = (
    ("media_file", ON_("For a voice message or photo: the kept file, as named in an export --with-media zip.")),
    (
        "transcript",
        ON_(
            "For a voice message: what was said, as the participant confirmed or typed it, else the speech "
            "engine's transcript; 'not transcribed' without one."
        ),
    ),
    ("transcript_language", ON_("The language of the transcript.")),
    ("transcript_engine", ON_("Who made the transcript: the speech engine, or 'participant' when they typed it.")),
    (
        "translation",
        ON_(
            "A machine translation of the text or transcript into the organisers' language; 'not translated' "
            "without one. Made by a machine: check it before you quote it."
        ),
    ),
    ("translation_engine", ON_("The translation engine that made it.")),
)
SEP = "char(31)"
# One lookup per table (parts of one answer joined by SEP): three per answer instead of six.
_LOOKUPS = (
    ("media", "(SELECT path FROM media m WHERE m.answer_id = answers.id)"),
    (
        "transcripts",
        f"(SELECT COALESCE(t.corrected, t.text) || {SEP} || COALESCE(t.language, '') || {SEP} ||"
        " CASE WHEN t.corrected IS NULL THEN t.engine ELSE 'participant' END"
        " FROM transcripts t WHERE t.answer_id = answers.id)",
    ),
    (
        "translations",
        f"(SELECT r.text || {SEP} || r.engine FROM translations r WHERE r.answer_id = answers.id"
        " ORDER BY r.field = 'transcript' DESC LIMIT 1)",
    ),
)
MEDIA_PARTS = ", ".join(lookup for _table, lookup in _LOOKUPS)
MEDIA_PART_COUNT = len(_LOOKUPS)


def media_parts(connection: sqlite3.Connection) -> str:
    """`MEDIA_PARTS`, with a NULL for each table that is empty: most rounds have no kept file, transcript or
    translation, and a lookup per answer in an empty table still costs a million index probes."""
    return ", ".join(
        lookup if connection.execute(f"SELECT EXISTS (SELECT 1 FROM {table})").fetchone()[0] else "NULL"
        for table, lookup in _LOOKUPS
    )


NOT_TRANSCRIBED = "not transcribed"
NOT_TRANSLATED = "not translated"


def media_cells(
    media: list[Any] | tuple[Any, ...],
    answer_type: str,
    text: Any,
    voice: Any,
    language: str | None,
    target: str,
    clean: Callable[[str | None], str | None],
) -> list[Any]:
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


def export_with_media(
    db_path: Path,
    library: Library,
    zone: ZoneInfo,
    fmt: str,
    target: Path,
    selection: Any,
    media_folder: Path,
    *,
    separator: str = ",",
    language: str | None = None,
    organiser_language: str = "nl",
) -> tuple[int, int]:
    """The export and the kept files in one zip; (answers, files). Files are named by answer id."""
    from bot.organise.export import AnswerReader, export_zip

    count = export_zip(
        db_path,
        library,
        zone,
        fmt,
        target,
        selection,
        separator=separator,
        language=language,
        organiser_language=organiser_language,
    )
    wanted: list[Path] = []
    reader = AnswerReader(db_path, selection)
    for row, _person in reader:
        path = row[-3]  # the first of the three MEDIA_PARTS
        if path:
            wanted.append(media_folder / path)
    files = 0
    with zipfile.ZipFile(target, "a", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        for file in wanted:
            if file.is_file():  # a file forgotten since the rows were read is simply not there
                archive.write(file, f"media/{file.name}")
                files += 1
    return count, files


def stamp(zone: ZoneInfo) -> str:
    return datetime.now(zone).strftime("%Y%m%d-%H%M")
