"""A whole retro through Slack's HTTP path: /retro commands acknowledged privately, the board,
reveal, voting and summary posted to the channel, Add card and Vote opening modals, Close by button."""

from __future__ import annotations

import json

from tests.slack.conftest import Slack, StandIn, texts


def buttons(call) -> dict[str, dict]:
    return {e["text"]["text"]: e for b in call.args["blocks"] if b["type"] == "actions" for e in b["elements"]}


def view_of(call) -> dict:
    view = call.args["view"]
    return json.loads(view) if isinstance(view, str) else view


async def retro(slack: Slack, text: str, user: str, **where: str) -> dict:
    response = await slack.command(text, command="/retro", user=user, **where)
    assert response.status == 200
    return await response.json()


async def test_a_full_retro_in_slack(clock, slack: Slack, standin: StandIn):
    clock.set("2026-11-21T10:00:00+00:00")
    slack.bot.senders["slack"].pacer.interval = 0  # Slack's 1 post/s per channel is tested elsewhere
    ack = await retro(slack, "start mad/sad/glad Sprint 12", "UFAY")
    assert ack["response_type"] == "ephemeral" and "you are the facilitator" in ack["text"]
    [board] = standin.of("chat.postMessage")
    assert board.args["channel"] == "C-GENERAL" and "Mad: 0 cards" in texts(board)
    assert list(buttons(board)) == ["Add card", "Close"]

    # Add card opens a modal; the confirmation only the author sees.
    add = buttons(board)["Add card"]
    await slack.click(add["action_id"], add["value"], user="UANN")
    [opened] = await standin.wait_for("views.open")
    view = view_of(opened)
    assert view["type"] == "modal" and view["callback_id"] == "retro.add.form"
    values = {
        "column": {"column": {"type": "static_select", "selected_option": {"value": "Glad"}}},
        "text": {"text": {"type": "plain_text_input", "value": "Shipped <!channel> on time"}},
        "anonymous": {"anonymous": {"type": "checkboxes", "selected_options": [{"value": "true"}]}},
    }
    await slack.interactive(
        {
            "type": "view_submission",
            "user": {"id": "UANN", "team_id": slack.team},
            "view": {**view, "id": "V1", "state": {"values": values}},
        }
    )
    [added] = await standin.wait_for("chat.postEphemeral")
    assert added.args["user"] == "UANN" and "Added card #1 to Glad" in added.args["text"]
    assert "anonymously" in added.args["text"]
    ack = await retro(slack, "add sad flaky <@UBOB|bob> tests", "UCAT")
    assert "Added card #2 to Sad" in ack["text"] and ack["response_type"] == "ephemeral"
    ack = await retro(slack, "add angry x", "UCAT")
    assert "is not a column of retro" in ack["text"]

    assert "Only the facilitator (UFAY)" in (await retro(slack, "reveal", "UCAT"))["text"]
    await retro(slack, "reveal", "UFAY")
    revealed = standin.of("chat.postMessage")[-1]
    assert "#1 Shipped &lt;!channel&gt; on time — anonymous" in texts(revealed)
    assert "<!channel>" not in texts(revealed) and "UANN" not in texts(revealed)

    await retro(slack, "budget 2 max 1", "UFAY")
    await retro(slack, "vote", "UFAY")
    voting = standin.of("chat.postMessage")[-1]
    assert "Voting is open" in voting.args["text"] and "2 votes each, at most 1 on one card" in voting.args["text"]
    vote = buttons(voting)["Vote"]
    await slack.click(vote["action_id"], vote["value"], user="UCAT")
    ballot = view_of((await standin.wait_for("views.open", 2))[-1])
    assert ballot["callback_id"] == "retro.vote.form"
    values = {
        "card": {"card": {"type": "static_select", "selected_option": {"value": "1"}}},
        "change": {"change": {"type": "static_select", "selected_option": {"value": "add"}}},
    }
    await slack.interactive(
        {
            "type": "view_submission",
            "user": {"id": "UCAT", "team_id": slack.team},
            "view": {**ballot, "id": "V2", "state": {"values": values}},
        }
    )
    voted = (await standin.wait_for("chat.postEphemeral", 2))[-1]
    assert "Voted for card #1. You have 1 of 2 votes left" in voted.args["text"]
    assert "You already gave card #1 1 vote," in (await retro(slack, "vote 1", "UCAT"))["text"]  # cap of 1
    assert "Voted for card #2" in (await retro(slack, "vote 2", "UCAT"))["text"]
    assert "used all 2 of your votes" in (await retro(slack, "vote 1", "UCAT"))["text"]
    assert "Voted for card #1" in (await retro(slack, "vote 1", "UANN"))["text"]

    await retro(slack, "discuss", "UFAY")
    discussion = standin.of("chat.postMessage")[-1]
    assert "#1 Shipped &lt;!channel&gt; on time — anonymous (2 votes)" in texts(discussion)
    # "@bob" typed where Slack did not turn it into a mention names nobody: refused, nothing saved.
    typed = await retro(slack, 'action "Fix the flaky tests" @bob due 2026-12-05', "UFAY")
    assert "“@bob” is not someone I can remind" in typed["text"] and "No action was added" in typed["text"]
    ack = await retro(slack, 'action "Fix the flaky tests" <@UBOB|bob> due 2026-12-05', "UFAY")
    assert "owner UBOB, due Sat 05 Dec 2026" in ack["text"] and ack["text"].endswith("<@UBOB>")

    close = buttons(discussion)["Close"]
    await slack.click(close["action_id"], close["value"], user="UCAT")
    await slack.click(close["action_id"], close["value"], user="UFAY")
    await slack.settle()
    summary = standin.of("chat.postMessage")[-1]
    assert summary.args["channel"] == "C-GENERAL" and "summary" in texts(summary)
    assert "Fix the flaky tests — owner UBOB, due Sat 05 Dec 2026" in texts(summary)
    assert "2 cards from 2 people; 2 people voted" in texts(summary)
    answers = [c.args["text"] for c in standin.of("chat.postEphemeral")[-2:]]
    assert "Only the facilitator (UFAY) can close the retro" in answers[0]
    assert answers[1].startswith("Closed retro #")
    everything = "\n".join(texts(c) for c in standin.calls if c.method in ("chat.postMessage", "response_url"))
    assert "UANN" not in everything  # the anonymous author, on every channel surface


async def test_a_private_channels_retro_stays_with_its_members(slack: Slack, standin: StandIn):
    slack.bot.senders["slack"].pacer.interval = 0
    standin.private["C0PRIVATE"] = {"UFAY", "UANN"}
    await retro(slack, "start Leadership offsite", "UFAY", channel_id="C0PRIVATE", channel_name="leads")
    [board] = standin.of("chat.postMessage")
    add = buttons(board)["Add card"]

    # A member writes by DM: the card lands in the private retro (the only one open to her).
    dm = {"channel_id": "D-ANN", "channel_name": "directmessage"}
    assert "Added card #1 to Start" in (await retro(slack, "add start more offsites", "UANN", **dm))["text"]
    # Someone outside the channel neither sees the retro nor reaches it.
    outsider = await retro(slack, "add start peek", "UBOB", channel_id="D-BOB", channel_name="directmessage")
    assert "No retro is open in a channel you are in" in outsider["text"]
    assert "Leadership offsite" not in json.dumps(outsider)
    await slack.click(add["action_id"], add["value"], user="UBOB")  # a forged click from elsewhere
    [refused] = await standin.wait_for("chat.postEphemeral")
    assert "not valid any more" in refused.args["text"] and not standin.of("views.open")
    # With a retro open in his own channel too, his DM goes there without naming the private one.
    await retro(slack, "start Sprint 13", "UFAY")
    ack = await retro(slack, "add start pairing", "UBOB", channel_id="D-BOB", channel_name="directmessage")
    assert "Added card #1 to Start" in ack["text"] and "Sprint 13" in ack["text"]
    asked = [c for c in standin.of("users.conversations") if c.args.get("user") == "UBOB"]
    assert len({c.args.get("cursor") for c in asked}) > 1  # every page was read


async def test_when_slack_cannot_say_who_is_in_a_channel_a_dm_reaches_no_retro(slack: Slack, standin: StandIn, caplog):
    standin.private["C0PRIVATE"] = {"UFAY", "UANN"}
    await retro(slack, "start Leadership offsite", "UFAY", channel_id="C0PRIVATE", channel_name="leads")
    standin.scripted["users.conversations"] = [(200, {}, {"ok": False, "error": "missing_scope"})]
    ack = await retro(slack, "add start more offsites", "UANN", channel_id="D-ANN", channel_name="directmessage")
    assert "No retro is open in a channel you are in" in ack["text"]  # fail closed
    assert any("membership check failed" in r.message for r in caplog.records)
    assert "Added card #1" in (await retro(slack, "add start in the channel", "UANN", channel_id="C0PRIVATE"))["text"]


async def test_the_facilitator_role_goes_to_the_person_mentioned(slack: Slack, standin: StandIn):
    slack.bot.senders["slack"].pacer.interval = 0
    await retro(slack, "start Sprint 14", "UFAY")
    typed = await retro(slack, "facilitator cat", "UFAY")  # a name, not a mention: nobody to hand over to
    assert "Who takes over? Mention them" in typed["text"]
    await retro(slack, "facilitator <@UCAT|cat>", "UFAY")
    assert "Only the facilitator (UCAT)" in (await retro(slack, "close", "UFAY"))["text"]
