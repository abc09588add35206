"""JSON log lines for `serve`, each carrying the request or event id it belongs to, and no floods:
during an outage every request fails the same way, and one traceback tells as much as 200."""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Callable
from contextvars import ContextVar
from typing import TextIO

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if (rid := request_id.get()) and not getattr(record, "_many_requests", False):
            entry["request_id"] = rid
        entry.update({k: v for k, v in record.__dict__.items() if k not in _STANDARD and not k.startswith("_")})
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


BURST_WINDOW = 60.0  # seconds during which repeats of one warning or error are counted, not written
MAX_KINDS = 1000  # kinds of repeats tracked at once; beyond that, lines are written as they come


class BurstHandler(logging.Handler):
    """Writes through `inner`, except repeats. The first warning or error of a kind (logger,
    message, exception type) is written in full; the same kind again within BURST_WINDOW seconds
    is only counted, and once the window is over one line says how many there were. Windows are
    closed when the next line of any kind is logged, and at shutdown."""

    def __init__(
        self, inner: logging.Handler, *, window: float = BURST_WINDOW, clock: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__()
        self.inner, self.window, self.clock = inner, window, clock
        self._bursts: dict[tuple[str, str, str], list] = {}  # kind -> [window start, repeats, first record]
        self._next_sweep = 0.0

    def emit(self, record: logging.LogRecord) -> None:
        now = self.clock()
        if now >= self._next_sweep:  # at most once a second: close the windows that are over
            self._close_windows(now)
            self._next_sweep = now + 1.0
        if record.levelno < logging.WARNING:
            self.inner.handle(record)
            return
        error = record.exc_info[0].__name__ if record.exc_info and record.exc_info[0] else ""
        kind = (record.name, str(record.msg), error)
        burst = self._bursts.get(kind)
        if burst is not None:
            burst[1] += 1
            return
        if len(self._bursts) < MAX_KINDS:
            self._bursts[kind] = [now, 0, record]
        self.inner.handle(record)

    def _close_windows(self, now: float, *, everything: bool = False) -> None:
        for kind, (start, repeats, first) in list(self._bursts.items()):
            if everything or now - start >= self.window:
                del self._bursts[kind]
                if repeats:
                    self.inner.handle(_summary(first, repeats, now - start))

    def flush(self) -> None:
        self.inner.flush()

    def close(self) -> None:
        self.acquire()
        try:
            self._close_windows(self.clock(), everything=True)
        finally:
            self.release()
        self.inner.close()
        super().close()


def _summary(first: logging.LogRecord, repeats: int, seconds: float) -> logging.LogRecord:
    summary = logging.makeLogRecord(
        {
            "name": first.name,
            "levelno": first.levelno,
            "levelname": first.levelname,
            "msg": "%s (%d more like this in %.0f s, not written one by one)",
            "args": (first.getMessage(), repeats, seconds),
            "repeated": repeats,
            "_many_requests": True,  # not the request being logged when the window closes
        }
    )
    summary.created = time.time()
    return summary


def setup_json_logging(
    level: int = logging.INFO, *, stream: TextIO | None = None, clock: Callable[[], float] = time.monotonic
) -> None:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [BurstHandler(handler, clock=clock)]
    root.setLevel(level)
