"""Prometheus metrics, exposed by `serve` at GET /metrics."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

REQUESTS = Counter("pmo_bot_http_requests_total", "HTTP requests served", ["route", "status"])
HANDLER_SECONDS = Histogram(
    "pmo_bot_handler_seconds",
    "Time spent in a handler",
    ["platform"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
)
ERRORS = Counter("pmo_bot_errors_total", "Handler and adapter errors", ["where"])
