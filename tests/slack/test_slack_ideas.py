"""Improvement ideas in Slack: /improve through signed requests, the owner's DM with triage
buttons, DMs to submitter and voters, nobody pinged by what people type, the stats chart uploaded."""

from __future__ import annotations

import json

from tests.conftest import ADMIN
from tests.slack.conftest import Slack, StandIn, texts


def button(call, label: str) -> dict:
    return next(
        e
        for b in call.args["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["text"]["text"].startswith(label)
    )


async def test_an_idea_from_slash_command_to_done_with_everyone_told(slack: Slack, standin: StandIn):
    await slack.command("party set PMO; contact: <@UPMOLEAD|pmo-lead>", user=ADMIN)
    ack = await (
        await slack.command(
            "Publish the enterprise roadmap monthly <!channel> <@UCEO>", command="/improve", user="UANN"
        )
    ).json()
    assert "Logged idea #1: Publish the enterprise roadmap monthly @channel @UCEO." in ack["text"]  # as read
    assert "<!channel>" not in json.dumps(ack) and "<@UCEO>" not in json.dumps(ack)
    await slack.settle()
    [notice] = standin.of("chat.postMessage")
    assert notice.args["channel"] == "UPMOLEAD" and "New idea for Enterprise roadmap" in notice.args["text"]
    assert "<!channel>" not in json.dumps(notice.args)

    offer = await (
        await slack.command("publish the enterprise roadmap every month", command="/improve", user="UBOB")
    ).json()
    assert "it looks like this open idea" in offer["text"]
    plus = next(
        e
        for b in offer["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["text"]["text"] == "+1 #1 instead"
    )
    await slack.click(plus["action_id"], plus["value"], user="UBOB", ephemeral=True)
    await slack.settle()
    assert "You voted for idea #1" in texts(standin.of("response_url")[-1])

    accept = button(notice, "Accept")
    await slack.click(accept["action_id"], accept["value"], user="UBOB")  # not the owner: refused
    await slack.settle()
    [refusal] = standin.of("chat.postEphemeral")  # only Bob sees it
    assert refusal.args["user"] == "UBOB" and "Only admins and idea #1's owner" in refusal.args["text"]
    await slack.click(accept["action_id"], accept["value"], user="UPMOLEAD")
    await slack.settle()
    update = [c for c in standin.of("response_url") if c.args.get("replace_original") is True][-1]
    assert "is now accepted" in texts(update)
    dms = {c.args["channel"]: c.args["text"] for c in standin.of("chat.postMessage")[1:]}
    assert set(dms) == {"UANN", "UBOB"} and all("is now accepted" in t for t in dms.values())

    refused = await (await slack.command("status 1 declined", command="/improve", user="UPMOLEAD")).json()
    assert "needs a reason" in refused["text"]
    done = await (
        await slack.command('status 1 done "first edition is out"', command="/improve", user="UPMOLEAD")
    ).json()
    assert "is now done: “first edition is out”" in done["text"]
    await slack.settle()
    assert len([c for c in standin.of("chat.postMessage") if c.args["channel"] in ("UANN", "UBOB")]) == 4


async def test_stats_chart_is_uploaded_to_the_channel(slack: Slack, standin: StandIn):
    await slack.command("Shared glossary of delivery terms", command="/improve", user="UANN")
    ack = await (await slack.command("stats", command="/improve", user="UANN")).json()
    assert "1 idea: 1 new" in ack["text"]
    await slack.settle()
    [complete] = standin.of("files.completeUploadExternal")
    assert complete.args["channel_id"] == "C-GENERAL"
    [upload] = standin.of("upload")
    assert upload.args["bytes"].startswith(b"\x89PNG")


async def test_a_chart_answered_after_the_ack_is_still_uploaded(slack: Slack, standin: StandIn, monkeypatch):
    from bot.adapters.slack import app as slack_app

    await slack.command("Shared glossary of delivery terms", command="/improve", user="UANN")
    monkeypatch.setattr(slack_app, "ACK_BUDGET", 0)  # as on a machine too busy to answer within 2 s
    response = await slack.command("stats", command="/improve", user="UANN")
    assert await response.text() == "", "acknowledged first, answered through response_url"
    assert "1 idea: 1 new" in (await response.json())["text"]
    [complete] = standin.of("files.completeUploadExternal")
    assert complete.args["channel_id"] == "C-GENERAL"


async def test_assign_takes_a_slack_mention_and_the_new_owner_may_move_it_on(slack: Slack, standin: StandIn):
    await slack.command("Shared glossary of delivery terms", command="/improve", user="UANN")
    ack = await (await slack.command("assign 1 <@USAM|sam>", command="/improve", user=ADMIN)).json()
    assert "now belongs to @USAM" in ack["text"]
    await slack.settle()
    [told] = [c for c in standin.of("chat.postMessage") if c.args["channel"] == "USAM"]  # a DM to the new owner
    assert "made you the owner of idea #1" in told.args["text"]
    moved = await (await slack.command("status 1 triaged", command="/improve", user="USAM")).json()
    assert "is now triaged" in moved["text"]


async def test_an_anonymous_idea_from_the_modal_reaches_the_owner_without_a_name(slack: Slack, standin: StandIn):
    response = await slack.command("", command="/improve", user="USECRET")
    assert response.status == 200 and await response.text() == ""  # the modal is the answer
    [opened] = standin.of("views.open")
    view = json.loads(opened.args["view"]) if isinstance(opened.args["view"], str) else opened.args["view"]
    assert [b["block_id"] for b in view["blocks"]] == ["title", "details", "area", "anonymous"]
    roadmap = next(
        o["value"] for o in view["blocks"][2]["element"]["options"] if o["text"]["text"] == "Enterprise roadmap"
    )
    values = {
        "title": {"title": {"type": "plain_text_input", "value": "Publish the roadmap monthly"}},
        "details": {"details": {"type": "plain_text_input", "value": "Teams plan around it."}},
        "area": {"area": {"type": "static_select", "selected_option": {"value": roadmap}}},
        "anonymous": {"anonymous": {"type": "checkboxes", "selected_options": [{"value": "true"}]}},
    }
    await slack.interactive(
        {
            "type": "view_submission",
            "user": {"id": "USECRET", "team_id": slack.team},
            "view": {**view, "id": "V1", "state": {"values": values}},
        }
    )
    await slack.settle()
    [confirmation] = standin.of("response_url")
    assert confirmation.args["response_type"] == "ephemeral" and "Logged idea #1" in confirmation.args["text"]
    assert "anonymously" in texts(confirmation)
    [notice] = standin.of("chat.postMessage")  # the PMO's contact, #pmo: Slack takes a channel's name
    assert notice.args["channel"] == "pmo" and "Publish the roadmap monthly" in texts(notice)
    assert "USECRET" not in json.dumps([c.args for c in standin.calls if c.method != "views.open"], default=str)


async def test_anon_in_a_slash_command_logs_the_idea_without_a_name(slack: Slack, standin: StandIn):
    ack = await (await slack.command("Fewer approval steps --anon", command="/improve", user="UQUIET")).json()
    assert ack["response_type"] == "ephemeral" and "Logged idea #1: Fewer approval steps." in ack["text"]
    shown = await (await slack.command("show 1", command="/improve", user="UBOB")).json()
    assert "anonymous" in texts_of(shown) and "--anon" not in json.dumps(shown) and "UQUIET" not in json.dumps(shown)
    await slack.settle()
    assert "UQUIET" not in json.dumps([c.args for c in standin.calls], default=str)


def texts_of(message: dict) -> str:
    return json.dumps(message.get("blocks", []), ensure_ascii=False) + message.get("text", "")
