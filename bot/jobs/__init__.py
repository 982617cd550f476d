"""Background work that must not delay a reply: fetching answers' files, transcribing speech, translating words.

`plan.py` adds the jobs an event's answers need to its transaction; `worker.py` runs them; `runners.py` does each
kind; `service.py` puts them together for the live bot and the simulator.
"""
