"""Settings from the environment, a `samenspraak.toml`, or a secrets file.

The environment wins over the file so an operator can override one key without editing it. The token is wrapped
in `Secret` so that it never shows up in a repr, a traceback or a log line.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

TELEGRAM_API_URL = "https://api.telegram.org"


class ConfigError(ValueError):
    """A setting has a value the bot cannot work with; the message names the setting."""


@dataclass(frozen=True)
class Secret:
    """A string that hides itself when printed."""

    value: str = field(repr=False)

    def __str__(self) -> str:
        return "********" if self.value else ""

    def __bool__(self) -> bool:
        return bool(self.value)


@dataclass(frozen=True)
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
        if text.lower() in {"", "none", "off"}:
            return None
        try:
            first, last = (part.strip() for part in text.split("-"))
            return cls(time.fromisoformat(first), time.fromisoformat(last))
        except ValueError as error:
            raise ConfigError(f"SAMENSPRAAK_QUIET_HOURS must look like 21:00-09:00, not {text!r}") from error


@dataclass(frozen=True)
class Settings:
    """Everything the bot reads from its surroundings, resolved once at start."""

    token: Secret = Secret("")
    api_url: str = TELEGRAM_API_URL
    db: Path = Path("data/samenspraak.sqlite3")
    conversations: Path = Path("conversations")
    organisers: frozenset[int] = frozenset()
    timezone: ZoneInfo = ZoneInfo("Europe/Brussels")
    quiet_hours: QuietHours | None = QuietHours(time(21), time(9))
    contact: str = ""  # unset: the consent text names "the city's participation team", in the participant's language
    max_text_length: int = 2000
    default_community: str = "default"
    rate_limit: bool = True
    webhook_listen: str = "0.0.0.0:8080"  # where `samenspraak run --webhook URL` listens, behind a TLS proxy
    retention_months: int = 24  # answers older than this are deleted; the consent text promises it
    grace: timedelta = timedelta(hours=12)  # a follow-up later than this (the bot was down) is expired, not sent
    idea_stale_weeks: int = 6  # an idea without a status change this long is flagged to organisers
    speech_url: str = ""  # an OpenAI-compatible transcription API; empty: voice notes are kept, not transcribed
    speech_key: Secret = Secret("")
    speech_model: str = "whisper-1"
    translate_url: str = ""  # a LibreTranslate-compatible API; empty: answers are not translated
    translate_key: Secret = Secret("")
    organiser_language: str = "nl"  # what organisers read: answers in other languages get a machine translation
    jobs_at_once: int = 4  # background jobs (downloads, transcriptions, translations) run side by side

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


KEYS = (
    "TOKEN",
    "TOKEN_FILE",
    "API_URL",
    "DB",
    "CONVERSATIONS",
    "ORGANISERS",
    "TIMEZONE",
    "QUIET_HOURS",
    "CONTACT",
    "MAX_TEXT_LENGTH",
    "DEFAULT_COMMUNITY",
    "RATE_LIMIT",
    "WEBHOOK_LISTEN",
    "RETENTION_MONTHS",
    "GRACE_HOURS",
    "IDEA_STALE_WEEKS",
    "SPEECH_URL",
    "SPEECH_KEY",
    "SPEECH_MODEL",
    "TRANSLATE_URL",
    "TRANSLATE_KEY",
    "ORGANISER_LANGUAGE",
    "JOBS_AT_ONCE",
)


def _read_file_settings(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    section = data.get("samenspraak", data)
    return {str(key).upper().removeprefix("SAMENSPRAAK_"): str(value) for key, value in section.items()}


def load_settings(
    environ: dict[str, str] | None = None, *, toml_path: Path | None = None, db: str | None = None
) -> Settings:
    """Resolve settings: command-line `db` > environment > `samenspraak.toml` > defaults."""
    env = dict(os.environ if environ is None else environ)
    raw = _read_file_settings(toml_path or Path(env.get("SAMENSPRAAK_CONFIG", "samenspraak.toml")))
    for key in KEYS:
        if f"SAMENSPRAAK_{key}" in env:
            raw[key] = env[f"SAMENSPRAAK_{key}"]
    if db:
        raw["DB"] = db

    token = raw.get("TOKEN", "").strip()
    if not token and raw.get("TOKEN_FILE"):
        token_path = Path(raw["TOKEN_FILE"])
        try:
            token = token_path.read_text(encoding="utf-8").strip()
        except OSError as error:
            raise ConfigError(f"SAMENSPRAAK_TOKEN_FILE cannot be read: {token_path}") from error

    try:
        organisers = frozenset(
            int(part) for part in raw.get("ORGANISERS", "").replace(";", ",").split(",") if part.strip()
        )
    except ValueError as error:
        raise ConfigError("SAMENSPRAAK_ORGANISERS must be comma-separated Telegram user ids") from error
    try:
        zone = ZoneInfo(raw.get("TIMEZONE", "Europe/Brussels"))
    except Exception as error:
        raise ConfigError(f"SAMENSPRAAK_TIMEZONE is not a known time zone: {raw.get('TIMEZONE')!r}") from error
    try:
        max_text_length = int(raw.get("MAX_TEXT_LENGTH", "2000"))
        retention_months = int(raw.get("RETENTION_MONTHS", "24"))
    except ValueError as error:
        raise ConfigError(
            "SAMENSPRAAK_MAX_TEXT_LENGTH and SAMENSPRAAK_RETENTION_MONTHS must be whole numbers"
        ) from error
    if retention_months < 1:
        raise ConfigError("SAMENSPRAAK_RETENTION_MONTHS must be at least 1")

    try:
        grace = timedelta(hours=float(raw.get("GRACE_HOURS", "12")))
        idea_stale_weeks = int(raw.get("IDEA_STALE_WEEKS", "6"))
    except ValueError as error:
        raise ConfigError("SAMENSPRAAK_GRACE_HOURS and SAMENSPRAAK_IDEA_STALE_WEEKS must be numbers") from error
    if grace < timedelta(0) or idea_stale_weeks < 1:
        raise ConfigError("SAMENSPRAAK_GRACE_HOURS must be 0 or more, SAMENSPRAAK_IDEA_STALE_WEEKS 1 or more")

    try:
        jobs_at_once = int(raw.get("JOBS_AT_ONCE", "4"))
    except ValueError as error:
        raise ConfigError("SAMENSPRAAK_JOBS_AT_ONCE must be a whole number") from error
    if not 1 <= jobs_at_once <= 64:
        raise ConfigError("SAMENSPRAAK_JOBS_AT_ONCE must be between 1 and 64")
    organiser_language = raw.get("ORGANISER_LANGUAGE", "nl").strip().lower() or "nl"
    for key in ("SPEECH_URL", "TRANSLATE_URL"):
        if raw.get(key, "").strip() and not raw[key].strip().startswith(("http://", "https://")):
            raise ConfigError(f"SAMENSPRAAK_{key} must be an http:// or https:// URL")

    defaults = Settings()
    return Settings(
        token=Secret(token),
        api_url=raw.get("API_URL", TELEGRAM_API_URL) or TELEGRAM_API_URL,
        db=Path(raw.get("DB", str(defaults.db))),
        conversations=Path(raw.get("CONVERSATIONS", str(defaults.conversations))),
        organisers=organisers,
        timezone=zone,
        quiet_hours=QuietHours.parse(raw.get("QUIET_HOURS", "21:00-09:00")),
        contact=raw.get("CONTACT", defaults.contact),
        max_text_length=max_text_length,
        default_community=raw.get("DEFAULT_COMMUNITY", "default"),
        rate_limit=raw.get("RATE_LIMIT", "1").lower() not in {"0", "false", "no", "off"},
        webhook_listen=raw.get("WEBHOOK_LISTEN", defaults.webhook_listen),
        retention_months=retention_months,
        grace=grace,
        idea_stale_weeks=idea_stale_weeks,
        speech_url=raw.get("SPEECH_URL", "").strip(),
        speech_key=Secret(raw.get("SPEECH_KEY", "").strip()),
        speech_model=raw.get("SPEECH_MODEL", defaults.speech_model).strip() or defaults.speech_model,
        translate_url=raw.get("TRANSLATE_URL", "").strip(),
        translate_key=Secret(raw.get("TRANSLATE_KEY", "").strip()),
        organiser_language=organiser_language,
        jobs_at_once=jobs_at_once,
    )
