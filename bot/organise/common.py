"""Small things several organiser views share: role names, prompt texts, moments in the city's time zone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.content.loader import Library
from bot.i18n import LANGUAGES
from bot.organise.i18n import ON_, OrganiserTranslator
from bot.store import parse_iso

ROLE_NAMES = {
    "resident": ON_("resident"),
    "newcomer": ON_("newcomer"),
    "volunteer": ON_("volunteer"),
    "unsaid": ON_("role not said"),
}


def role_name(o: OrganiserTranslator, role: str | None) -> str:
    return o.ogettext(ROLE_NAMES[role]) if role in ROLE_NAMES else o.ogettext("no role yet")


def language_name(code: str | None) -> str:
    """A language by its own name and code, e.g. `العربية (ar)`, as organisers meet participants."""
    if code in LANGUAGES:
        return f"{LANGUAGES[code].name} ({code})"
    return code or "—"


def prompt_text_nl(library: Library, conversation: str, prompt_id: str) -> str:
    """The question in Dutch: a round's prompt, or a walk's card, reflection or follow-up question. Its id only
    when the content no longer has it (an organiser reads "Vraag: Hoe ben je in deze stad aangekomen?", never
    "Vraag: station")."""
    content = library.rounds.get(conversation)
    prompt = content.prompt(prompt_id) if content is not None else None
    if prompt is not None:
        return prompt.text.get("nl") or next(iter(prompt.text.values()), prompt_id)
    walk = library.walks.get(conversation)
    text = walk.prompt_text(prompt_id) if walk is not None else None
    if text:
        return text.get("nl") or next(iter(text.values()), prompt_id)
    return prompt_id


def local(stored: str | None, zone: ZoneInfo) -> str:
    moment = parse_iso(stored)
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") if moment else "—"


def local_now(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")
