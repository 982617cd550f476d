"""Sending: due outbox rows go out through the participant's channel, and the outcome is recorded."""

from bot.outbox.sender import Blocked, Channel, RetryLater, Sender, Unauthorized, Undeliverable

__all__ = ["Blocked", "Channel", "RetryLater", "Sender", "Unauthorized", "Undeliverable"]
