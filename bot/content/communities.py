"""The `community` kind: what one community of a network has of its own — its name, who is responsible and how to
reach them (for the consent text and /help), and the language its participants are offered first.

    kind: community
    community: gent
    name: {nl: Gent, en: Ghent}
    language: nl
    contact: {nl: "Stad Gent, dienst Samenleven, samenleven@stad.gent", en: "..."}

Without a file a community uses SAMENSPRAAK_CONTACT and the participant's Telegram language.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from bot.content.checker import REQUIRED_LANGUAGE, FileChecker, TextList
from bot.content.model import COMMUNITY_PATTERN, Strict, Text, _text_map


class Community(Strict):
    kind: Literal["community"]
    community: str = Field(pattern=COMMUNITY_PATTERN)
    name: Text | None = None
    contact: Text | None = None
    language: str | None = Field(default=None, pattern=r"^[a-z]{2,3}$")

    _texts = field_validator("name", "contact", mode="before")(_text_map)

    @property
    def id(self) -> str:
        return f"community-{self.community}"


def community_texts(community: Community) -> TextList:
    return [((name,), value) for name in ("name", "contact") if (value := getattr(community, name)) is not None]


def check_community(checker: FileChecker, community: Community) -> None:
    from bot.i18n import LANGUAGES

    if community.language is not None and community.language not in LANGUAGES:
        checker.problem(("language",), f"unknown language {community.language!r}; use one of {', '.join(LANGUAGES)}")
    for loc, text in community_texts(community):
        if not text.get(REQUIRED_LANGUAGE):
            checker.problem(loc, f"missing Dutch ({REQUIRED_LANGUAGE}) text")
