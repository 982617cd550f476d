"""An option of a choice prompt as people type it instead of pressing its button: its number or its label in any
case, without accents or vowel marks. Shared by single and multiple choice."""

from __future__ import annotations

import unicodedata

from bot.content.model import Prompt
from bot.engine.sanity import small_number
from bot.i18n import Translator, pick


def _loose(text: str) -> str:
    """A label as people type it: any case, without accents or Arabic vowel marks (a shadda left out)."""
    decomposed = unicodedata.normalize("NFD", text.strip().casefold())
    return "".join(char for char in decomposed if unicodedata.category(char) != "Mn")


def option_for_text(prompt: Prompt, text: str, t: Translator) -> str | None:
    wanted = _loose(text)
    # isdecimal: "٢" (Arabic-Indic) and "۲" (Persian) are the number 2 as much as "2" is.
    number_typed = small_number(wanted)
    for number, option in enumerate(prompt.options, start=1):
        labels = {_loose(label) for label in option.label.values()} | {_loose(pick(option.label, t.language))}
        if number_typed == number or wanted in labels:
            return option.id
    return None
