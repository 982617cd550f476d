"""Benchmark: exports of 1,000,000 answers from 20,000 participants, each timed as a whole process, beside its floor.

Fills a fresh database (through the real migrations, then with plain inserts, which is fast), runs
`samenspraak export --format csv` and `--format xlsx` (with the codebook, participants and summary sheets) as
separate processes, and reads each one's peak memory from the kernel (`wait4`'s ru_maxrss).

Absolute seconds differ threefold between machines, so the same run also times the floor, each as a process of its
own: a plain `csv.writer` over a plain SELECT of the same rows and columns (the CSV floor), and xlsxwriter in
constant-memory mode writing those rows (the XLSX floor). Targets (issue 14): CSV within 1.5x its floor and XLSX
within 1.3x its floor, each under 200 MB peak.

    .venv/bin/python benchmarks/export.py [--answers 1000000] [--participants 20000] [--keep DIR [--reuse]]
        [--only csv|xlsx]

Prints one JSON line last:
{"answers": .., "csv_seconds": .., "csv_floor_seconds": .., "csv_peak_mb": .., "xlsx_seconds": ..,
 "xlsx_floor_seconds": .., "xlsx_peak_mb": ..}
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.store import Store, iso  # noqa: E402

ROLES = ("resident", "newcomer", "volunteer", "unsaid")
LANGUAGES = ("nl", "ar", "en", "fr", "tr", "uk", "ru", "fa", "ps", "ti", "so")
TEXTS = (
    "Meer taallessen 's avonds, dan kan ik overdag werken.",
    "أريد عملا قريبا من البيت، والمواصلات غالية.",
    "=1+1 plus de bancs et d'ombre sur la place",
    "Більше безкоштовних курсів і дитячих садків поруч.",
    "Een buurthuis waar je zonder afspraak binnen kunt lopen.",
)
PROMPTS = (
    ("wonen", "scale"),
    ("vervoer", "choice"),
    ("werk", "text"),
    ("veilig", "photo"),
    ("ontmoeten", "voice"),
    ("lievelingsplek", "location"),
    ("open-vraag", "text"),
)
OPTIONS = ("te-voet", "fiets", "bus-tram", "auto", "anders")


def value_for(kind: str, rng: random.Random, number: int) -> str:
    if kind == "scale":
        return json.dumps({"value": rng.randint(1, 5)})
    if kind == "choice":
        return json.dumps({"option": rng.choice(OPTIONS)})
    if kind == "text":
        return json.dumps({"text": rng.choice(TEXTS)}, ensure_ascii=False)
    if kind == "photo":
        return json.dumps({"photo": f"AgACAgQAAxkBAAI{number:08d}"})
    if kind == "voice":
        return json.dumps({"voice": f"AwACAgQAAxkBAAI{number:08d}", "duration": rng.randint(2, 90)})
    return json.dumps(
        {"latitude": round(51.05 + rng.random() / 50, 6), "longitude": round(3.72 + rng.random() / 50, 6)}
    )


def fill(db: Path, answers: int, participants: int) -> None:
    async def migrate() -> None:
        store = await Store.open(db)
        await store.close()

    asyncio.run(migrate())
    rng = random.Random(4)
    start = datetime(2026, 9, 1, 8, tzinfo=UTC)
    connection = sqlite3.connect(db)
    connection.execute("PRAGMA synchronous=OFF")
    with connection:
        connection.executemany(
            "INSERT INTO participants (id, pseudonym, channel, address, stage, language, community, role,"
            " consent_version, consent_at, created_at, updated_at) VALUES (?, ?, ?, ?, 'ready', ?, 'default', ?,"
            " '2026-11-26', ?, ?, ?)",
            (
                (
                    number,
                    f"p-{number:010x}",
                    "telegram" if number % 50 else "terminal",
                    str(10_000_000 + number),
                    rng.choice(LANGUAGES),
                    rng.choice(ROLES),
                    iso(start),
                    iso(start),
                    iso(start),
                )
                for number in range(1, participants + 1)
            ),
        )

    def rows():
        for number in range(1, answers + 1):
            prompt, kind = PROMPTS[number % len(PROMPTS)]
            moment = iso(start + timedelta(seconds=number * 5))
            yield (
                number % participants + 1,
                "leven-in-onze-stad",
                prompt,
                kind,
                value_for(kind, rng, number),
                int(kind == "text" and number % 11 == 0),
                ("approved", "pending", "hidden")[number % 3] if kind == "text" else "pending",
                moment,
                moment,
            )

    with connection:
        connection.executemany(
            "INSERT INTO answers (participant_id, conversation, prompt_id, answer_type, value, minority, moderation,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows(),
        )
    connection.close()


# The floor's SELECT: the export's rows and columns (28 cells per answer: 22 of the answer, 6 of its kept file,
# transcript and translation), joined and taken apart in SQL.
FLOOR_SQL = (
    "SELECT a.id, p.pseudonym, p.channel, p.role, p.language, p.community, a.conversation, a.prompt_id,"
    " a.prompt_id, a.prompt_id, a.answer_type, COALESCE(a.value ->> '$.option', a.value ->> '$.value',"
    " a.value ->> '$.text', a.value ->> '$.voice', a.value ->> '$.photo'), a.value ->> '$.option',"
    " a.value ->> '$.option', a.value ->> '$.duration', a.value ->> '$.latitude', a.value ->> '$.longitude',"
    " a.minority, a.value ->> '$.step', a.walk_stop, a.moderation, a.created_at,"
    " m.path, t.text, t.language, t.engine, r.text, r.engine"
    " FROM answers a JOIN participants p ON p.id = a.participant_id"
    " LEFT JOIN media m ON m.answer_id = a.id LEFT JOIN transcripts t ON t.answer_id = a.id"
    " LEFT JOIN translations r ON r.answer_id = a.id AND r.field = 'text'"
    " ORDER BY a.id"
)


def floor(kind: str, db: str, out: str) -> None:
    """The floor, run as its own process: the plainest way to write the same rows."""
    connection = sqlite3.connect(db)
    cursor = connection.execute(FLOOR_SQL)
    if kind == "csv":
        import csv

        with open(out, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            while rows := cursor.fetchmany(1000):
                writer.writerows(rows)
        return
    import xlsxwriter

    workbook = xlsxwriter.Workbook(out, {"constant_memory": True, "use_zip64": True})
    sheet = workbook.add_worksheet()
    index = 0
    while rows := cursor.fetchmany(1000):
        for row in rows:
            sheet.write_row(index, 0, row)
            index += 1
            if index == 1_048_576:  # Excel's row limit: go on in a next sheet, as the export does
                sheet, index = workbook.add_worksheet(), 0
    workbook.close()


def timed(args: list[str], *, module: list[str] | None = None) -> tuple[float, float]:
    """Wall time of one whole process, and its peak resident memory in MB (from the kernel).

    Its CPU seconds go to stderr too: on a machine shared with other work they vary far less than wall time."""
    environment = {**os.environ, "SAMENSPRAAK_CONVERSATIONS": str(ROOT / "conversations")}
    environment.pop("SAMENSPRAAK_TOKEN", None)
    # Both sides import as an installed bot does, from compiled bytecode, not by compiling every module per run.
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    began = time.perf_counter()
    process = subprocess.Popen([sys.executable, *(module or ["-m", "bot"]), *args], cwd=ROOT, env=environment)
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - began
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"export failed: {args}")
    what = " ".join(args[:2]) if module else " ".join(args[2:5])
    print(f"  {what}: {elapsed:.2f} s, {usage.ru_utime + usage.ru_stime:.2f} s CPU", file=sys.stderr)
    return elapsed, usage.ru_maxrss / 1024  # Linux reports kilobytes


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=1_000_000)
    parser.add_argument("--participants", type=int, default=20_000)
    parser.add_argument("--keep", help="folder to keep the database and the exports in")
    parser.add_argument("--reuse", action="store_true", help="use the database already in --keep instead of filling")
    parser.add_argument("--only", choices=("csv", "xlsx"), help="time one format (the other's keys are null)")
    parser.add_argument("--floor", nargs=3, metavar=("KIND", "DB", "OUT"), help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.floor:
        floor(*options.floor)
        return
    folder = Path(options.keep) if options.keep else Path(tempfile.mkdtemp(prefix="samenspraak-export-"))
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "bench.sqlite3"
    if not (options.reuse and options.keep and db.exists()):
        for stale in folder.glob("bench.sqlite3*"):
            stale.unlink()
    csv_seconds = csv_floor = csv_peak = xlsx_seconds = xlsx_floor = xlsx_peak = None
    try:
        if not db.exists():
            began = time.perf_counter()
            fill(db, options.answers, options.participants)
            print(f"filled {options.answers} answers in {time.perf_counter() - began:.1f} s", file=sys.stderr)
        me = [str(Path(__file__).resolve())]
        if options.only != "xlsx":
            csv_floor, _peak = timed(["--floor", "csv", str(db), str(folder / "floor.csv")], module=me)
            csv_seconds, csv_peak = timed(
                ["--db", str(db), "export", "--format", "csv", "--out", str(folder / "a.csv")]
            )
            print(f"csv: {csv_seconds:.1f} s (floor {csv_floor:.1f} s), {csv_peak:.0f} MB", file=sys.stderr)
        if options.only != "csv":
            xlsx_floor, _peak = timed(["--floor", "xlsx", str(db), str(folder / "floor.xlsx")], module=me)
            xlsx_seconds, xlsx_peak = timed(
                ["--db", str(db), "export", "--format", "xlsx", "--out", str(folder / "a.xlsx")]
            )
            print(f"xlsx: {xlsx_seconds:.1f} s (floor {xlsx_floor:.1f} s), {xlsx_peak:.0f} MB", file=sys.stderr)
    finally:
        if not options.keep:
            shutil.rmtree(folder, ignore_errors=True)
    print(
        json.dumps(
            {
                "answers": options.answers,
                "csv_seconds": _round(csv_seconds, 2),
                "csv_floor_seconds": _round(csv_floor, 2),
                "csv_peak_mb": _round(csv_peak, 1),
                "xlsx_seconds": _round(xlsx_seconds, 2),
                "xlsx_floor_seconds": _round(xlsx_floor, 2),
                "xlsx_peak_mb": _round(xlsx_peak, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
