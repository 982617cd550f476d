"""Every organiser command and button, in one explicit list of routers (as aiogram's `include_router`): reading
this module tells you what organisers can do. A module's commands exist only when its router is listed here; the
order is the order of the organisers' menu and of /organiser."""

from __future__ import annotations

from bot.features.followups import ideas
from bot.organise import (
    actions,
    announce,
    builtin,
    flags,
    media_command,
    moderation,
    network_commands,
    own_language,
    safeguarding,
)
from bot.organise.context import ButtonHandler, OrganiserCommand, OrganiserRouter

ROUTERS: tuple[OrganiserRouter, ...] = (
    builtin.router,
    actions.router,
    announce.router,
    flags.router,
    media_command.router,
    moderation.router,
    network_commands.router,
    own_language.router,
    safeguarding.router,
    ideas.router,
)


def _commands(routers: tuple[OrganiserRouter, ...]) -> dict[str, OrganiserCommand]:
    found: dict[str, OrganiserCommand] = {}
    for router in routers:
        for name, command in router.commands.items():
            if name in found:
                raise ValueError(f"organiser command /{name} is in two routers")
            found[name] = command
    return found


def _buttons(routers: tuple[OrganiserRouter, ...]) -> dict[str, ButtonHandler]:
    found: dict[str, ButtonHandler] = {}
    for router in routers:
        for action, handler in router.buttons.items():
            if action in found:
                raise ValueError(f"organiser button {action!r} is in two routers")
            found[action] = handler
    return found


COMMANDS = _commands(ROUTERS)
BUTTONS = _buttons(ROUTERS)
