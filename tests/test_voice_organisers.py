"""What organisers get of voices and photos: /moderate and /media with the file, transcript and translation; the
brief with players, thumbnails and places; exports with the columns and `--with-media`; and the participant's
/mydata with their files."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.config import Settings
from bot.engine import events
from bot.organise.brief import build_brief
from bot.organise.export import Selection, export
from bot.organise.export_media import export_with_media
from tests.support.engines import speech_server, translate_server
from tests.support.voice import ROUND, Rig, voice, with_engines


@pytest.fixture
async def rig(settings: Settings) -> AsyncIterator[Rig]:
    speech, translation = speech_server(), translate_server()
    await speech.start()
    await translation.start()
    opened = await Rig.open(with_engines(settings, speech.url, translation.url))
    await opened.organiser()
    await opened.to_voice_question()
    await opened.send("amal", voice())
    await opened.send("amal", events.Location(51.0546, 3.7252))
    await opened.send("amal", events.Text("شكرا"))
    await opened.worker.drain()
    yield opened
    await opened.close()
    await speech.stop()
    await translation.stop()


async def organiser_says(rig: Rig, event: events.Event) -> list[dict[str, object]]:
    handled = await rig.send("org", event, organiser=True)
    return [message.payload() for message in handled.result.messages]


async def test_moderate_and_media_bring_the_recording_with_its_words(rig: Rig) -> None:
    shown = await organiser_says(rig, events.Command("moderate"))
    card = shown[0]
    assert "🎤" in str(card["text"]) and "أريد بيتا أكبر لعائلتي" in str(card["text"])
    assert "NL: أريد بيتا أكبر لعائلتي" in str(card["text"]) and "LibreTranslate @" in str(card["text"])
    assert str(card["voice"]).endswith("-voice.ogg")
    recent = await organiser_says(rig, events.Command("media"))
    assert len(recent) == 1 and recent[0]["voice"] == card["voice"]


async def test_the_brief_embeds_approved_voices_and_draws_places_without_tiles(rig: Rig) -> None:
    answer_id = rig.rows("SELECT answer_id FROM media")[0][0]
    now = datetime.now(UTC)
    library = rig.dispatcher.engine.library
    before = await build_brief(rig.store, library, ROUND, rig.settings.timezone, now)
    assert "data:audio/ogg;base64," not in before  # not approved yet: not quoted
    assert "Places people shared" in before or "Plekken die mensen deelden" in before
    assert "<svg" in before and "tile" not in before.lower() and "http" not in before.split("<footer>")[0][-3000:]
    await rig.send("org", events.Button(f"org:mod-ok:{answer_id}"), organiser=True)
    unconfirmed = await build_brief(rig.store, library, ROUND, rig.settings.timezone, now)
    assert unconfirmed.count("أريد بيتا أكبر لعائلتي") == 2  # in the media part only: transcript, translation
    await rig.send("amal", events.Button(f"heard:ok:{answer_id}"))
    after = await build_brief(rig.store, library, ROUND, rig.settings.timezone, now)
    assert after.count("أريد بيتا أكبر لعائلتي") == 4  # confirmed: quoted with its question, translation beside it
    assert "data:audio/ogg;base64," in after and "أريد بيتا أكبر لعائلتي" in after
    assert "NL: أريد بيتا أكبر لعائلتي" in after
    assert "Het stadhuis" in after  # the nearest walk stop of the shared place


async def test_exports_have_transcript_and_translation_columns_and_a_zip_with_the_files(rig: Rig) -> None:
    library = rig.dispatcher.engine.library
    out = io.BytesIO()
    export(rig.settings.db, library, rig.settings.timezone, "csv", out, Selection())
    table = list(csv.DictReader(io.StringIO(out.getvalue().decode("utf-8-sig"))))
    spoken = next(row for row in table if row["prompt_id"] == "ontmoeten")
    assert spoken["transcript"] == "أريد بيتا أكبر لعائلتي" and spoken["transcript_language"] == "ar"
    assert spoken["translation"] == "NL: أريد بيتا أكبر لعائلتي" and "LibreTranslate" in spoken["translation_engine"]
    assert spoken["media_file"].endswith("-voice.ogg")
    target = rig.settings.db.parent / "with-media.zip"
    count, files = export_with_media(
        rig.settings.db, library, rig.settings.timezone, "csv", target, Selection(), rig.settings.media
    )
    assert files == 1 and count == len(table)
    with zipfile.ZipFile(target) as archive:
        assert f"media/{spoken['media_file']}" in archive.namelist()


async def test_without_engines_exports_say_not_transcribed_and_not_translated(settings: Settings) -> None:
    rig = await Rig.open(settings)
    try:
        await rig.to_voice_question()
        await rig.send("amal", voice())
        await rig.worker.drain()
        out = io.BytesIO()
        export(rig.settings.db, rig.dispatcher.engine.library, rig.settings.timezone, "json", out, Selection())
        spoken = next(json.loads(line) for line in out.getvalue().splitlines() if b"ontmoeten" in line)
        assert spoken["transcript"] == "not transcribed" and spoken["media_file"].endswith("-voice.ogg")
    finally:
        await rig.close()


async def test_mydata_lists_the_persons_files_and_what_was_made_of_them(rig: Rig) -> None:
    handled = await rig.send("amal", events.Command("mydata"))
    document = handled.result.messages[0].document
    assert document is not None
    stored = json.loads(document.content)
    assert stored["files"][0]["kind"] == "voice" and stored["files"][0]["transcript"] == "أريد بيتا أكبر لعائلتي"
    assert stored["machine_translations"][0]["machine_translation"].startswith("NL: ")
    # The message itself says what they said, not only that they sent a voice message.
    assert "🎤 «أريد بيتا أكبر لعائلتي»" in handled.result.messages[0].text
    files = handled.result.messages[1].data["document"]
    with zipfile.ZipFile(files["path"]) as archive:
        assert archive.namelist() == [Path(stored["files"][0]["file"]).name]


async def test_the_simulator_sends_a_real_file_with_voice_and_a_stand_in_without(settings: Settings) -> None:
    from bot.terminal import read_event

    real = read_event(":voice " + voice().file_ref[5:], [])
    assert isinstance(real, events.Voice) and real.file_ref.startswith("file:/") and real.size > 0
    stand_in = read_event(":voice 7", [])
    assert isinstance(stand_in, events.Voice) and stand_in.file_ref == "terminal-voice-7s"
    assert str(read_event(":voice /no/such.ogg", [])).startswith("no such file: /no/such.ogg\nusage: :voice")
    photo = read_event(":photo " + voice().file_ref[5:] + " mijn straat", [])
    assert isinstance(photo, events.Photo) and photo.caption == "mijn straat"


async def test_not_translated_is_said_only_of_words_outside_the_organisers_language(settings: Settings) -> None:
    rig = await Rig.open(settings)
    try:
        for event in (
            events.Command("start"),
            events.Button("lang:ar"),
            events.Button("consent:yes"),
            events.Button("role:newcomer"),
            events.Button(f"a:{ROUND}:wonen:3"),
            events.Button(f"a:{ROUND}:vervoer:fiets"),
            events.Text("عمل في المطبخ"),
        ):
            await rig.send("amal", event)
        cells = {}
        for target in ("nl", "ar"):
            out = io.BytesIO()
            library = rig.dispatcher.engine.library
            export(rig.settings.db, library, rig.settings.timezone, "json", out, Selection(), organiser_language=target)
            cells[target] = next(json.loads(line) for line in out.getvalue().splitlines() if b"werk" in line)
        assert cells["nl"]["translation"] == "not translated" and cells["ar"]["translation"] is None
    finally:
        await rig.close()
