"""A private channel's retro actions and export are its members' alone (issue 15, finding 4): from
anywhere else they do not exist, by command or by a forged button; the digest shows each person the
actions of channels they are in, and the unanswered questions to admins only."""

from __future__ import annotations

import json
import re

from tests.conftest import ADMIN
from tests.slack.conftest import Slack, StandIn

PRIVATE = {"channel_id": "C0PRIVATE", "channel_name": "leads"}
DM_ANN = {"channel_id": "D-ANN", "channel_name": "directmessage"}


async def retro(slack: Slack, text: str, user: str, **where: str) -> dict:
    return await (await slack.command(text, command="/retro", user=user, **where)).json()


async def improve(slack: Slack, text: str, user: str, **where: str) -> dict:
    return await (await slack.command(text, command="/improve", user=user, **where)).json()


async def test_a_private_channels_actions_exist_only_for_its_members(clock, slack: Slack, standin: StandIn):
    slack.bot.senders["slack"].pacer.interval = 0
    clock.set("2026-11-21T10:00:00+00:00")
    standin.private["C0PRIVATE"] = {"UFAY", "UANN"}
    started = await retro(slack, "start Leadership offsite", "UFAY", **PRIVATE)
    retro_id = re.search(r"retro #(\d+)", started["text"])[1]
    ack = await retro(slack, 'action "Share the reorg plan" <@UANN|ann> due 2026-12-05', "UFAY", **PRIVATE)
    action = re.search(r"Action A(\d+) added", ack["text"])[1]
    nothing = await retro(slack, "done A2147483647", "UBOB")

    # UBOB is not in the channel: to him the action is exactly as absent as one that never was.
    for typed in (f"done A{action}", f"carry A{action}", f"escalate A{action}"):
        refused = await retro(slack, typed, "UBOB")
        assert refused["text"] == nothing["text"].replace("A2147483647", f"A{action}"), typed
        assert "reorg" not in json.dumps(refused)
    await slack.click("retro.done", action, user="UBOB")
    await slack.click("retro.escalate", action, user="UBOB")
    refusals = await standin.wait_for("chat.postEphemeral", 2)
    assert all(f"There is no action A{action} here" in c.args["text"] for c in refusals)
    assert "No ideas" in (await improve(slack, "list all", "UBOB"))["text"]  # nothing was published
    export = await retro(slack, f"export {retro_id}", "UBOB")
    assert export["text"] == f"There is no retro #{retro_id} here to export."

    # The digest: UBOB sees no private action and, not an admin, no unanswered questions.
    await slack.command("who owns the coffee machine?", user="UBOB")
    digest = json.dumps(await improve(slack, "digest", "UBOB"))
    assert "reorg" not in digest and "Unanswered" not in digest and "coffee" not in digest
    digest = json.dumps(await improve(slack, "digest", "UANN", **DM_ANN))  # a member, asking from a DM
    assert "Share the reorg plan" in digest and "Unanswered" not in digest
    digest = json.dumps(await improve(slack, "digest", "UANN"))  # in a public channel: only what it may see
    assert "reorg" not in digest and "ask me in a direct message" in digest
    digest = json.dumps(await improve(slack, "digest", ADMIN, channel_id="D-ADMIN", channel_name="directmessage"))
    assert "coffee machine" in digest and "reorg" not in digest  # an admin, not in the private channel
    assert "coffee" not in json.dumps(await improve(slack, "digest", ADMIN))  # not where others read along

    # Members reach it from their DM with the bot.
    done = await retro(slack, f"done A{action}", "UANN", **DM_ANN)
    assert done["text"] == f"Marked action A{action} done. Thanks!"  # privately, and without its text
    # So does an action's owner who is not in the channel (the reminder DM's Mark done button).
    ack = await retro(slack, 'action "Send the slides" <@UCAT|cat> due 2026-12-05', "UFAY", **PRIVATE)
    theirs = re.search(r"Action A(\d+) added", ack["text"])[1]
    assert "There is no action" in (await retro(slack, f"done A{theirs}", "UBOB"))["text"]
    done = await retro(slack, f"done A{theirs}", "UCAT", channel_id="D-CAT", channel_name="directmessage")
    assert done["text"].startswith(f"Marked action A{theirs} done")
