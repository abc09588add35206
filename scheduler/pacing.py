"""Long loops on the event loop (planning 10,000 series) give way to live work every few
milliseconds, so no request or due post waits behind them."""

from __future__ import annotations

import asyncio
import time

SLICE = 0.01  # seconds of work between two turns of the event loop


class Pacer:
    """`await pace()` inside a loop: yields to the event loop once SLICE has passed since the last yield."""

    def __init__(self, slice_seconds: float = SLICE) -> None:
        self.slice = slice_seconds
        self._since = time.perf_counter()

    async def __call__(self) -> None:
        if time.perf_counter() - self._since >= self.slice:
            await asyncio.sleep(0)
            self._since = time.perf_counter()
