"""Settings from the environment, a `samenspraak.toml`, or a secrets file.

`Settings` is one pydantic model: each setting is written once, with its default and what it accepts. `Settings()`
alone is the defaults and reads nothing, so tests and the rehearsal simulator never pick up an operator's token.
`load_settings` gathers raw values (command line > environment > file > default) and validates them in one pass,
so an operator sees every mistake at once, named by the variable or file key they wrote.
Secrets are `SecretStr`: a repr, a log line or an error message shows asterisks, never the value.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass as plain_dataclass
from datetime import datetime, time, timedelta
from difflib import get_close_matches
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from pydantic import BeforeValidator, ConfigDict, Field, SecretStr, ValidationError
from pydantic.dataclasses import dataclass, is_pydantic_dataclass
from pydantic.fields import FieldInfo

TELEGRAM_API_URL = "https://api.telegram.org"
PREFIX = "SAMENSPRAAK_"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]


class ConfigError(ValueError):
    """Settings the bot cannot work with: one line per problem, each naming the setting and what it accepts."""

    def __init__(self, *problems: str) -> None:
        super().__init__("\n".join(problems))
        self.problems = list(problems)


@plain_dataclass(frozen=True)
class QuietHours:
    """A daily window in the city's time zone in which scheduled messages wait; it may cross midnight."""

    start: time
    end: time

    def contains(self, moment: time) -> bool:
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end

    def last_end(self, local_now: datetime) -> datetime:
        """The most recent moment the quiet hours ended, at or before `local_now` (an aware local time)."""
        end = datetime.combine(local_now.date(), self.end, tzinfo=local_now.tzinfo)
        return end if end <= local_now else end - timedelta(days=1)

    def next_end(self, local_moment: datetime) -> datetime:
        """The first moment after `local_moment` at which the quiet hours end."""
        end = datetime.combine(local_moment.date(), self.end, tzinfo=local_moment.tzinfo)
        return end if end > local_moment else end + timedelta(days=1)

    @classmethod
    def parse(cls, text: str) -> QuietHours | None:
        text = text.strip()
        if text.lower() in {"", "none", "off", "false"}:
            return None
        try:
            first, last = (part.strip() for part in text.split("-"))
            return cls(time.fromisoformat(first), time.fromisoformat(last))
        except ValueError as error:
            raise ValueError(f"quiet hours must look like 21:00-09:00, not {text!r}") from error


def _quiet_hours(value: Any) -> Any:
    if value is False:  # `quiet_hours = false` in the file
        return None
    return QuietHours.parse(value) if isinstance(value, str) else value


def _ids(value: Any) -> Any:
    """Comma-separated ids from the environment; a list or a single number from the file."""
    if isinstance(value, str):
        return [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]
    if isinstance(value, int) and not isinstance(value, bool):
        return [value]
    return value


def _url(value: Any) -> Any:
    """An http(s) URL with a host, or empty (off); checked here so a typo stops the start, not the first request."""
    if isinstance(value, str) and value:
        try:
            parts = urlsplit(value)
        except ValueError as error:
            raise ValueError("not a URL") from error
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise ValueError("not an http:// or https:// URL")
    return value


def _listen(value: Any) -> Any:
    if isinstance(value, str):
        _host, colon, port = value.rpartition(":")
        if not colon or not port.isdigit() or int(port) > 65535:
            raise ValueError("not HOST:PORT")
    return value


def _upper(value: Any) -> Any:
    return value.upper() if isinstance(value, str) else value


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


Url = Annotated[str, BeforeValidator(_url)]
HTTP_URL = "an http:// or https:// URL"


@dataclass(frozen=True, config=ConfigDict(extra="forbid", coerce_numbers_to_str=True, str_strip_whitespace=True))
class Settings:
    """Everything the bot reads from its surroundings, resolved once at start.

    Each field's `description` says what it accepts: error messages quote it. A field named `x` is the key `x` in
    `samenspraak.toml` and the variable `SAMENSPRAAK_X`; a `SecretStr` field may also come from a file (`x_file`).
    """

    token: SecretStr = Field(SecretStr(""), description="the bot token from @BotFather")
    api_url: Url = Field(TELEGRAM_API_URL, min_length=1, description=f"{HTTP_URL} (the Bot API server root)")
    db: Path = Field(Path("data/samenspraak.sqlite3"), description="a file path")
    conversations: Path = Field(Path("conversations"), description="a folder path")
    organisers: Annotated[frozenset[int], BeforeValidator(_ids)] = Field(
        frozenset(), description="Telegram user ids separated by commas, e.g. 12345,67890"
    )
    timezone: ZoneInfo = Field(ZoneInfo("Europe/Brussels"), description="a time zone name such as Europe/Brussels")
    quiet_hours: Annotated[QuietHours | None, BeforeValidator(_quiet_hours)] = Field(
        QuietHours(time(21), time(9)), description="a daily window such as 21:00-09:00, or off"
    )
    # Unset: the consent text names "the city's participation team", in the participant's language.
    contact: str = Field("", description="text")
    max_text_length: int = Field(2000, ge=1, description="a whole number of characters, 1 or more")
    default_community: str = Field("default", min_length=1, description="a community code, not empty")
    rate_limit: bool = Field(True, description="1 or 0 (also true/false, yes/no, on/off)")
    # Where `samenspraak run --webhook URL` listens, behind a TLS proxy.
    webhook_listen: Annotated[str, BeforeValidator(_listen)] = Field(
        "0.0.0.0:8080", description="HOST:PORT, e.g. 0.0.0.0:8080"
    )
    # Answers older than this are deleted; the consent text promises it.
    retention_months: int = Field(24, ge=1, description="a whole number of months, 1 or more")
    # A follow-up later than this (the bot was down) is expired, not sent.
    grace_hours: float = Field(12.0, ge=0, allow_inf_nan=False, description="a number of hours, 0 or more, e.g. 12")
    # An idea without a status change this long is flagged to organisers.
    idea_stale_weeks: int = Field(6, ge=1, description="a whole number of weeks, 1 or more")
    # An OpenAI-compatible transcription API; empty: voice notes are kept, not transcribed.
    speech_url: Url = Field("", description=f"{HTTP_URL}, or empty for none")
    speech_key: SecretStr = Field(SecretStr(""), description="the speech service's key")
    speech_model: str = Field("whisper-1", min_length=1, description="a model name, e.g. whisper-1")
    # A LibreTranslate-compatible API; empty: answers are not translated.
    translate_url: Url = Field("", description=f"{HTTP_URL}, or empty for none")
    translate_key: SecretStr = Field(SecretStr(""), description="the translation service's key")
    # What organisers read: answers in other languages get a machine translation.
    organiser_language: Annotated[str, BeforeValidator(_lower)] = Field(
        "nl", pattern=r"^[a-z]{2,3}([-_][a-z0-9]+)*$", description="a language code such as nl"
    )
    # Background jobs (downloads, transcriptions, translations) run side by side.
    jobs_at_once: int = Field(4, ge=1, le=64, description="a whole number from 1 to 64")
    log_level: Annotated[LogLevel, BeforeValidator(_upper)] = Field(
        "WARNING", description="one of " + ", ".join(LOG_LEVELS)
    )

    @property
    def grace(self) -> timedelta:
        return timedelta(hours=self.grace_hours)

    @property
    def organiser_files(self) -> Path:
        """Where exports and briefs wait to be sent: beside the database (owner-only, like it)."""
        return self.db.parent / "organiser-files"

    @property
    def media(self) -> Path:
        """Voice notes and photos given as answers: beside the database (owner-only, like it)."""
        return self.db.parent / "media"

    @property
    def bot_api_base(self) -> str:
        return self.api_url.rstrip("/") + "/bot"

    @property
    def bot_file_base(self) -> str:
        return self.api_url.rstrip("/") + "/file/bot"


def _fields(model: type) -> dict[str, FieldInfo]:
    """Each setting's name and its one definition (default, constraints, what it accepts)."""
    if not is_pydantic_dataclass(model):  # narrows the type for the checker; always true here
        raise TypeError(model)
    return model.__pydantic_fields__


FIELDS = _fields(Settings)
SECRETS = tuple(name for name, field in FIELDS.items() if field.annotation is SecretStr)
# Every key a file or the environment may set: the settings, and a file holding each secret (`token_file`).
KNOWN = (*FIELDS, *(f"{secret}_file" for secret in SECRETS))
KEYS = tuple(key.upper() for key in KNOWN)
# Read from the environment by their own modules, never from the file: the file's path, and the catalogs' folder.
ENVIRONMENT_ONLY = ("SAMENSPRAAK_CONFIG", "SAMENSPRAAK_LOCALES")
CONFIG = PREFIX + "CONFIG"

# A raw value and where it came from ("SAMENSPRAAK_DB", "db in /etc/samenspraak.toml", "--db"), by setting name.
Layer = dict[str, tuple[Any, str]]


def load_settings(
    environ: Mapping[str, str] | None = None, *, toml_path: Path | None = None, db: str | None = None
) -> Settings:
    """Resolve settings: command-line `db` > environment > `samenspraak.toml` > defaults.

    The file is `toml_path`, else the one `SAMENSPRAAK_CONFIG` names, else `samenspraak.toml` in the current folder
    (if there is one). An empty value counts as unset. Raises `ConfigError` with every problem found in one go.
    """
    env = os.environ if environ is None else environ
    problems: list[str] = []
    path = toml_path or Path(env.get(CONFIG) or "samenspraak.toml")
    layers: list[Layer] = [
        _file_layer(path, explicit=toml_path is None and bool(env.get(CONFIG)), problems=problems),
        {
            name: (value, PREFIX + name.upper())
            for name in KNOWN
            if _given(name, value := env.get(PREFIX + name.upper()))
        },
        {"db": (db, "--db")} if db else {},
    ]
    raw: dict[str, Any] = {}
    origin: dict[str, str] = {}
    for layer in layers:
        for name, (value, label) in layer.items():
            secret = name.removesuffix("_file")
            if secret == name:
                raw[name], origin[name] = _clean(value), label
            elif secret not in layer:  # a secret given beside its file, in the same place, wins over the file
                content = _read_secret(Path(str(value)), label, problems)
                if content is not None:
                    raw[secret], origin[secret] = content, f"the file {label} names"
    settings = None
    try:
        settings = Settings(**raw)
    except ValidationError as error:
        problems.extend(_explain(error, raw, origin))
    if problems or settings is None:
        raise ConfigError(*problems)
    return settings


def unknown_environment(environ: Mapping[str, str]) -> list[str]:
    """A note for each `SAMENSPRAAK_*` variable that is no setting (a typo is otherwise silently ignored).

    Notes, not errors: the environment is shared, and may hold a variable another version of the bot reads."""
    known = {PREFIX + key for key in KEYS} | set(ENVIRONMENT_ONLY)
    return [
        f"{variable} is not a setting and is ignored{_suggest(variable, known)}"
        for variable in sorted(environ)
        if variable.startswith(PREFIX) and variable not in known
    ]


def _given(name: str, value: Any) -> bool:
    """An empty value counts as unset, except for quiet hours: there it has always meant off."""
    if value is None:
        return False
    return name == "quiet_hours" or not (isinstance(value, str) and not value.strip())


def _clean(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _suggest(written: str, known: Iterable[str]) -> str:
    match = get_close_matches(written, list(known), n=1, cutoff=0.6)
    return f" (did you mean {match[0]}?)" if match else ""


def _file_layer(path: Path, *, explicit: bool, problems: list[str]) -> Layer:
    """The settings in `path`: keys at the top or in a `[samenspraak]` table, in any case, with or without the
    `SAMENSPRAAK_` prefix (as the environment writes them). An unknown key is a problem: it was meant for something."""
    if not path.is_file():
        if explicit:
            problems.append(f"{CONFIG} names {path}, which is not a file")
        return {}
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except OSError as error:
        problems.append(f"{path} cannot be read ({error.strerror})")
        return {}
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        problems.append(f"{path} is not valid TOML: {error}")
        return {}
    table = data.get("samenspraak")
    items = [(key, value) for key, value in data.items() if key != "samenspraak" or not isinstance(table, dict)]
    if isinstance(table, dict):
        items += list(table.items())
    layer: Layer = {}
    for written, value in items:
        name = written.lower().removeprefix("samenspraak_")
        if name not in KNOWN:
            hint = _suggest(name, KNOWN) or " (the README's Configuration table lists every setting)"
            problems.append(f"{path}: unknown key {written!r}{hint}")
        elif name in layer:
            problems.append(f"{path}: {name} is set twice")
        elif _given(name, value):
            layer[name] = (value, f"{written} in {path}")
    return layer


def _read_secret(path: Path, label: str, problems: list[str]) -> str | None:
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError as error:
        problems.append(f"{label} names {path}, which cannot be read ({error.strerror})")
    except UnicodeDecodeError:
        problems.append(f"{label} names {path}, which is not UTF-8 text")
    return None


def _explain(error: ValidationError, raw: dict[str, Any], origin: dict[str, str]) -> list[str]:
    """One plain line per bad setting: where it was set, what it was (never for a secret), what it must be."""
    lines: list[str] = []
    named: set[str] = set()
    for item in error.errors(include_url=False, include_input=False):
        name = str(item["loc"][0]) if item["loc"] else "?"
        if name in named:
            continue
        named.add(name)
        where = origin.get(name, PREFIX + name.upper())
        if name not in FIELDS:
            lines.append(f"{where} is not a setting")
        elif name in SECRETS:
            lines.append(f"{where} must be {FIELDS[name].description}")
        else:
            lines.append(f"{where} is {_shown(raw.get(name))}; it must be {FIELDS[name].description}")
    return lines


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:56] + "...'"
