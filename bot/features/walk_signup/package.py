"""Walk sign-up: the wiring's view of the feature (bot/features/wiring.py)."""

from bot.features.package import Package
from bot.features.walk_signup import loader
from bot.features.walk_signup.feature import CALL, INVITE, WalkSignupFeature, render_call, render_invite
from bot.outbox.kinds import MessageKind, RecordKind

PACKAGE = Package(
    feature=WalkSignupFeature(),
    load=loader.load,
    # A call to lead and an invitation matter until the walk begins (their renderer checks), so they never expire.
    messages=(MessageKind(CALL, render_call, expires=False), MessageKind(INVITE, render_invite, expires=False)),
    records=(
        RecordKind("walk_date_lead"),
    ),  # the first leader's sign-up invites the newcomers: the sender goes at once
)
