"""The kinds of conversation file `samenspraak check` and the bot read, and where each lands in the library.

A kind is its pydantic model, its cross-checks, the texts it holds (for translation coverage) and the library
shelf it goes on. Adding a kind (walk, meeting, ...) is adding a module and a line here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from bot.content.checker import FileChecker, TextList
from bot.content.model import Round
from bot.content.rounds import check_round, round_texts


@dataclass(frozen=True)
class Kind:
    model: type[BaseModel]
    check: Callable[[FileChecker, Any], None]
    texts: Callable[[Any], TextList]
    shelf: str  # the Library attribute it is stored in


KINDS: dict[str, Kind] = {
    "round": Kind(Round, check_round, round_texts, "rounds"),
}
