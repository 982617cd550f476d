"""Follow-ups (meetings, ideas, the minority round): the wiring's view of the feature (bot/features/wiring.py)."""

from bot.features.followups import loader
from bot.features.followups.feature import FollowUpsFeature
from bot.features.followups.render import MESSAGES
from bot.features.package import Package

PACKAGE = Package(feature=FollowUpsFeature(), load=loader.load, messages=MESSAGES)
