"""Follow-ups that never get lost: prompts over time, meetings with RSVPs, "you said, we did", the minority round.

The engine part is `bot/engine/pacing.py` (when a prompt is due) and `feature.py` (buttons, `/ideas`, the minority
answer); `service.py` does the work no participant's message starts (invitations, idea news, the minority round,
forgotten ideas); `render.py` renders each follow-up when it is sent; `ideas.py` holds the organiser's `/idea`.
"""
