"""The CSV export built by SQLite (bot/store/export_cells.py) writes the same bytes as the Python row maker
(`RowMaker`, which the JSON and XLSX exports use) for every kind of answer, and the rare rows SQLite leaves to
Python come out the same too."""

from __future__ import annotations

import codecs
import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest

from bot.config import Settings
from bot.dispatch import load_content
from bot.organise.export import NAMES, Selection, export
from bot.organise.export_rows import AnswerReader, RowMaker
from bot.store import Store

ROUND = "leven-in-onze-stad"
WALK = "wandeling-centrum"
VALUES: list[tuple[str, str, str, object]] = [  # conversation, prompt, answer type, stored value
    (ROUND, "wonen", "scale", {"value": 4}),
    (ROUND, "wonen", "scale", {"value": 2.5}),
    (ROUND, "vervoer", "choice", {"option": "fiets"}),
    (ROUND, "vervoer", "choice", {"option": "=onbekend"}),
    (ROUND, "vervoer", "choice", {"option": 3}),
    (ROUND, "vervoer", "choice", {"option": 2.5}),
    (ROUND, "vervoer", "choice", {"options": ["fiets", "auto", "-x"]}),
    (ROUND, "vervoer", "choice", {}),
    (ROUND, "werk", "text", {"text": '=HYPERLINK("http://x")'}),
    (ROUND, "werk", "text", {"text": 'Meer bankjes, "schaduw"\nen bomen'}),
    (ROUND, "werk", "text", {"text": -5}),
    (ROUND, "werk", "text", {"text": 0.30000000000000004}),
    (ROUND, "ontmoeten", "voice", {"voice": "voice-1", "duration": 12}),
    (ROUND, "ontmoeten", "voice", {"voice": "+voice-2", "duration": 7.25}),
    (ROUND, "veilig", "photo", {"photo": "photo-1"}),
    (ROUND, "veilig", "skipped", {}),
    (ROUND, "lievelingsplek", "location", {"latitude": -33.918861, "longitude": 18.4233}),
    (ROUND, "lievelingsplek", "location", {"latitude": 51.05, "longitude": 1e-05}),
    (ROUND, "lievelingsplek", "location", {"latitude": 51, "longitude": 4}),
    (ROUND, "lievelingsplek", "location", {"latitude": 51.5}),
    (ROUND, "open-vraag", "sticker", {"sticker": "=x"}),
    (ROUND, "open-vraag", "text", "{}"),
    (ROUND, "niet-meer", "text", {"text": "een vraag die uit de inhoud verdween"}),
    ("andere-ronde", "vraag", "text", {"text": "@ergens"}),
    (WALK, "station", "text", {"text": "Bij het station"}),
    (WALK, "reflection-1", "text", {"text": "Achteraf"}),
]
MINORITY = [
    (ROUND, "vervoer", "text", {"text": "Wij willen een bus", "defends": "bus-tram", "step": "need"}),
    (ROUND, "vervoer", "text", {"text": "-Zo niet", "defends": "=raar", "step": ""}),
    (ROUND, "wonen", "text", {"text": "Te duur", "defends": 2}),
    (ROUND, "vervoer", "choice", {"option": "fiets", "defends": "auto", "step": "take"}),
]
# Around the changes to and from summer time in Brussels, midnight UTC (another day in the city), and before 2000.
TIMES = [
    "2026-11-26T10:00:00.000000Z",
    "2026-11-26T23:30:59.999999Z",
    "2026-03-29T00:59:59.000000Z",
    "2026-03-29T01:00:00.000000Z",
    "2026-10-25T00:59:30.500000Z",
    "2026-10-25T01:00:00.000000Z",
    "2026-06-30T22:15:00.000000Z",
    "1999-12-31T23:59:00.000000Z",
]
PEOPLE = [  # channel, language, role, community
    ("telegram", "ar", "newcomer", "default"),
    ("telegram", "nl", "resident", "=wijk"),
    ("terminal", None, None, "default"),
    ("telegram", "", "volunteer", 'oost, "noord"'),
    ("telegram", "ti", "resident", "default"),
]


def fill(db: Path) -> None:
    connection = sqlite3.connect(db)
    with connection:
        for number, (channel, language, role, community) in enumerate(PEOPLE, start=1):
            connection.execute(
                "INSERT INTO participants (id, pseudonym, channel, address, stage, language, community, role,"
                " consent_version, consent_at, created_at, updated_at) VALUES (?, ?, ?, ?, 'ready', ?, ?, ?, 'v1',"
                " 'x', '2026-11-01T00:00:00.000000Z', 'x')",
                (number, f"p-{number}", channel, str(1000 + number), language, community, role),
            )
        answers = [(value, 0) for value in VALUES] + [(value, 1) for value in MINORITY]
        number = 0
        for person in range(1, len(PEOPLE) + 1):
            for (conversation, prompt, kind, value), minority in answers:
                number += 1
                stored = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                connection.execute(
                    "INSERT INTO answers (id, participant_id, conversation, prompt_id, answer_type, value, minority,"
                    " walk_stop, moderation, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        number,
                        person,
                        conversation,
                        prompt,
                        kind,
                        stored,
                        minority,
                        ("station" if number % 3 else "-stop") if conversation == WALK else None,
                        ("approved", "pending", "hidden")[number % 3],
                        TIMES[number % len(TIMES)],
                        "x",
                    ),
                )
        # A kept voice note with a transcript and a translation, and a translated text: finished in Python.
        connection.execute(
            "INSERT INTO media (answer_id, participant_id, kind, source, path, status, created_at)"
            " VALUES (13, 1, 'voice', 'telegram', 'media/13.ogg', 'kept', 'x')"
        )
        connection.execute(
            "INSERT INTO transcripts (answer_id, text, language, engine, created_at) VALUES (13, 'كلمات', 'ar',"
            " 'whisper', 'x')"
        )
        connection.execute(
            "INSERT INTO translations (answer_id, field, target, text, engine, created_at) VALUES (9, 'text', 'nl',"
            " '=vertaald', 'libre', 'x')"
        )
    connection.close()


def python_csv(db: Path, settings: Settings, selection: Selection, separator: str, target: str) -> bytes:
    """The CSV as the Python row maker writes it, row by row."""
    maker = RowMaker(load_content(settings), settings.timezone, csv=True, decimal_comma=separator == ";")
    maker.target = target
    buffer = io.BytesIO()
    buffer.write(codecs.BOM_UTF8)
    text = io.TextIOWrapper(buffer, encoding="utf-8", newline="")
    writer = csv.writer(text, delimiter=separator, lineterminator="\r\n")
    writer.writerow(NAMES)
    for row, person in AnswerReader(db, selection):
        writer.writerow(maker(row, person))
    text.flush()
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("separator", "selection", "target"),
    [
        (",", Selection(), "nl"),
        (";", Selection(), "nl"),
        (",", Selection(live_only=True, communities=frozenset({"default", "=wijk"})), "fr"),
        (";", Selection(conversation=ROUND, since=None, live_only=True), "en"),
    ],
)
async def test_the_csv_from_sqlite_has_the_bytes_of_the_python_row_maker(
    settings: Settings, tmp_path: Path, separator: str, selection: Selection, target: str
) -> None:
    store = await Store.open(settings.db)
    await store.close()
    fill(settings.db)
    out = io.BytesIO()
    count = export(
        settings.db,
        load_content(settings),
        settings.timezone,
        "csv",
        out,
        selection,
        separator=separator,
        organiser_language=target,
    )
    expected = python_csv(settings.db, settings, selection, separator, target)
    assert out.getvalue().decode("utf-8").splitlines() == expected.decode("utf-8").splitlines()
    assert out.getvalue() == expected
    rows = list(csv.reader(io.StringIO(expected.decode("utf-8-sig"), newline=""), delimiter=separator))
    assert count == len(rows) - 1 > 20


async def test_pinned_bytes_of_a_few_rows(settings: Settings) -> None:
    """A few whole lines as organisers get them today, so a change to the row maker cannot move both ways at once."""
    store = await Store.open(settings.db)
    await store.close()
    fill(settings.db)
    out = io.BytesIO()
    export(settings.db, load_content(settings), settings.timezone, "csv", out, Selection(), separator=";")
    lines = out.getvalue().decode("utf-8-sig").split("\r\n")
    assert lines[0] == ";".join(NAMES)
    by_id = {line.split(";", 1)[0]: line for line in lines[1:] if line}
    assert by_id["1"] == (
        "1;p-1;telegram;newcomer;ar;default;leven-in-onze-stad;wonen;Hoe goed voel je je in je woning en je buurt?;"
        "housing;scale;4;;;;;;false;;;;2026-11-27T00:30:59+01:00;;;;;;"
    )
    assert by_id["3"].endswith(
        ";mobility;choice;Met de fiets;fiets;بالدرّاجة الهوائية;;;;false;;;;2026-03-29T03:00:00+02:00;;;;;;"
    )
    assert by_id["17"].endswith(
        ';location;"\'-33,918861; 18,4233";;;;-33,918861;18,4233;false;;;;2026-11-27T00:30:59+01:00;;;;;;'
    )
