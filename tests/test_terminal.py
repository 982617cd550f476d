"""The terminal simulator driven through stdin, as an organiser rehearsing a round would use it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONVERSATIONS_IN_USE = [ROOT / "conversations"]


@pytest.fixture(autouse=True)
def _undated(undated_conversations: Path) -> Iterator[None]:
    """The sample content without its dated meeting, so these rehearsals read the same after 17 December 2026."""
    CONVERSATIONS_IN_USE[0] = undated_conversations
    yield
    CONVERSATIONS_IN_USE[0] = ROOT / "conversations"


def samenspraak(
    *args: str, stdin: str = "", db: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "LANG": "C.UTF-8",
        "SAMENSPRAAK_CONVERSATIONS": str(CONVERSATIONS_IN_USE[0]),
        "SAMENSPRAAK_QUIET_HOURS": "off",
        **(env or {}),
    }
    environment.pop("SAMENSPRAAK_TOKEN", None)
    return subprocess.run(
        [sys.executable, "-m", "bot", "--db", str(db), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=environment,
        cwd=ROOT,
        timeout=60,
        check=False,
    )


FULL_ROUND_NL = "\n".join(
    [
        "/start",
        "Nederlands",  # pressing a button by its label
        "1",  # I agree
        "2",  # I am new in the city
        "4",  # scale
        "Met de fiets",
        "Meer taallessen 's avonds, dan kan ik overdag werken.",
        ":photo",
        ":voice 12",
        ":location 51.0543 3.7174",
        "Meer bankjes en schaduw op het plein.",
        ":quit",
    ]
)


def bot_lines(output: str) -> list[str]:
    return [line.removeprefix("bot> ") for line in output.splitlines() if line.startswith("bot> ")]


def test_scripted_round_in_dutch_ends_in_the_export(tmp_path: Path) -> None:
    db = tmp_path / "rehearsal.sqlite3"
    chat = samenspraak("chat", "--as", "amina", stdin=FULL_ROUND_NL, db=db)
    assert chat.returncode == 0, chat.stderr
    lines = bot_lines(chat.stdout)
    assert "[1] Nederlands" in lines and "[2] English" in lines
    assert any("13" in line for line in lines)  # the consent text names the minimum age
    assert any(line.startswith("[1] 😞 1") for line in lines)  # the scale with faces
    assert any("Vraag 7 van 7" in line for line in lines)
    assert "Dat waren alle vragen" in chat.stdout

    export = samenspraak("export", "--format", "json", db=db)
    assert export.returncode == 0, export.stderr
    records = [json.loads(line) for line in export.stdout.splitlines()]
    assert [record["prompt_id"] for record in records] == [
        "wonen",
        "vervoer",
        "werk",
        "veilig",
        "ontmoeten",
        "lievelingsplek",
        "open-vraag",
    ]
    assert {record["channel"] for record in records} == {"rehearsal"}
    assert records[0]["value"] == {"value": 4} and records[1]["value"] == {"option": "fiets"}
    assert records[4]["value"] == {"voice": "terminal-voice-12s", "duration": 12}
    assert all(record["pseudonym"].startswith("p-") and "amina" not in json.dumps(record) for record in records)
    assert all(
        {"pseudonym", "channel", "prompt_id", "answer_type", "value", "created_at"} <= set(record) for record in records
    )


def test_wrong_input_and_commands_in_english(tmp_path: Path) -> None:
    db = tmp_path / "rehearsal.sqlite3"
    script = "\n".join(
        ["/start", "English", "I agree", "1", ":sticker", "9", "3", "/pause", "/resume", "/help", "/mydata", ":quit"]
    )
    chat = samenspraak("chat", stdin=script, db=db)
    assert chat.returncode == 0, chat.stderr
    assert "I can't store stickers" in chat.stdout
    assert "Please choose a number from 1 to 5." in chat.stdout
    assert "Question 2 of 7" in chat.stdout
    assert "Paused." in chat.stdout and "Welcome back!" in chat.stdout
    assert "112" in chat.stdout
    saved = next(line for line in bot_lines(chat.stdout) if line.startswith("📎"))
    document = Path(saved.split("→ ")[1])
    assert json.loads(document.read_text(encoding="utf-8"))["answers"][0]["value"] == {"value": 3}
    assert oct(document.stat().st_mode & 0o777) == "0o600"


def test_several_participants_share_one_database_and_time_moves(tmp_path: Path) -> None:
    db = tmp_path / "rehearsal.sqlite3"
    samenspraak("chat", "--as", "one", stdin="/start\n1\n1\n1\n5\n", db=db)
    second = samenspraak("chat", "--as", "two", stdin="/start\n:time +2d\n:now\n:bogus\n", db=db)
    assert "Welcome to Samenspraak" in second.stdout or "Welkom" in second.stdout
    assert "simulated time" in second.stdout and "unknown simulator command" in second.stdout
    with_one = samenspraak("chat", "--as", "one", stdin="/start\n", db=db)
    assert "Question 2 of 7" in with_one.stdout or "Vraag 2 van 7" in with_one.stdout


def test_no_subcommand_and_no_token_runs_the_simulator(tmp_path: Path) -> None:
    result = samenspraak(stdin="/start\n:quit\n", db=tmp_path / "x.sqlite3")
    assert result.returncode == 0
    assert "bot> " in result.stdout and "[1] " in result.stdout


def test_check_command_exit_codes(tmp_path: Path) -> None:
    ok = samenspraak("check", str(ROOT / "conversations"), db=tmp_path / "x.sqlite3")
    assert ok.returncode == 0, ok.stdout
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "round.yaml").write_text(
        "id: r\nkind: round\ntitle: {nl: T}\nprompts:\n  - id: a\n    type: dance\n    text: {nl: Hoi}\n"
    )
    bad = samenspraak("check", str(broken), db=tmp_path / "x.sqlite3")
    assert bad.returncode == 1
    assert f"{broken / 'round.yaml'}:6: prompts.0.type: unknown answer type 'dance'" in bad.stdout


def test_a_number_in_any_script_on_a_right_to_left_scale_is_the_value_not_a_position() -> None:
    """Found by exploratory testing: in Farsi, '۲' on the (reversed) scale pressed the second button, "🙂 4"."""
    from bot.engine import events
    from bot.terminal import read_event

    reversed_scale = [
        (f"{face} {value}", f"a:r:wonen:{value}") for face, value in zip("😀🙂😐🙁😞", (5, 4, 3, 2, 1), strict=True)
    ]
    for typed in ("2", "۲", "٢"):
        assert read_event(typed, reversed_scale) == events.Button("a:r:wonen:2")


def test_a_bare_number_never_presses_a_button_of_an_earlier_message() -> None:
    from bot.engine import events
    from bot.terminal import read_event

    card = [("➡️ Volgende plek", "walk:next:w:station"), ("⏹ Stop de wandeling hier", "walk:end:w")]
    earlier = [("🙂 4", "a:r:wonen:4")]
    assert read_event("4", card, earlier) == events.Text("4")  # an answer at the card, as on a phone
    assert read_event("🙂 4", card, earlier) == events.Button("a:r:wonen:4")  # the old keyboard, by its label


def bare(cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`samenspraak` with no subcommand, no --db and no token, as a new user first types it."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("SAMENSPRAAK_")}
    environment.update({"LANG": "C.UTF-8", "SAMENSPRAAK_QUIET_HOURS": "off", **env})
    return subprocess.run(
        [sys.executable, "-m", "bot"],
        input="/start\n:quit\n",
        capture_output=True,
        text=True,
        env=environment,
        cwd=cwd,
        timeout=60,
        check=False,
    )


def test_a_bare_samenspraak_rehearses_on_a_rehearsal_database_and_says_so(tmp_path: Path) -> None:
    result = bare(tmp_path, {"SAMENSPRAAK_CONVERSATIONS": str(CONVERSATIONS_IN_USE[0])})
    assert result.returncode == 0, result.stderr
    assert "bot> " in result.stdout
    notice = [line for line in result.stderr.splitlines() if line]
    assert len(notice) == 1 and "no bot token" in notice[0] and "rehearsal" in notice[0], result.stderr
    assert (tmp_path / "data" / "rehearsal.sqlite3").is_file()
    assert not (tmp_path / "data" / "samenspraak.sqlite3").exists()
    # A configured live database (as in the Docker image) is never the one a rehearsal writes to.
    live = tmp_path / "volume" / "samenspraak.sqlite3"
    bare(tmp_path, {"SAMENSPRAAK_CONVERSATIONS": str(CONVERSATIONS_IN_USE[0]), "SAMENSPRAAK_DB": str(live)})
    assert (live.parent / "rehearsal.sqlite3").is_file() and not live.exists()


def test_outside_the_project_folder_chat_says_where_it_looked_for_content(tmp_path: Path) -> None:
    result = bare(tmp_path, {})
    assert result.returncode == 2
    assert f"no conversation files in {tmp_path / 'conversations'}" in result.stderr
    assert "SAMENSPRAAK_CONVERSATIONS" in result.stderr and "bot> " not in result.stdout
