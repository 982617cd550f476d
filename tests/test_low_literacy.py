"""For people who read little or are learning Dutch: recordings of the consent summary, of prompts and of walk
cards in their own language, an easy Dutch (A1) line with key words on a card, and `check` saying what is recorded."""

from __future__ import annotations

import io
import shutil
from datetime import UTC, datetime
from pathlib import Path

from bot.content.check import run_check
from bot.content.loader import load_library
from bot.engine import Engine, ParticipantState, events
from bot.engine.walk_cards import card
from bot.i18n import LANGUAGES, translator

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


def conversations_with_recordings(tmp_path: Path) -> Path:
    folder = tmp_path / "conversations"
    shutil.copytree(ROOT / "conversations", folder)
    (folder / "audio" / "consent-ar.ogg").write_bytes((folder / "audio" / "wonen-ar.ogg").read_bytes())
    (folder / "audio" / "station-ar.ogg").write_bytes((folder / "audio" / "wonen-ar.ogg").read_bytes())
    (folder / "consent.yaml").write_text(
        "id: consent\nkind: consent\naudio:\n  ar: audio/consent-ar.ogg\n", encoding="utf-8"
    )
    walk = folder / "wandeling-centrum.yaml"
    text = walk.read_text(encoding="utf-8")
    text = text.replace(
        "    picture: pictures/station.png\n",
        "    picture: pictures/station.png\n    audio: {ar: audio/station-ar.ogg}\n"
        "    easy_dutch: Hoe kom je naar de stad? Met de trein of de bus?\n"
        "    key_words: [de trein, de bus, het kaartje]\n",
        1,
    )
    walk.write_text(text, encoding="utf-8")
    return folder


def test_the_consent_summary_is_read_aloud_in_the_participants_language(tmp_path: Path) -> None:
    library = load_library(conversations_with_recordings(tmp_path), tuple(LANGUAGES))
    assert library.ok, library.errors
    engine = Engine(library)
    state = ParticipantState(channel="terminal", address="x")
    state = engine.handle(state, events.Command("start"), NOW).state
    arabic = engine.handle(state, events.Button("lang:ar"), NOW).messages[-1]
    assert arabic.payload()["voice"].endswith("audio/consent-ar.ogg")
    dutch = engine.handle(state, events.Button("lang:nl"), NOW).messages[-1]
    assert "voice" not in dutch.payload()  # no Dutch recording: the text alone


def test_a_walk_card_carries_its_recording_and_an_easy_dutch_line_with_key_words(tmp_path: Path) -> None:
    library = load_library(conversations_with_recordings(tmp_path), tuple(LANGUAGES))
    walk = library.walks["wandeling-centrum"]
    arabic = card(library, walk, 0, translator("ar"), group=False)
    assert arabic.payload()["voice"].endswith("audio/station-ar.ogg")
    assert arabic.payload()["photo"].endswith("pictures/station.png")
    assert "🔤 NL A1 · \u2068Hoe kom je naar de stad? Met de trein of de bus?\u2069" in arabic.text
    assert "🔑 \u2068de trein\u2069 · \u2068de bus\u2069 · \u2068het kaartje\u2069" in arabic.text
    turkish = card(library, walk, 0, translator("tr"), group=True)
    assert "voice" not in turkish.payload() and "🔑 de trein · de bus · het kaartje" in turkish.text


def test_check_reports_recorded_audio_for_consent_prompts_and_walk_cards(tmp_path: Path) -> None:
    out = io.StringIO()
    assert run_check(conversations_with_recordings(tmp_path), out) == 0
    report = out.getvalue()
    assert "  consent summary: ar\n" in report
    assert "  round leven-in-onze-stad: nl 1/7, ar 1/7\n" in report
    assert "  walk wandeling-centrum: ar 1/6\n" in report


def test_check_refuses_a_missing_card_recording(tmp_path: Path) -> None:
    folder = conversations_with_recordings(tmp_path)
    (folder / "audio" / "station-ar.ogg").unlink()
    out = io.StringIO()
    assert run_check(folder, out) == 1
    assert "recording 'audio/station-ar.ogg' does not exist" in out.getvalue()
