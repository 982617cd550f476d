"""What organisers (city staff) do with the bot: exports, the meeting brief, moderation, the live view of a round,
announcements and safeguarding flags.

Organiser commands and buttons are routed here by `bot.dispatch` only for organisers (`access.py`); for anyone else
they do not exist, and the engine answers them as it answers any unknown command or button. Organiser-facing words
live in their own gettext domain, `organiser` (`i18n.py`), in Dutch and English.
"""
