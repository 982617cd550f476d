"""Settings: one default each, every key from the environment or the file, every mistake named in one go."""

from __future__ import annotations

import json
import logging
import re
from datetime import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pydantic import SecretStr

from bot import __main__ as cli
from bot.config import FIELDS, KEYS, SECRETS, ConfigError, QuietHours, Settings, load_settings, unknown_environment

ROOT = Path(__file__).resolve().parent.parent

# A value other than the default for every setting: as the environment writes it, and as the bot then holds it.
SAMPLES: dict[str, tuple[str, Any]] = {
    "token": ("123456:ABC-def", SecretStr("123456:ABC-def")),
    "api_url": ("http://127.0.0.1:8081", "http://127.0.0.1:8081"),
    "db": ("/srv/samenspraak/live.sqlite3", Path("/srv/samenspraak/live.sqlite3")),
    "conversations": ("content", Path("content")),
    "organisers": ("12345, 67890", frozenset({12345, 67890})),
    "timezone": ("Europe/Amsterdam", ZoneInfo("Europe/Amsterdam")),
    "quiet_hours": ("22:00-08:30", QuietHours(time(22), time(8, 30))),
    "contact": ("Stad Gent, participatie@example.org", "Stad Gent, participatie@example.org"),
    "max_text_length": ("500", 500),
    "default_community": ("gent", "gent"),
    "rate_limit": ("0", False),
    "webhook_listen": ("127.0.0.1:9000", "127.0.0.1:9000"),
    "retention_months": ("12", 12),
    "grace_hours": ("1.5", 1.5),
    "idea_stale_weeks": ("3", 3),
    "speech_url": ("http://127.0.0.1:8000/v1", "http://127.0.0.1:8000/v1"),
    "speech_key": ("sk-speech", SecretStr("sk-speech")),
    "speech_model": ("Systran/faster-whisper-small", "Systran/faster-whisper-small"),
    "translate_url": ("https://translate.example.org", "https://translate.example.org"),
    "translate_key": ("lt-key", SecretStr("lt-key")),
    "organiser_language": ("FR", "fr"),
    "jobs_at_once": ("2", 2),
    "log_level": ("debug", "DEBUG"),
}


def toml(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def problems(environ: dict[str, str], toml_path: Path) -> list[str]:
    with pytest.raises(ConfigError) as refused:
        load_settings(environ, toml_path=toml_path)
    return refused.value.problems


def test_the_defaults_are_written_once_and_loading_nothing_gives_them(tmp_path: Path) -> None:
    assert load_settings({}, toml_path=tmp_path / "none.toml") == Settings()
    assert Settings().grace.total_seconds() == 12 * 3600 and Settings().log_level == "WARNING"


def test_every_setting_has_a_sample_and_says_what_it_accepts() -> None:
    assert sorted(SAMPLES) == sorted(FIELDS)
    assert all(field.description for field in FIELDS.values())


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_setting_comes_from_the_environment_or_the_file(tmp_path: Path, name: str) -> None:
    written, held = SAMPLES[name]
    from_env = load_settings({f"SAMENSPRAAK_{name.upper()}": written}, toml_path=tmp_path / "none.toml")
    assert getattr(from_env, name) == held
    file = toml(tmp_path / "samenspraak.toml", f"[samenspraak]\n{name} = {json.dumps(written)}\n")
    assert getattr(load_settings({}, toml_path=file), name) == held
    assert getattr(load_settings({"SAMENSPRAAK_CONFIG": str(file)}), name) == held


def test_the_environment_wins_over_the_file(tmp_path: Path) -> None:
    file = toml(
        tmp_path / "elsewhere.toml",
        "db = 'file.sqlite3'\ntoken = '1:FILE'\nlog_level = 'DEBUG'\norganisers = [1]\nquiet_hours = '20:00-08:00'\n",
    )
    names = ("db", "token", "log_level", "organisers", "quiet_hours")
    environ = {"SAMENSPRAAK_CONFIG": str(file)} | {f"SAMENSPRAAK_{name.upper()}": SAMPLES[name][0] for name in names}
    settings = load_settings(environ)
    assert [getattr(settings, name) for name in names] == [SAMPLES[name][1] for name in names]


def test_the_file_takes_native_values_any_case_and_the_prefix(tmp_path: Path) -> None:
    file = toml(
        tmp_path / "samenspraak.toml",
        "SAMENSPRAAK_DB = 'live.sqlite3'\nRATE_LIMIT = false\norganisers = [12, 34]\nmax_text_length = 800\n"
        "grace_hours = 2\nquiet_hours = false\ndefault_community = 2026\n",
    )
    settings = load_settings({}, toml_path=file)
    assert (settings.db, settings.rate_limit, settings.organisers) == (Path("live.sqlite3"), False, {12, 34})
    assert (settings.max_text_length, settings.grace_hours, settings.quiet_hours) == (800, 2.0, None)
    assert settings.default_community == "2026"


def test_an_empty_variable_counts_as_unset_but_empty_quiet_hours_still_mean_off(tmp_path: Path) -> None:
    file = toml(tmp_path / "samenspraak.toml", "db = 'from-file.sqlite3'\n")
    settings = load_settings(
        {"SAMENSPRAAK_DB": "", "SAMENSPRAAK_TIMEZONE": " ", "SAMENSPRAAK_QUIET_HOURS": ""}, toml_path=file
    )
    assert settings.db == Path("from-file.sqlite3") and settings.timezone == Settings().timezone
    assert settings.quiet_hours is None


def test_the_command_line_database_wins_over_everything(tmp_path: Path) -> None:
    file = toml(tmp_path / "samenspraak.toml", "db = 'file.sqlite3'\n")
    assert load_settings({"SAMENSPRAAK_DB": "env.sqlite3"}, toml_path=file, db="cli.sqlite3").db == Path("cli.sqlite3")


@pytest.mark.parametrize("secret", SECRETS)
def test_every_secret_may_come_from_a_file_named_in_the_environment_or_the_file(tmp_path: Path, secret: str) -> None:
    held = tmp_path / "secret"
    held.write_text("from-a-file\n", encoding="utf-8")
    variable = f"SAMENSPRAAK_{secret.upper()}"
    none = tmp_path / "none.toml"
    assert getattr(load_settings({f"{variable}_FILE": str(held)}, toml_path=none), secret) == SecretStr("from-a-file")
    file = toml(tmp_path / "samenspraak.toml", f"{secret}_file = {json.dumps(str(held))}\n")
    assert getattr(load_settings({}, toml_path=file), secret) == SecretStr("from-a-file")
    # Beside its file in the same place the value wins (as it always did); the environment's file beats the file's value.
    both = {variable: "given", f"{variable}_FILE": str(held)}
    assert getattr(load_settings(both, toml_path=none), secret) == SecretStr("given")
    valued = toml(tmp_path / "valued.toml", f"{secret} = 'in-the-toml'\n")
    assert getattr(load_settings({f"{variable}_FILE": str(held)}, toml_path=valued), secret) == SecretStr("from-a-file")
    assert problems({f"{variable}_FILE": str(tmp_path / "missing")}, none) == [
        f"{variable}_FILE names {tmp_path / 'missing'}, which cannot be read (No such file or directory)"
    ]


def test_a_secret_is_never_shown_in_a_repr_a_log_line_or_an_error(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    environ = {"SAMENSPRAAK_TOKEN": "123456:SECRETtoken", "SAMENSPRAAK_SPEECH_KEY": "SECRETspeech"}
    settings = load_settings({**environ, "SAMENSPRAAK_TRANSLATE_KEY": "SECRETtranslate"}, toml_path=tmp_path / "n")
    with caplog.at_level(logging.INFO):
        logging.getLogger("test").info("settings: %s %r", settings, settings)
    shown = repr(settings) + str(settings) + caplog.text
    assert "SECRET" not in shown and settings.token.get_secret_value() == "123456:SECRETtoken"
    file = toml(tmp_path / "samenspraak.toml", "token = ['123456:SECRETinalist']\n")
    refused = problems({**environ, "SAMENSPRAAK_JOBS_AT_ONCE": "99"}, file)
    assert "SECRET" not in "\n".join(refused) and len(refused) == 1  # the environment's token wins; one bad value
    refused = problems({"SAMENSPRAAK_JOBS_AT_ONCE": "99"}, file)
    assert refused[0] == f"token in {file} must be the bot token from @BotFather" and "SECRET" not in refused[1]


def test_an_unknown_key_in_the_file_is_an_error_naming_the_file_the_key_and_the_closest_one(tmp_path: Path) -> None:
    file = toml(
        tmp_path / "samenspraak.toml", "quiet_hour = '22:00-07:00'\n[samenspraak]\nSAMENSPRAAK_TOKN = 'x'\nfoo = 1\n"
    )
    assert problems({}, file) == [
        f"{file}: unknown key 'quiet_hour' (did you mean quiet_hours?)",
        f"{file}: unknown key 'SAMENSPRAAK_TOKN' (did you mean token?)",
        f"{file}: unknown key 'foo' (the README's Configuration table lists every setting)",
    ]
    twice = toml(tmp_path / "twice.toml", "db = 'a'\nDB = 'b'\n")
    assert problems({}, twice) == [f"{twice}: db is set twice"]


def test_every_bad_value_is_reported_at_once_with_what_is_accepted(tmp_path: Path) -> None:
    file = toml(tmp_path / "samenspraak.toml", "retention_months = -3\ntimezone = 'Europe/Gent'\nlog_levl = 'INFO'\n")
    environ = {
        "SAMENSPRAAK_GRACE_HOURS": "soon",
        "SAMENSPRAAK_LOG_LEVEL": "loud",
        "SAMENSPRAAK_ORGANISERS": "12,anna",
        "SAMENSPRAAK_SPEECH_URL": "ftp://x",
        "SAMENSPRAAK_JOBS_AT_ONCE": "0",
        "SAMENSPRAAK_WEBHOOK_LISTEN": "8080",
        "SAMENSPRAAK_RATE_LIMIT": "maybe",
    }
    assert sorted(problems(environ, file)) == sorted(
        [
            f"{file}: unknown key 'log_levl' (did you mean log_level?)",
            f"retention_months in {file} is -3; it must be a whole number of months, 1 or more",
            f"timezone in {file} is 'Europe/Gent'; it must be a time zone name such as Europe/Brussels",
            "SAMENSPRAAK_GRACE_HOURS is 'soon'; it must be a number of hours, 0 or more, e.g. 12",
            "SAMENSPRAAK_LOG_LEVEL is 'loud'; it must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL",
            "SAMENSPRAAK_ORGANISERS is '12,anna'; it must be Telegram user ids separated by commas, e.g. 12345,67890",
            "SAMENSPRAAK_SPEECH_URL is 'ftp://x'; it must be an http:// or https:// URL, or empty for none",
            "SAMENSPRAAK_JOBS_AT_ONCE is '0'; it must be a whole number from 1 to 64",
            "SAMENSPRAAK_WEBHOOK_LISTEN is '8080'; it must be HOST:PORT, e.g. 0.0.0.0:8080",
            "SAMENSPRAAK_RATE_LIMIT is 'maybe'; it must be 1 or 0 (also true/false, yes/no, on/off)",
        ]
    )


def test_a_file_that_is_not_toml_or_not_there_is_named(tmp_path: Path) -> None:
    broken = toml(tmp_path / "samenspraak.toml", "db = \n")
    assert problems({}, broken)[0].startswith(f"{broken} is not valid TOML: ")
    with pytest.raises(ConfigError, match=r"SAMENSPRAAK_CONFIG names .*missing\.toml, which is not a file"):
        load_settings({"SAMENSPRAAK_CONFIG": str(tmp_path / "missing.toml")})


def test_a_bad_setting_stops_the_command_with_plain_lines_and_exit_code_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    toml(tmp_path / "samenspraak.toml", "max_text_lenght = 100\n")
    monkeypatch.setenv("SAMENSPRAAK_RETENTION_MONTHS", "-1")
    monkeypatch.setenv("SAMENSPRAAK_TOKEN", "123456:SECRET")
    assert cli.main(["check"]) == 2
    err = capsys.readouterr().err
    assert err.splitlines() == [
        "samenspraak: samenspraak.toml: unknown key 'max_text_lenght' (did you mean max_text_length?)",
        "samenspraak: SAMENSPRAAK_RETENTION_MONTHS is '-1'; it must be a whole number of months, 1 or more",
    ]
    assert not re.search(r"Traceback|pydantic|validation error|SECRET", err)


def test_the_log_level_is_a_setting_like_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    levels: list[str] = []
    monkeypatch.setattr(cli, "setup_logging", levels.append)
    toml(tmp_path / "samenspraak.toml", "log_level = 'info'\n")
    cli.main(["check", str(ROOT / "conversations")])
    monkeypatch.setenv("SAMENSPRAAK_LOG_LEVEL", "error")
    cli.main(["check", str(ROOT / "conversations")])
    assert levels == ["INFO", "ERROR"]
    monkeypatch.setenv("SAMENSPRAAK_LOG_LEVEL", "chatty")
    assert cli.main(["check"]) == 2 and "SAMENSPRAAK_LOG_LEVEL is 'chatty'" in capsys.readouterr().err


def test_a_mistyped_variable_is_pointed_out_but_does_not_stop_the_bot() -> None:
    environ = {"SAMENSPRAAK_QUIET_HOUR": "off", "SAMENSPRAAK_CONFIG": "x", "SAMENSPRAAK_LOCALES": "y", "HOME": "/"}
    environ |= {f"SAMENSPRAAK_{key}": "" for key in KEYS}
    assert unknown_environment(environ) == [
        "SAMENSPRAAK_QUIET_HOUR is not a setting and is ignored (did you mean SAMENSPRAAK_QUIET_HOURS?)"
    ]


def test_the_readme_table_lists_every_setting_with_its_default() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("## Configuration") :]
    rows = {
        names[0]: row.split(" | ")[1]
        for row in table.splitlines()
        if row.startswith("| `SAMENSPRAAK_") and (names := re.findall(r"`SAMENSPRAAK_([A-Z_]+)`", row.split(" | ")[0]))
    }

    def as_written(value: Any) -> str:
        if isinstance(value, bool):
            return str(int(value))
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        if isinstance(value, QuietHours):
            return f"{value.start:%H:%M}-{value.end:%H:%M}"
        return str(value)

    for name, field in FIELDS.items():
        assert name.upper() in rows, f"SAMENSPRAAK_{name.upper()} is missing from the README's table"
        shown = re.fullmatch(r"`([^`]*)`", rows[name.upper()].strip())
        if shown:
            assert shown.group(1) == as_written(field.default), name
