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
from bot.content.communities import Community, check_community, community_texts
from bot.content.consent import ConsentAudio, check_consent, consent_texts
from bot.content.helplines import HelpLines, check_helplines, helpline_texts
from bot.content.meetings import Meeting, check_meeting, meeting_texts
from bot.content.model import Round
from bot.content.rounds import check_round, round_texts
from bot.content.safeguarding import SafeguardingWords, check_safeguarding, safeguarding_texts
from bot.content.walks import Walk, check_walk, walk_texts


@dataclass(frozen=True)
class Kind:
    model: type[BaseModel]
    check: Callable[[FileChecker, Any], None]
    texts: Callable[[Any], TextList]
    shelf: str  # the Library attribute it is stored in


KINDS: dict[str, Kind] = {
    "round": Kind(Round, check_round, round_texts, "rounds"),
    "meeting": Kind(Meeting, check_meeting, meeting_texts, "meetings"),
    "safeguarding": Kind(SafeguardingWords, check_safeguarding, safeguarding_texts, "safeguarding"),
    "walk": Kind(Walk, check_walk, walk_texts, "walks"),
    "community": Kind(Community, check_community, community_texts, "community_files"),
    "helplines": Kind(HelpLines, check_helplines, helpline_texts, "helplines"),
    "consent": Kind(ConsentAudio, check_consent, consent_texts, "consent"),
}
