"""Run a coroutine at once, in the caller's task, until it first has to wait.

What Python 3.12's eager tasks do, for 3.11: most answers never wait (the registry is in memory),
so they cost no task, no timer and no extra trip round the event loop; an answer that does wait
continues in a task. Either way the caller gets a future to look at or wait on.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def start(coro: Coroutine[Any, Any, T]) -> asyncio.Future[T]:
    try:
        waiting = coro.send(None)
    except StopIteration as finished:
        done: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        done.set_result(finished.value)
        return done
    return asyncio.ensure_future(_resume(coro, waiting))


async def _resume(coro: Coroutine[Any, Any, T], waiting: Any) -> T:
    """Carry on as a Task would: wait for what the coroutine yielded, then step it again."""
    while True:
        try:
            if waiting is None:  # a bare yield (asyncio.sleep(0)): one turn of the loop
                await asyncio.sleep(0)
            else:  # a future the coroutine awaits: asyncio.wait watches it without awaiting it itself
                await asyncio.wait((waiting,))
        except asyncio.CancelledError:
            coro.close()
            raise
        try:
            waiting = coro.send(None)  # the coroutine reads the future's result (or exception) itself
        except StopIteration as finished:
            return finished.value
