"""The XLSX export: a sheet that explains the columns, the codebook, the participants, a summary per question, then
one sheet per conversation with every answer; in xlsxwriter's constant-memory mode (one row per sheet in memory).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.organise.export_columns import (
    ANSWER_INDEX,
    COLUMNS,
    CONVERSATION_INDEX,
    CREATED_INDEX,
    MINORITY_INDEX,
    NAMES,
    NUMBER_COLUMNS,
    STRING_COLUMNS,
    XLSX_MAX_ROWS,
    Selection,
)
from bot.organise.export_rows import AnswerReader, RowMaker
from bot.organise.export_sheets import Tally, write_codebook, write_participants, write_summary
from bot.organise.i18n import OrganiserTranslator


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
    """XLSX with a sheet that explains the columns, the codebook, the participants and a summary per question, then
    one sheet per conversation, in constant memory."""
    library = maker.library
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
    write_codebook(workbook, bold, library, selection, o)
    participants = workbook.add_worksheet(o.ogettext("Participants")[:31])
    summary = workbook.add_worksheet(o.ogettext("Summary per question")[:31])
    tally = Tally()
    add = tally.add

    sheets = _Sheets(workbook, bold, date_format, max_rows)
    count = 0
    people = reader.people
    for rows in reader.batches():
        for row in rows:
            person = people.get(row[1])
            if person is None:
                continue
            add(row)
            cells = maker(row, person)
            sheet, row_index = sheets.place(cells[CONVERSATION_INDEX])
            write_string, write_number = sheet.write_string, sheet.write_number
            for index in STRING_COLUMNS:
                cell = cells[index]
                if cell is not None:
                    write_string(row_index, index, cell)
            for index in NUMBER_COLUMNS:
                cell = cells[index]
                if cell is not None:
                    write_number(row_index, index, cell)
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
    write_summary(summary, bold, workbook.add_format({"num_format": "0%"}), library, tally, o)
    write_participants(participants, bold, date_format, reader.db_path, selection, tally, maker.zone, o)
    about.write_string(next_row, 0, o.ogettext("Sheet"), bold)
    about.write_string(next_row, 1, o.ogettext("Answers"), bold)
    for offset, (name, _sheet, written) in enumerate(sheets.all, start=1):
        about.write_string(next_row + offset, 0, name)
        about.write_number(next_row + offset, 1, written)
    if not sheets.all:
        about.write_string(next_row + 1, 0, o.ogettext("No answers match this selection."))
    workbook.close()
    return count
