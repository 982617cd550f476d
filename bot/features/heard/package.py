""" "I heard…": the wiring's view of the feature (bot/features/wiring.py). Its message (`heard`) is written by the
transcription job whole, in the participant's language: nothing to render at sending."""

from bot.features.heard import loader
from bot.features.heard.feature import HeardFeature
from bot.features.package import Package
from bot.outbox.kinds import MessageKind

PACKAGE = Package(feature=HeardFeature(), load=loader.load, messages=(MessageKind("heard"),))
