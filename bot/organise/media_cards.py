"""What organisers see of a voice note or photo: the file itself, the transcript and the machine translation.

Shared by /moderate, safeguarding flag cards, the `/media` command (recent voice and photo answers), the brief and
the exports. Every machine translation and transcript is labelled as such, with the engine that made it; without
engines they say "not transcribed" / "not translated" and the file is still there to hear and see.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from bot.engine.outgoing import Outgoing
from bot.organise.common import language_name
from bot.organise.i18n import ON_, OrganiserTranslator
from bot.store import Database
from bot.store.media_answers import Extras, read_extras


async def extras_for(store: Database, answer_ids: list[int]) -> dict[int, Extras]:
    return await store.read(read_extras, answer_ids)


KIND_NAMES = {
    "voice": ON_("Voice message"),
    "audio": ON_("Audio file"),
    "video_note": ON_("Video message"),
    "photo": ON_("Photo"),
}


def extra_lines(
    o: OrganiserTranslator, extras: Extras, language: str | None, has_text: bool, target: str = "nl"
) -> list[str]:
    """The transcript and translation lines of one answer, each labelled."""
    lines: list[str] = []
    if extras.kind:
        name = o.ogettext(KIND_NAMES.get(extras.kind, KIND_NAMES["voice"]))
        note = ""
        if extras.status == "waiting":
            note = " · " + o.ogettext("file still being fetched")
        elif extras.status == "too_big":
            note = " · " + o.ogettext("file too big to fetch (over 20 MB)")
        elif extras.status == "stand_in":
            note = " · " + o.ogettext("rehearsal stand-in, no file")
        lines.append(("📷 " if extras.kind == "photo" else "🎤 ") + name + note)
    if extras.spoken:
        if extras.corrected:
            lines.append("✏️ " + o.ogettext("Typed by the participant instead:") + " «" + extras.corrected + "»")
        if extras.transcript is not None:
            # Typed words replace the engine's: its transcript was not what they meant, so it is not "confirmed".
            confirmed = extras.confirmed and not extras.corrected
            label = o.ogettext("Transcript, confirmed") if confirmed else o.ogettext("Transcript, unconfirmed")
            lines.append(
                f"📝 {label} ({language_name(extras.transcript_language)}; {extras.transcript_engine}): "
                f"«{extras.transcript}»"
            )
        elif not extras.corrected:
            lines.append("📝 " + o.ogettext("Not transcribed."))
    translated_field = "transcript" if extras.spoken else "text"
    if extras.spoken or has_text:
        translation = extras.translations.get(translated_field)
        if translation is not None:
            lines.append(
                "🌐 "
                + o.format(o.ogettext("Machine translation ({engine}):"), engine=translation[1])
                + f" «{translation[0]}»"
            )
        elif language and language != target:
            lines.append("🌐 " + o.ogettext("Not translated."))
    return lines


def attach(message: Outgoing, extras: Extras, folder: Path) -> Outgoing:
    """The file itself goes with the card: a voice note to listen to, a photo to see (its caption the card)."""
    if not extras.path:
        return message
    path = folder / extras.path
    return replace(message, data={**message.data, file_key(extras.kind): str(path)})


def file_key(kind: str | None) -> str:
    """The payload key of an answer's file: each kind by its own, so the channel sends it with the Bot API method
    made for it (a round video message or a wav sent through sendVoice fails)."""
    return kind if kind in ("photo", "voice", "audio", "video_note") else "voice"
