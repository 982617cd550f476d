"""Results back to participants: the wiring's view of the feature (bot/features/wiring.py)."""

from bot.features.package import Package
from bot.features.results.feature import KIND, ResultsFeature, render
from bot.outbox.kinds import MessageKind

PACKAGE = Package(feature=ResultsFeature(), messages=(MessageKind(KIND, render),))
