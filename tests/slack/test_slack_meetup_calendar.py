"""A meetup's calendar link goes to the members of its channel only, privately, and the link
is a feed the same app serves."""

from __future__ import annotations

import re

from tests.slack.conftest import Slack, StandIn


async def meetup(slack: Slack, text: str, user: str) -> dict:
    response = await slack.command(text, command="/meetup", user=user)
    assert response.status == 200
    return await response.json()


async def test_calendar_links_go_to_channel_members_only(slack: Slack, standin: StandIn):
    standin.private["C0PRIVATE"] = {"UORGANISER", "UANN"}
    ack = await meetup(
        slack, 'schedule "Secret circle" every Tuesday at 12:00 Europe/London in <#C0PRIVATE|private>', "UORGANISER"
    )
    series = ack["text"].split("#")[1].split()[0]

    refused = await meetup(slack, f"calendar {series}", "UBOB")
    # The same answer as for a meetup that does not exist: outsiders can't learn that it does.
    assert f"There is no meetup #{series} here" in refused["text"] and "/calendar/" not in str(refused)
    assert "Secret circle" not in str(refused)

    given = await meetup(slack, f"calendar {series}", "UANN")
    assert given["response_type"] == "ephemeral"
    path = re.search(r"/calendar/[A-Za-z0-9_-]+\.ics", given["text"])[0]
    feed = await slack.client.get(path)
    assert feed.status == 200 and "SUMMARY:Secret circle" in await feed.text()
