"""Long loops on the event loop (planning 10,000 series) give way to live work every few
milliseconds, so no request or due post waits behind them."""

from __future__ import annotations

import asyncio
import time

SLICE = 0.005  # seconds of work between two turns of the event loop


class Pacer:
    """`await pace()` inside a loop: once SLICE has passed since the last turn, gives the event loop
    a turn, and with `rest` sleeps that long too, so background work takes at most
    SLICE / (SLICE + rest) of the loop's time however busy it is."""

    def __init__(self, *, rest: float = 0.0, slice_seconds: float = SLICE) -> None:
        self.slice, self.rest = slice_seconds, rest
        self._since = time.perf_counter()

    async def __call__(self) -> None:
        if time.perf_counter() - self._since >= self.slice:
            await asyncio.sleep(self.rest)
            self._since = time.perf_counter()
