"""The export's columns and what they mean (the XLSX "About the columns" sheet), and which answers an export holds.

Shared by every format (bot/organise/export.py), the rows (export_rows.py) and the XLSX sheets (export_xlsx.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.organise.i18n import ON_
from bot.organise.parse import parse_day as parse_day  # re-exported: exports and briefs read dates alike
from bot.store.export_queries import AnswerFilter

CHANNEL_NAMES = {"telegram": "telegram", "terminal": "rehearsal"}
# Excel (and LibreOffice, Google Sheets) run a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_MAX_ROWS = 1_048_576  # Excel's limit per sheet, the header row included


# The columns of voices and photos: the kept file (as named in an export --with-media zip), the transcript, the
# machine translation and the engines that made them.
MEDIA_COLUMNS: tuple[tuple[str, str], ...] = (
    ("media_file", ON_("For a voice message or photo: the kept file, as named in an export --with-media zip.")),
    (
        "transcript",
        ON_(
            "For a voice message: what was said, as the participant confirmed or typed it, else the speech "
            "engine's transcript; 'not transcribed' without one."
        ),
    ),
    ("transcript_language", ON_("The language of the transcript.")),
    ("transcript_engine", ON_("Who made the transcript: the speech engine, or 'participant' when they typed it.")),
    (
        "translation",
        ON_(
            "A machine translation of the text or transcript into the organisers' language; 'not translated' "
            "without one. Made by a machine: check it before you quote it."
        ),
    ),
    ("translation_engine", ON_("The translation engine that made it.")),
)


@dataclass(frozen=True)
class Column:
    name: str
    meaning: str  # organiser catalog msgid


COLUMNS: tuple[Column, ...] = (
    Column("answer_id", ON_("Number of the answer in the database; the same in every export.")),
    Column("pseudonym", ON_("Random code of the participant; never their Telegram id or name.")),
    Column("channel", ON_("telegram for real participants, rehearsal for tries in the terminal simulator.")),
    Column("role", ON_("resident, newcomer, volunteer or unsaid, as the participant said.")),
    Column("language", ON_("The language the participant uses (nl, en, fr, ar, ...).")),
    Column("community", ON_("The community (city, neighbourhood, class) the participant joined.")),
    Column("conversation", ON_("Id of the conversation (round or walk).")),
    Column("prompt_id", ON_("Id of the question; it stays the same when the text is edited.")),
    Column("prompt_text_nl", ON_("The question in Dutch.")),
    Column("theme", ON_("Theme of the question: housing, mobility, work, safety, ...")),
    Column("answer_type", ON_("choice, scale, text, voice, photo, location, or skipped.")),
    Column(
        "answer",
        ON_(
            "The answer: for a choice the option in Dutch, for a scale 1 (not good at all) to 5 (very good), for a "
            "text what was written, for a voice message or photo Telegram's file reference (the bot can fetch the "
            "file with it), for a place latitude, longitude."
        ),
    ),
    Column(
        "option_id",
        ON_("For a choice: the id of the chosen option; for a multiple choice each chosen one, joined with “; ”."),
    ),
    Column("option_label_own", ON_("For a choice: the option as the participant saw it, in their language.")),
    Column("voice_seconds", ON_("For a voice message: its length in seconds.")),
    Column("latitude", ON_("For a place: latitude.")),
    Column("longitude", ON_("For a place: longitude.")),
    Column(
        "minority",
        ON_(
            "true for an answer in the Deep Democracy follow-up (see deep_democracy), false for an answer to the "
            "question itself; in XLSX TRUE, and empty otherwise."
        ),
    ),
    Column(
        "deep_democracy",
        ON_(
            "For a minority answer: view (what the others should understand), need (what they would need to go "
            "along) or take (what someone of the majority takes from the minority's view); option_id is the option "
            "it is about."
        ),
    ),
    Column("walk_stop", ON_("For a dialogue walk: the stop the answer was given at.")),
    Column(
        "moderation",
        ON_(
            "For a text, voice message or photo: pending, approved (may be quoted or shown) or hidden (never shown to "
            "others)."
        ),
    ),
    Column("created_at", ON_("When the answer came in, in the city's time zone.")),
    *(Column(name, meaning) for name, meaning in MEDIA_COLUMNS),
)
NAMES = tuple(column.name for column in COLUMNS)
ANSWER_INDEX = NAMES.index("answer")
MODERATION_INDEX = NAMES.index("moderation")
CREATED_INDEX = NAMES.index("created_at")
CONVERSATION_INDEX = NAMES.index("conversation")
MINORITY_INDEX = NAMES.index("minority")
# XLSX cell types by column: the answer is a number for a scale and text otherwise, so it is typed per cell.
NUMBER_COLUMNS = tuple(NAMES.index(name) for name in ("answer_id", "voice_seconds", "latitude", "longitude"))
STRING_COLUMNS = tuple(
    index for index in range(len(NAMES)) if index not in (*NUMBER_COLUMNS, ANSWER_INDEX, MINORITY_INDEX, CREATED_INDEX)
)
MODERATED = {"approved": 1, "hidden": -1}  # Pol.is convention: 1 accepted, -1 rejected, 0 not yet moderated


@dataclass(frozen=True)
class Selection:
    """Which answers an export holds."""

    conversation: str | None = None
    since: datetime | None = None  # UTC, inclusive
    until: datetime | None = None  # UTC, exclusive
    live_only: bool = False  # leave out rehearsals in the terminal simulator
    communities: frozenset[str] | None = None  # a community organiser's: only their participants' answers

    def describe(self) -> dict[str, Any]:
        return {
            **({"communities": sorted(self.communities)} if self.communities is not None else {}),
            "conversation": self.conversation,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "live_only": self.live_only,
        }

    def filter(self) -> AnswerFilter:
        """The selection as the store reads it."""
        return AnswerFilter(
            conversation=self.conversation,
            since=_iso(self.since) if self.since else None,
            until=_iso(self.until) if self.until else None,
            live_only=self.live_only,
            communities=self.communities,
        )


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
