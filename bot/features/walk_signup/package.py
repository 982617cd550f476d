"""Walk sign-up: the wiring's view of the feature (bot/features/wiring.py)."""

from bot.features.package import Package
from bot.features.walk_signup import loader
from bot.features.walk_signup.feature import CALL, INVITE, WalkSignupFeature, render_call, render_invite
from bot.outbox.kinds import MessageKind, RecordKind
from bot.store import walk_dates

PACKAGE = Package(
    feature=WalkSignupFeature(),
    load=loader.load,
    # A call to lead and an invitation matter until the walk begins (their renderer checks), so they never expire.
    messages=(MessageKind(CALL, render_call, expires=False), MessageKind(INVITE, render_invite, expires=False)),
    records=(
        # The first leader's sign-up invites the newcomers: the sender goes at once.
        RecordKind("walk_date_lead", walk_dates.write_lead, to_others=True),
        RecordKind("walk_date_rsvp", walk_dates.write_rsvp),
    ),
)
