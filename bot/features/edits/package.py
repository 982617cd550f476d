"""Editing a text answer: the wiring's view of the feature (bot/features/wiring.py)."""

from bot.features.edits import loader
from bot.features.edits.feature import EditsFeature
from bot.features.package import Package

PACKAGE = Package(feature=EditsFeature(), load=loader.load)
