"""A limit that holds where Telegram counts: at most N sends in any window of T seconds, as the server sees them.

A token bucket refills while the process is stalled (a busy machine, a long garbage collection) and then lets a
burst through; and a request started on time can still reach the server late, bunched with later ones. Both gave
429s. Here a send holds its place from the moment it starts until T seconds after its answer came back: the server
received it somewhere between those two moments, so a new send that starts once fewer than N places are held can
never share a T-second window at the server with N others, whatever stalled in between.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress


class SendWindow:
    def __init__(self, limit: int, period: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.period = period
        self._clock = clock
        self._ended: deque[float] = deque()  # when the answers of finished sends came back, oldest first
        self._in_flight = 0
        self._turn = asyncio.Lock()  # first come, first served: a waiting send is not overtaken
        self._released = asyncio.Event()

    def _held(self, now: float) -> int:
        while self._ended and self._ended[0] <= now - self.period:
            self._ended.popleft()
        return self._in_flight + len(self._ended)

    def idle(self) -> bool:
        """Nothing in flight and nothing recent: this window can be dropped and made afresh."""
        return self._held(self._clock()) == 0 and not self._turn.locked()

    async def _acquire(self) -> None:
        async with self._turn:
            while True:
                now = self._clock()
                if self._held(now) < self.limit:
                    self._in_flight += 1
                    return
                self._released.clear()
                # Full: a place frees when the oldest finished send leaves the window, or when one in flight ends.
                wait = self._ended[0] + self.period - now if self._ended else None
                with suppress(TimeoutError):
                    await asyncio.wait_for(self._released.wait(), wait)

    def _release(self) -> None:
        self._in_flight -= 1
        self._ended.append(self._clock())
        self._released.set()

    @asynccontextmanager
    async def place(self) -> AsyncIterator[None]:
        """Hold a place for one send, from its start until `period` after it ended (also when it failed)."""
        await self._acquire()
        try:
            yield
        finally:
            self._release()
