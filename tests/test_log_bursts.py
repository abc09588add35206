"""`serve`'s log handler writes the first of a burst of equal warnings or errors in full and then
counts: kinds are kept apart, info lines are never held back, and shutdown writes what was counted."""

from __future__ import annotations

import io
import json
import logging

from bot.assembly.logs import BURST_WINDOW, BurstHandler, JsonFormatter


def lines(out: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_bursts_are_counted_per_kind_and_written_at_shutdown():
    out, now = io.StringIO(), [0.0]
    inner = logging.StreamHandler(out)
    inner.setFormatter(JsonFormatter())
    handler = BurstHandler(inner, clock=lambda: now[0])
    log = logging.getLogger("test.bursts")
    log.propagate, log.level = False, logging.INFO
    log.addHandler(handler)
    try:
        for i in range(5):
            try:
                raise ConnectionRefusedError(f"refused {i}")
            except ConnectionRefusedError:
                log.exception("query failed")
            log.warning("slow answer", extra={"seconds": i})
            log.info("request %d served", i)
        try:
            raise TimeoutError("timed out")
        except TimeoutError:
            log.exception("query failed")  # the same words, another failure: its own kind
        written = lines(out)
        loud = [e["message"] for e in written if e["level"] != "info"]
        assert loud == ["query failed", "slow answer", "query failed"]
        assert len([e for e in written if e["level"] == "info"]) == 5
        assert "refused 0" in written[0]["error"]
        now[0] += BURST_WINDOW / 2
        handler.close()
        counted = {e["message"]: e["repeated"] for e in lines(out) if "repeated" in e}
        assert counted == {
            "query failed (4 more like this in 30 s, not written one by one)": 4,
            "slow answer (4 more like this in 30 s, not written one by one)": 4,
        }
    finally:
        log.removeHandler(handler)
