"""An activity's serviceUrl is where the bot sends replies with its Bearer token: only URLs on the
allow-list (Microsoft's hosts by default, PMO_BOT_TEAMS_SERVICE_URLS here) are used or stored."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.adapters.teams.service_urls import ServiceUrls
from bot.core import ConversationRef, Reply
from storage import conversations
from storage.models import ConversationRecord

UNTRUSTED = [
    "https://evil.example/",
    "http://127.0.0.2:8080/",
    "https://smba.trafficmanager.net.evil.example/teams/",
    "https://smba.trafficmanager.net@evil.example/teams/",
    "https://evil.example/?https://smba.trafficmanager.net/",
    "ftp://127.0.0.1/",
    "",
]


@pytest.mark.parametrize("service_url", UNTRUSTED)
async def test_an_activity_from_an_untrusted_service_url_is_refused_and_nothing_is_stored(
    client, teams, connector, db, workspace, service_url
):
    activity = teams.personal("who owns the enterprise roadmap?")
    activity["serviceUrl"] = service_url
    response = await client.post("/api/messages", json=activity)
    assert response.status in (400, 403)
    assert connector.attempts == 0 and connector.posts == []
    async with db.session() as session:
        assert not (
            await session.exec(select(ConversationRecord).where(ConversationRecord.workspace == workspace))
        ).all()


async def test_a_trusted_service_url_still_works(client, teams, connector):
    response = await client.post("/api/messages", json=teams.personal("who owns the enterprise roadmap?"))
    assert response.status in (200, 201) and len(connector.posts) == 1


async def test_a_stored_reference_with_an_untrusted_url_is_never_sent_to(client, teams_bot, teams, connector, db):
    # A reference stored before the allow-list existed: proactive posts refuse it, finally.
    await conversations.upsert(
        db,
        platform="teams",
        workspace=teams.tenant,
        channel=teams.channel,
        kind="channel",
        service_url="https://evil.example/",
        data={"channelId": "msteams", "conversation": {"id": teams.channel, "tenantId": teams.tenant}},
    )
    channel, outbox = ConversationRef("teams", teams.tenant, teams.channel), teams_bot.services.outbox
    with pytest.raises(LookupError):
        await outbox.send(channel, Reply("Meetup tomorrow"))
    assert not await outbox.is_member(channel, "U-ALICE")
    assert connector.attempts == 0


def test_microsofts_hosts_are_allowed_by_default_and_look_alikes_are_not():
    urls = ServiceUrls()
    for good in (
        "https://smba.trafficmanager.net/teams/",
        "https://smba.trafficmanager.net/emea/",
        "https://smba.infra.gcc.teams.microsoft.com/teams",
        "https://smba.infra.gov.teams.microsoft.us/teams",
        "https://smba.infra.dod.teams.microsoft.us/teams",
        "https://webchat.botframework.com/",
        "https://europe.directline.botframework.com/",
    ):
        assert urls.allows(good), good
    for bad in (
        *UNTRUSTED,
        "http://smba.trafficmanager.net/teams/",  # no TLS
        "https://botframework.com.evil.example/",
        "https://evilbotframework.com/",
        "https://smba.trafficmanager.net\\@evil.example/",
        "https://smba.trafficmanager.net:99999/",
        "https://smba.traffícmanager.net/",
        None,
        42,
    ):
        assert not urls.allows(bad), bad
    assert ServiceUrls(["http://127.0.0.1"]).allows("http://127.0.0.1:3978/x/")
    assert ServiceUrls(["https://host.example/teams"]).allows("https://host.example/teams/v3")
    assert not ServiceUrls(["https://host.example/teams"]).allows("https://host.example/teamsx/")
    with pytest.raises(ValueError):
        ServiceUrls(["smba.trafficmanager.net"])  # a pattern needs its scheme
