"""Exports as organisers open them: every column for every answer type, Excel-friendly, never an id or a name."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.__main__ import main
from bot.clock import ManualClock
from bot.config import Settings
from bot.content.loader import Library
from bot.dispatch import Dispatcher, load_content
from bot.engine import events
from bot.engine.outgoing import NewAnswer, Result
from bot.organise.export import COLUMNS, NAMES, Selection, export, export_zip
from bot.organise.parse import parse_day
from bot.store import Store

START = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)  # 11:00 in Brussels
ROUND = "leven-in-onze-stad"
TELEGRAM_ID = "987654321"  # a participant's Telegram chat id: it must never appear in an export
INJECTIONS = ('=HYPERLINK("http://x")', "+31 6 1234", "-2+3", "@SUM(A1)", "\tTabbed", "\rReturn")


async def take_part(
    dispatcher: Dispatcher, channel: str, address: str, language: str, steps: list[events.Event]
) -> None:
    """Onboard like a participant does (language, consent, role), then answer with `steps`."""
    for event in [
        events.Command("start"),
        events.Button(f"lang:{language}"),
        events.Button("consent:yes"),
        events.Button("role:newcomer" if language == "ar" else "role:resident"),
        *steps,
    ]:
        await dispatcher.handle(channel, address, event)


def every_type(text: str = "Meer bankjes in het park") -> list[events.Event]:
    return [
        events.Button(f"a:{ROUND}:wonen:4"),  # scale
        events.Button(f"a:{ROUND}:vervoer:fiets"),  # choice
        events.Text(text),  # text
        events.Button(f"skip:{ROUND}:veilig"),  # an optional photo prompt, skipped
        events.Voice("voice-file-7", 12),  # voice
        events.Location(-33.918861, 18.4233),  # a place (a negative number is not a formula)
        events.Text("Een buurthuis"),  # the last prompt: text
    ]


@pytest.fixture
async def filled(settings: Settings, store: Store) -> Settings:
    """A database with a real round answered by three participants, one of them a rehearsal, plus a minority voice
    and a walk answer written as the features that make them do."""
    clock = ManualClock(START)
    dispatcher = Dispatcher(store, settings, clock)
    await take_part(dispatcher, "telegram", TELEGRAM_ID, "ar", every_type(INJECTIONS[0]))
    clock.advance(timedelta(days=1))
    photo_steps = every_type(INJECTIONS[1])
    photo_steps[3] = events.Photo("photo-file-3")
    await take_part(dispatcher, "telegram", "123123123", "nl", photo_steps)
    clock.advance(timedelta(days=1))
    await take_part(dispatcher, "terminal", "rehearsal-anna", "nl", every_type(INJECTIONS[2])[:3])
    state = await store.load_participant("telegram", TELEGRAM_ID)
    assert state is not None
    extra = Result(
        state=state,
        answers=[
            NewAnswer(ROUND, "vervoer", "text", {"text": INJECTIONS[3]}, minority=True),
            NewAnswer("stadswandeling", "stop-1", "text", {"text": INJECTIONS[4]}, walk_stop="stop-1"),
            NewAnswer(ROUND, "open-vraag", "text", {"text": INJECTIONS[5]}),
        ],
    )
    await store.apply(extra, clock.now())
    return settings


def rows_of(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def load(settings: Settings) -> Library:
    """The content, as the command line loads it."""
    return load_content(settings)


async def test_csv_has_every_column_for_every_answer_type(filled: Settings, tmp_path: Path) -> None:
    target = tmp_path / "answers.csv"
    count = export(filled.db, load(filled), filled.timezone, "csv", target, Selection())
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte order mark: Excel reads Arabic right
    assert b"\r\n" in raw
    rows = rows_of(target)
    assert count == len(rows) == 7 + 7 + 3 + 3
    assert tuple(rows[0]) == NAMES
    first = [row for row in rows if row["pseudonym"] == rows[0]["pseudonym"] and row["conversation"] == ROUND]
    by_prompt = {row["prompt_id"]: row for row in first if row["minority"] == "false"}
    scale, choice = by_prompt["wonen"], by_prompt["vervoer"]
    assert (scale["answer_type"], scale["answer"], scale["theme"]) == ("scale", "4", "housing")
    assert scale["prompt_text_nl"] == "Hoe goed voel je je in je woning en je buurt?"
    assert (choice["answer"], choice["option_id"], choice["option_label_own"]) == (
        "Met de fiets",
        "fiets",
        "بالدرّاجة الهوائية",
    )
    assert choice["language"] == "ar" and choice["role"] == "newcomer" and choice["channel"] == "telegram"
    assert by_prompt["veilig"]["answer_type"] == "skipped" and by_prompt["veilig"]["answer"] == ""
    voice = by_prompt["ontmoeten"]
    assert (voice["answer_type"], voice["answer"], voice["voice_seconds"]) == ("voice", "voice-file-7", "12")
    place = by_prompt["lievelingsplek"]
    assert (place["latitude"], place["longitude"]) == ("-33.918861", "18.4233")  # numbers stay numbers
    assert place["answer"] == "'-33.918861, 18.4233"  # but text that starts with - is neutralised
    assert by_prompt["werk"]["moderation"] == "pending" and by_prompt["wonen"]["moderation"] == ""
    assert voice["moderation"] == "pending"  # a voice note waits in /moderate too: its decision is exported
    assert scale["created_at"] == "2026-11-26T11:00:00+01:00"  # the city's time zone
    photo = next(row for row in rows if row["answer_type"] == "photo")
    assert photo["answer"] == "photo-file-3"
    minority = next(row for row in rows if row["minority"] == "true")
    assert minority["prompt_id"] == "vervoer" and minority["answer"] == "'@SUM(A1)"
    walk = next(row for row in rows if row["walk_stop"])
    assert (walk["conversation"], walk["walk_stop"]) == ("stadswandeling", "stop-1")
    rehearsal = [row for row in rows if row["channel"] == "rehearsal"]
    assert len(rehearsal) == 3


async def test_formula_injection_is_neutralised_in_csv(filled: Settings, tmp_path: Path) -> None:
    target = tmp_path / "answers.csv"
    export(filled.db, load(filled), filled.timezone, "csv", target, Selection())
    texts = {row["answer"] for row in rows_of(target) if row["answer_type"] == "text"}
    for dangerous in INJECTIONS:
        assert dangerous not in texts
        assert "'" + dangerous in texts
    for row in rows_of(target):
        for name, value in row.items():
            assert not value.startswith(("=", "+", "@", "\t", "\r")), (name, value)
            if value.startswith("-"):
                float(value)  # only a number may start with a minus


async def test_semicolon_separated_csv_for_excel_set_to_dutch(filled: Settings, tmp_path: Path) -> None:
    target = tmp_path / "answers.csv"
    export(filled.db, load(filled), filled.timezone, "csv", target, Selection(), separator=";")
    header = target.read_text(encoding="utf-8-sig").splitlines()[0]
    assert header == ";".join(NAMES)
    with target.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    assert rows[0]["prompt_id"] == "wonen"


async def test_xlsx_has_a_sheet_per_conversation_typed_cells_and_the_columns_explained(
    filled: Settings, tmp_path: Path
) -> None:
    target = tmp_path / "answers.xlsx"
    count = export(filled.db, load(filled), filled.timezone, "xlsx", target, Selection(), language="nl")
    assert count == 20
    workbook = load_workbook(target, read_only=True)
    sheets = ["Over de kolommen", "Codeboek", "Deelnemers", "Samenvatting per vraag", ROUND, "stadswandeling"]
    assert workbook.sheetnames == sheets
    about = [row for row in workbook["Over de kolommen"].iter_rows(values_only=True)]
    explained = {row[0]: row[1] for row in about if row and row[0] in NAMES}
    assert set(explained) == set(NAMES) and all(explained.values())
    assert explained["pseudonym"] != COLUMNS[1].meaning  # explained in Dutch
    sheet = list(workbook[ROUND].iter_rows(values_only=True))
    assert sheet[0] == NAMES
    rows = [dict(zip(NAMES, row, strict=False)) for row in sheet[1:]]
    assert len(rows) == 19
    scale = rows[0]
    assert scale["answer"] == 4 and isinstance(scale["answer"], int)
    assert scale["created_at"] == datetime(2026, 11, 26, 11, 0)  # a real date, in the city's time
    assert scale["minority"] is None
    # Written as text, never as a formula: Excel shows the characters and runs nothing.
    texts = {row["answer"] for row in rows if row["answer_type"] == "text"}
    assert INJECTIONS[0] in texts and INJECTIONS[3] in texts
    minority = next(row for row in rows if row["minority"])
    assert minority["minority"] is True
    raw = zipfile.ZipFile(target).read("xl/worksheets/sheet5.xml").decode()
    assert "<f>" not in raw


async def test_xlsx_codebook_participants_and_summary_for_analysts(filled: Settings, tmp_path: Path) -> None:
    target = tmp_path / "answers.xlsx"
    export(filled.db, load(filled), filled.timezone, "xlsx", target, Selection(live_only=True), language="en")
    workbook = load_workbook(target, read_only=True)
    codebook = list(workbook["Codebook"].iter_rows(values_only=True))
    header = codebook[0]
    assert header[:6] == ("conversation", "prompt_id", "answer_type", "theme", "code", "what it is")
    assert "text_ar" in header and "text_ti" in header
    fiets = next(row for row in codebook if row[1] == "vervoer" and row[4] == "fiets")
    assert fiets[header.index("text_nl")] == "Met de fiets" and fiets[header.index("text_ar")] == "بالدرّاجة الهوائية"
    anchor = next(row for row in codebook if row[1] == "wonen" and row[4] == "1")
    assert anchor[header.index("text_nl")] == "helemaal niet goed"  # the scale's anchor
    assert any(row[0] == "wandeling-centrum" and row[1] == "station" for row in codebook)
    people = list(workbook["Participants"].iter_rows(values_only=True))
    assert people[0] == (
        "pseudonym",
        "channel",
        "role",
        "language",
        "community",
        "joined",
        "answered",
        "skipped",
        "rsvp",
    )
    assert len(people) == 3  # two live participants; the rehearsal is left out as in the answers
    arabic = next(row for row in people[1:] if row[3] == "ar")
    assert arabic[2] == "newcomer" and arabic[6] == 8 and arabic[7] == 1  # 6 round + walk + extra text; 1 skip
    assert arabic[5] == datetime(2026, 11, 26, 11, 0)
    summary = list(workbook["Summary per question"].iter_rows(values_only=True))
    vervoer = next(row for row in summary if row[1] == "vervoer" and row[4] is None)
    assert vervoer[6] == 2 and vervoer[9] == 1  # two answers, one minority voice
    fiets_share = next(row for row in summary if row[1] == "vervoer" and row[4] == "fiets")
    assert fiets_share[6] == 2 and fiets_share[7] == 1
    veilig = next(row for row in summary if row[1] == "veilig" and row[4] is None)
    assert veilig[8] == 1  # one skipped


async def test_semicolon_csv_writes_decimal_commas_and_minority_rows_name_their_option(
    filled: Settings, tmp_path: Path
) -> None:
    target = tmp_path / "answers.csv"
    export(filled.db, load(filled), filled.timezone, "csv", target, Selection(), separator=";")
    with target.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    place = next(row for row in rows if row["latitude"])
    assert (place["latitude"], place["longitude"]) == ("-33,918861", "18,4233")  # not a date, not thousands
    assert place["answer"] == "'-33,918861; 18,4233"


async def test_xlsx_continues_on_a_next_sheet_past_the_row_limit(filled: Settings, tmp_path: Path) -> None:
    target = tmp_path / "answers.xlsx"
    export(filled.db, load(filled), filled.timezone, "xlsx", target, Selection(), language="en", max_rows=8)
    workbook = load_workbook(target, read_only=True)
    # Sheets come in the order they are first needed; the walk's one answer comes after the round's 17th.
    assert workbook.sheetnames == [
        "About the columns",
        "Codebook",
        "Participants",
        "Summary per question",
        ROUND,
        f"{ROUND} (2)",
        f"{ROUND} (3)",
        "stadswandeling",
    ]
    sizes = [len(list(workbook[name].iter_rows())) for name in (ROUND, f"{ROUND} (2)", f"{ROUND} (3)")]
    assert sizes == [8, 8, 6]  # a header on each, 7 + 7 + 5 answers
    parts = (ROUND, f"{ROUND} (2)", f"{ROUND} (3)")
    ids = [row[0] for name in parts for row in workbook[name].iter_rows(min_row=2, values_only=True)]
    assert ids == sorted(ids) and len(set(ids)) == 19


async def test_json_lines_one_object_per_answer(filled: Settings, tmp_path: Path) -> None:
    target = tmp_path / "answers.jsonl"
    export(filled.db, load(filled), filled.timezone, "json", target, Selection())
    records = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 20
    assert set(NAMES) | {"value", "timestamp", "moderated"} == set(records[0])
    assert records[0]["value"] == {"value": 4} and records[0]["answer"] == 4
    assert records[0]["timestamp"] == int(START.timestamp())
    text = next(record for record in records if record["prompt_id"] == "werk")
    assert text["answer"] == INJECTIONS[0]  # JSON is data, not a spreadsheet: kept exactly
    assert text["moderated"] == 0 and records[0]["moderated"] is None
    assert isinstance(records[0]["minority"], bool)


async def test_no_export_holds_a_telegram_id_or_a_name(filled: Settings, tmp_path: Path) -> None:
    library = load(filled)
    for fmt in ("csv", "json", "xlsx"):
        target = tmp_path / f"answers.{fmt}.zip"
        export_zip(filled.db, library, filled.timezone, fmt, target, Selection())
        with zipfile.ZipFile(target) as archive:
            (name,) = archive.namelist()
            content = archive.read(name)
            if fmt == "xlsx":
                inner = zipfile.ZipFile(io.BytesIO(content))
                content = b"".join(inner.read(part) for part in inner.namelist())
        assert TELEGRAM_ID.encode() not in content and b"123123123" not in content
        assert b"rehearsal-anna" not in content  # a rehearsal's simulated name is not exported either


async def test_selection_by_conversation_dates_and_live_only(filled: Settings, tmp_path: Path) -> None:
    library = load(filled)
    zone = filled.timezone
    target = tmp_path / "a.csv"

    def count(selection: Selection) -> int:
        return export(filled.db, library, zone, "csv", target, selection)

    assert count(Selection(conversation="stadswandeling")) == 1
    assert count(Selection(live_only=True)) == 17
    assert count(Selection(since=parse_day("2026-11-27", zone))) == 7 + 3 + 3  # the 2nd day and the 3rd
    assert count(Selection(until=parse_day("2026-11-26", zone, end=True))) == 7  # the first day, all of it
    assert (
        count(Selection(since=parse_day("2026-11-27T11:00", zone), until=parse_day("2026-11-27", zone, end=True))) == 7
    )


def test_command_line_export(filled: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "out.csv"
    conversations = str(filled.conversations)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SAMENSPRAAK_CONVERSATIONS", conversations)
        code = main(
            [
                "--db",
                str(filled.db),
                "export",
                "--format",
                "csv",
                "--separator",
                ";",
                "--live-only",
                "--out",
                str(target),
            ]
        )
        assert code == 0
        assert len(rows_of_semicolon(target)) == 17
        assert main(["--db", str(filled.db), "export", "--format", "xlsx"]) == 2  # XLSX needs a file
        assert main(["--db", str(filled.db), "export", "--format", "csv", "--since", "26-11-2026"]) == 2
        assert main(["--db", str(filled.db), "organiser", "log"]) == 0
    assert "export" in capsys.readouterr().out


def rows_of_semicolon(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


async def test_media_lookups_are_left_out_only_while_their_tables_are_empty(tmp_path: Path) -> None:
    import sqlite3

    from bot.store.export_queries import MEDIA_PARTS, media_parts

    store = await Store.open(tmp_path / "m.sqlite3")
    await store.close()
    connection = sqlite3.connect(tmp_path / "m.sqlite3")
    assert media_parts(connection) == "NULL, NULL, NULL"  # nothing kept yet: no lookup per answer
    connection.execute(
        "INSERT INTO participants (id, pseudonym, channel, address, stage, language, role, consent_version,"
        " consent_at, created_at, updated_at) VALUES (1, 'p', 'telegram', '1', 'ready', 'ar', 'newcomer', 'v1',"
        " 'x', 'x', 'x')"
    )
    connection.execute(
        "INSERT INTO answers (id, participant_id, conversation, prompt_id, answer_type, value, created_at,"
        " updated_at) VALUES (1, 1, 'r', 'q', 'voice', '{}', 'x', 'x')"
    )
    connection.execute(
        "INSERT INTO transcripts (answer_id, text, engine, created_at) VALUES (1, 'كلمات', 'whisper', 'x')"
    )
    parts = media_parts(connection)
    assert parts.startswith("NULL, (SELECT COALESCE(t.corrected") and parts.endswith(", NULL")
    assert parts.removeprefix("NULL, ").removesuffix(", NULL") in MEDIA_PARTS
    connection.close()
