"""The organiser commands with what each does, in the organiser's language (/organiser, and under /help)."""

from __future__ import annotations

from collections.abc import Mapping

from bot.organise.context import OrganiserCommand
from bot.organise.i18n import organiser_translator


def organiser_help_text(
    language: str | None, scope: frozenset[str] | None, commands: Mapping[str, OrganiserCommand]
) -> str:
    """The organiser commands with what each does, in the organiser's language; a community organiser (`scope`)
    reads which communities are theirs, without the commands that are a network organiser's."""
    o = organiser_translator(language)
    lines = ["🧑‍💼 " + o.ogettext("Organiser commands (only organisers see and can use these):"), ""]
    if scope is not None:
        communities = ", ".join(sorted(scope))
        lines += [o.format(o.ogettext("You are an organiser of {communities}."), communities=communities), ""]
    lines += [
        f"/{command.name} — {o.ogettext(command.description)}"
        for command in commands.values()
        if scope is None or not command.network_only
    ]
    lines += ["", o.ogettext("Every organiser action is logged with who and when.")]
    return "\n".join(lines)
