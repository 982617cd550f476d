"""Every feature, in one explicit list: reading this module tells you what the bot can do.

Each package hands its engine part (buttons, commands, messages it takes), the loader of its context, and its
message and record kinds. The dispatcher gives the engine `FEATURES`, runs `LOADERS` in its one read of the
participant, renders through `KINDS`, and the sender derives its lists from `KINDS`. Nothing registers itself on
import: a package that is not listed here does not exist for the bot. The organiser commands have their own
explicit table (bot/organise/table.py).
"""

from __future__ import annotations

from bot.engine.features import Feature
from bot.features.edits import package as edits_package
from bot.features.followups import package as followups_package
from bot.features.heard import package as heard_package
from bot.features.package import Loader, Package
from bot.features.results import package as results_package
from bot.features.rounds import package as rounds_package
from bot.features.walk_signup import package as walk_signup_package
from bot.features.walks import package as walks_package
from bot.outbox.kinds import Kinds, RecordKind

# In this order the engine offers a message to each feature (the first that takes it wins).
PACKAGES: tuple[Package, ...] = (
    heard_package.PACKAGE,
    edits_package.PACKAGE,
    walks_package.PACKAGE,
    followups_package.PACKAGE,
    results_package.PACKAGE,
    walk_signup_package.PACKAGE,
    rounds_package.PACKAGE,
)

# Records of the organisers' side that message other people: a flag of distress goes to every organiser at once.
ORGANISER_RECORDS = (RecordKind("safeguarding"),)

FEATURES: tuple[Feature, ...] = tuple(package.feature for package in PACKAGES if package.feature is not None)
LOADERS: tuple[tuple[str, Loader], ...] = tuple(
    (package.feature.name, package.load)
    for package in PACKAGES
    if package.feature is not None and package.load is not None
)
KINDS = Kinds.of(
    (kind for package in PACKAGES for kind in package.messages),
    (*(record for package in PACKAGES for record in package.records), *ORGANISER_RECORDS),
)
