"""What operators see: health, readiness and Prometheus metrics of a server answering Slack."""

from __future__ import annotations

import re

from tests.slack.conftest import Slack


def sample(metrics: str, name: str, **labels: str) -> float:
    wanted = ",".join(f'{k}="{v}"' for k, v in labels.items())
    m = re.search(rf"^{name}\{{{wanted}\}} (\S+)$", metrics, re.MULTILINE)
    return float(m[1]) if m else 0.0


async def test_health_readiness_and_metrics_count_what_happened(slack: Slack):
    client = slack.client
    before = await (await client.get("/metrics")).text()
    assert (await client.get("/healthz")).status == 200
    ready = await client.get("/readyz")
    assert ready.status == 200 and (await ready.json())["checks"]["database"] is True

    assert (await slack.command("who owns the enterprise roadmap?")).status == 200
    assert (await slack.post("payload=x", "application/x-www-form-urlencoded", secret="wrong")).status == 401
    after = await (await client.get("/metrics")).text()

    def grew(name: str, **labels: str) -> float:
        return sample(after, name, **labels) - sample(before, name, **labels)

    assert grew("pmo_bot_http_requests_total", route="/slack/events", status="200") == 1
    assert grew("pmo_bot_http_requests_total", route="/slack/events", status="401") == 1
    assert grew("pmo_bot_handler_seconds_count", platform="slack") == 1
    assert "pmo_bot_errors_total" in after
