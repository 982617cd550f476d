"""`--with-media`: a zip with the export and every kept voice note and photo, named by answer id.

The columns of voices and photos are in export_columns.py (`MEDIA_COLUMNS`), their cells in export_rows.py.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.content.loader import Library
from bot.organise.export import export_zip
from bot.organise.export_columns import Selection
from bot.store.export_queries import kept_files, only_read, open_reader


def export_with_media(
    db_path: Path,
    library: Library,
    zone: ZoneInfo,
    fmt: str,
    target: Path,
    selection: Selection,
    media_folder: Path,
    *,
    separator: str = ",",
    language: str | None = None,
    organiser_language: str = "nl",
) -> tuple[int, int]:
    """The export and the kept files in one zip; (answers, files). Files are named by answer id."""
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
    connection = open_reader(db_path)
    try:
        only_read(connection)
        wanted = [media_folder / path for path in kept_files(connection, selection.filter())]
    finally:
        connection.close()
    files = 0
    with zipfile.ZipFile(target, "a", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        for file in wanted:
            if file.is_file():  # a file forgotten since the rows were read is simply not there
                archive.write(file, f"media/{file.name}")
                files += 1
    return count, files
