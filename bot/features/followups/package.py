"""Follow-ups (meetings, ideas, the minority round): the wiring's view of the feature (bot/features/wiring.py)."""

from bot.features.followups import loader
from bot.features.followups.feature import FollowUpsFeature
from bot.features.followups.render import MESSAGES
from bot.features.package import Package
from bot.outbox.kinds import RecordKind
from bot.store import followups, meetings

PACKAGE = Package(
    feature=FollowUpsFeature(),
    load=loader.load,
    messages=MESSAGES,
    records=(
        RecordKind("rsvp", meetings.write_rsvp),
        RecordKind("followup_mark", followups.write_mark),
    ),
)
