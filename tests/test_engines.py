"""The speech and translation clients against local servers speaking the real APIs: good, slow, failing, garbage."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from bot.config import load_settings
from bot.engines import EngineError, SpeechEngine, TranslateEngine
from bot.engines.speech import language_code
from tests.support.engines import FakeEngine


async def test_a_recording_is_posted_as_multipart_with_model_language_and_key(speech: FakeEngine) -> None:
    engine = SpeechEngine(speech.url, SecretStr("s3cret"), "Systran/faster-whisper-small")
    try:
        heard = await engine.transcribe(b"OggS-audio", "12-voice.ogg", "ar")
    finally:
        await engine.close()
    assert heard.text == "أريد بيتا أكبر لعائلتي"
    assert heard.language == "ar"  # "arabic" in OpenAI's verbose_json, read as a code
    assert heard.engine == "Systran/faster-whisper-small @ " + speech.url.split("//")[1].split("/")[0]
    sent = speech.requests[0]
    assert sent["file"] == b"OggS-audio" and sent["_filename"] == "12-voice.ogg"
    assert sent["model"] == "Systran/faster-whisper-small" and sent["language"] == "ar"
    assert sent["_authorization"] == "Bearer s3cret"


async def test_a_text_is_posted_as_libretranslate_asks(translation: FakeEngine) -> None:
    engine = TranslateEngine(translation.url, SecretStr("k"))
    try:
        result = await engine.translate("مرحبا", "ar", "nl")
    finally:
        await engine.close()
    assert result.text == "NL: مرحبا"
    assert translation.requests[0] == {
        "q": "مرحبا",
        "source": "ar",
        "target": "nl",
        "format": "text",
        "api_key": "k",
        "_authorization": None,
    }


@pytest.mark.parametrize("mode", ["500", "garbage"])
async def test_a_failing_or_garbled_engine_is_an_engine_error_without_the_words(
    speech: FakeEngine, translation: FakeEngine, mode: str
) -> None:
    speech.mode = translation.mode = mode
    speaker = SpeechEngine(speech.url, SecretStr(""), "whisper-1")
    translator = TranslateEngine(translation.url, SecretStr(""))
    try:
        with pytest.raises(EngineError) as heard:
            await speaker.transcribe(b"audio", "a.ogg", None)
        with pytest.raises(EngineError) as translated:
            await translator.translate("geheime woorden", "nl", "en")
    finally:
        await speaker.close()
        await translator.close()
    for error in (heard.value, translated.value):
        assert "geheime" not in str(error)
        assert ("HTTP 500" if mode == "500" else "not JSON") in str(error)
    assert "_authorization" in speech.requests[0] and speech.requests[0]["_authorization"] is None  # no key: none


async def test_a_slow_engine_times_out(speech: FakeEngine) -> None:
    speech.mode = "hang"
    engine = SpeechEngine(speech.url, SecretStr(""), "whisper-1", timeout=0.3)
    try:
        with pytest.raises(EngineError, match="did not answer in time"):
            await engine.transcribe(b"audio", "a.ogg", "fa")
    finally:
        await engine.close()


async def test_an_answer_without_text_or_translation_is_refused(speech: FakeEngine, translation: FakeEngine) -> None:
    speech.answer = lambda _seen: {"segments": []}
    translation.answer = lambda _seen: {"translatedText": ""}
    speaker = SpeechEngine(speech.url, SecretStr(""), "whisper-1")
    translator = TranslateEngine(translation.url, SecretStr(""))
    try:
        with pytest.raises(EngineError, match="without a text"):
            await speaker.transcribe(b"audio", "a.ogg", None)
        with pytest.raises(EngineError, match="without a translation"):
            await translator.translate("iets", "nl", "en")
    finally:
        await speaker.close()
        await translator.close()


def test_languages_are_read_as_codes_by_name_or_code() -> None:
    assert language_code("arabic", None) == "ar"
    assert language_code("Persian", None) == "fa"
    assert language_code("ti", "nl") == "ti"
    assert language_code("", "so") == "so"
    assert language_code("klingon", "ps") == "ps"


def test_engine_settings_are_read_and_checked() -> None:
    settings = load_settings(
        {
            "SAMENSPRAAK_SPEECH_URL": "http://127.0.0.1:8000/v1",
            "SAMENSPRAAK_SPEECH_KEY": "abc",
            "SAMENSPRAAK_TRANSLATE_URL": "http://127.0.0.1:5000",
            "SAMENSPRAAK_ORGANISER_LANGUAGE": "FR",
            "SAMENSPRAAK_JOBS_AT_ONCE": "2",
        },
        toml_path=None,
    )
    assert settings.speech_url == "http://127.0.0.1:8000/v1" and settings.speech_key.get_secret_value() == "abc"
    assert "abc" not in repr(settings)
    assert settings.organiser_language == "fr" and settings.jobs_at_once == 2
    assert load_settings({}, toml_path=None).speech_url == ""
    with pytest.raises(ValueError, match="SAMENSPRAAK_SPEECH_URL"):
        load_settings({"SAMENSPRAAK_SPEECH_URL": "ftp://x"}, toml_path=None)
