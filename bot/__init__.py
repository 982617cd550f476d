"""Samenspraak: a multilingual Telegram bot for civic participation."""

__version__ = "0.1.0"
