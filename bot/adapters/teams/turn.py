"""One Bot Framework turn: remember the conversation, answer messages and card submits, greet on install."""

from __future__ import annotations

import logging
import time

from botbuilder.core import BotAdapter, InvokeResponse, TurnContext
from botbuilder.schema import Activity, ActivityTypes, ChannelAccount

from bot.adapters.teams import translate
from bot.adapters.teams.connector import ConnectorError
from bot.adapters.teams.people import People
from bot.adapters.teams.sender import Outbox, TeamsSender, build_activity
from bot.core import Action, ConversationRef, Incoming, Reply, Section
from bot.core.host import Core
from bot.core.metrics import ERRORS
from storage import conversations

log = logging.getLogger(__name__)
GREETING_MEMORY = 600.0  # seconds: Teams announces one install as conversationUpdate AND installationUpdate


def hello_reply(bot: Core) -> Reply:
    examples = bot.router.examples[:3] or ["help"]
    return Reply(
        text="Hello! I'm the PMO bot. Ask me who owns what, e.g. " + "; ".join(examples) + ". Type “help” for more.",
        title="Hello! I'm the PMO bot",
        sections=[
            Section(
                text="I answer who owns what in our operating model, and help with retros, "
                "improvement ideas and meetups."
            ),
            Section(heading="Try", text="\n".join(f"• {e}" for e in examples)),
            Section(text="Type “help” any time to see everything I can do. In a channel, mention me first."),
        ],
    )


BAD_SUBMIT = Reply("I couldn't read that button press. The card may be out of date: ask again to get a fresh one.")
SORRY = Reply("Sorry, something went wrong on my side. Please try again in a moment.")
PRIVATE_ONLY = Reply(
    "That answer is for you alone, and I couldn't open a private chat with you. "
    "Open a chat with me (the bot's name in the Teams search) and ask there."
)


def _account(account: ChannelAccount | None) -> dict[str, str] | None:
    if account is None:
        return None
    return {k: v for k, v in (("id", account.id), ("name", account.name), ("aadObjectId", account.aad_object_id)) if v}


class TeamsTurn:
    """What CloudAdapter.process() runs for each activity (its `bot` argument)."""

    def __init__(self, bot: Core, outbox: Outbox, people: People, sender: TeamsSender) -> None:
        self.bot, self.outbox, self.people, self.sender = bot, outbox, people, sender
        self._stored: dict[tuple[str, str], dict] = {}  # references already in the database
        self._greeted: dict[str, float] = {}
        self._mentioned: set[tuple[str, str]] = set()  # (tenant, AAD id) of people mentioned and kept

    async def on_turn(self, context: TurnContext) -> None:
        activity = context.activity
        await self._remember(activity)
        await self._remember_person(activity)
        if activity.type == ActivityTypes.message:
            await self._message(context)
        elif activity.type == ActivityTypes.conversation_update:
            added = {m.id for m in activity.members_added or []}
            if activity.recipient and activity.recipient.id in added:
                await self._greet(context)
        elif activity.type == ActivityTypes.installation_update:
            if (activity.action or "").startswith("add"):
                await self._greet(context)
        elif activity.type == ActivityTypes.invoke:
            await self._invoke(context)
        # Everything else (typing, reactions, events…) gets a quiet 200.

    async def _invoke(self, context: TurnContext) -> None:
        """We send no Action.Execute or task modules; answer 200 so Teams shows no error (CloudAdapter says 501)."""
        body = None
        if context.activity.name == "adaptiveCard/action":
            body = {
                "statusCode": 200,
                "type": "application/vnd.microsoft.activity.message",
                "value": "This card is out of date. Ask again to get a fresh one.",
            }
        await context.send_activity(
            Activity(type=ActivityTypes.invoke_response, value=InvokeResponse(status=200, body=body))
        )

    async def _message(self, context: TurnContext) -> None:
        try:
            msg = translate.to_incoming(context.activity, await self._people(context))
        except translate.BadSubmit as exc:
            log.info("unreadable card submit", extra={"reason": str(exc)})
            await self.reply(context, BAD_SUBMIT)
            return
        if not msg.addressed:
            return  # group chat chatter not meant for the bot
        reply = await self.bot.handle(msg)
        if reply is None:
            return
        card_id = context.activity.reply_to_id  # a submit's replyToId is the card it came from
        if reply.replace and isinstance(msg, Action) and card_id and await self._update(context, reply, card_id):
            if reply.notice and msg.direct:  # Teams has no "only you can see this" for Action.Submit
                await self.reply(context, Reply(reply.notice))
            return
        if reply.private and not msg.direct:
            await self._privately(context, msg, reply)
            return
        await self.reply(context, reply)

    async def _privately(self, context: TurnContext, msg: Incoming, reply: Reply) -> None:
        """Teams shows a channel everything a bot answers there, and has no "only you can see this":
        an answer meant for the asker alone (their own cards, a refusal) goes to their 1:1 chat."""
        try:
            await self.sender.send(ConversationRef.direct(translate.PLATFORM, msg.workspace, msg.user), reply)
        except (LookupError, ConnectorError):
            log.info("could not answer privately; told the asker to ask in a 1:1 chat", exc_info=True)
            await self.reply(context, PRIVATE_ONLY)

    async def _people(self, context: TurnContext) -> dict[str, str]:
        """Member id → AAD object id (the neutral user id) for the people mentioned in a message.
        Mentions carry only the member id; the Bot Connector knows the rest."""
        activity = context.activity
        out = {}
        for member in translate.mentioned_people(activity):
            try:
                found = await self.people.member(
                    self._credentials(context), activity.service_url, activity.conversation.id, member
                )
            except ConnectorError as exc:
                log.info("could not look up a mentioned member", extra={"status": exc.status})
                continue
            out[member] = (found or {}).get("aadObjectId") or member
            await self._remember_mentioned(activity, member, out[member])
        return out

    async def _remember_mentioned(self, activity: Activity, member: str, user: str) -> None:
        """Someone mentioned (an idea's new owner, a retro action's owner) can be DM'd before they
        ever write to the bot: keep their member id, unless they are known already."""
        workspace = translate.tenant_of(activity)
        if (workspace, user) in self._mentioned or (workspace, "@" + user) in self._stored:
            return
        if not await conversations.get(self.bot.services.db, translate.PLATFORM, workspace, "@" + user):
            data = {
                "channelId": activity.channel_id,
                "memberId": member,
                "tenantId": workspace,
                "bot": {"id": activity.recipient.id, "name": activity.recipient.name} if activity.recipient else None,
            }
            await conversations.upsert(
                self.bot.services.db,
                platform=translate.PLATFORM,
                workspace=workspace,
                channel="@" + user,
                kind="person",
                service_url=activity.service_url,
                data=data,
            )
        if len(self._mentioned) > 50_000:
            self._mentioned.clear()
        self._mentioned.add((workspace, user))

    async def _update(self, context: TurnContext, reply: Reply, card_id: str) -> bool:
        """Put the new card over the one whose button was pressed; False when Teams refuses."""
        activity = await self._outgoing(context, reply, thread=False)
        activity["id"] = card_id
        try:
            await self.outbox.deliver(self._credentials(context), activity)
        except ConnectorError as exc:
            log.info("could not update the card; posting a new one", extra={"status": exc.status})
            return False
        return True

    async def _greet(self, context: TurnContext) -> None:
        conversation = context.activity.conversation.id
        now = time.monotonic()
        if now - self._greeted.get(conversation, -GREETING_MEMORY) < GREETING_MEMORY:
            return
        self._greeted = {k: t for k, t in self._greeted.items() if now - t < GREETING_MEMORY}
        self._greeted[conversation] = now
        await self.reply(context, hello_reply(self.bot), thread=False)

    async def reply(self, context: TurnContext, reply: Reply, *, thread: bool = True) -> str | None:
        """Answer in the conversation (and thread) the activity came from."""
        sent = await self.outbox.deliver(
            self._credentials(context), await self._outgoing(context, reply, thread=thread)
        )
        context.responded = True
        return sent

    async def _outgoing(self, context: TurnContext, reply: Reply, *, thread: bool) -> dict:
        incoming = context.activity
        mentions = (
            await self.people.mentions(
                self._credentials(context), incoming.service_url, incoming.conversation.id, reply.mentions
            )
            if reply.mentions
            else []
        )
        return build_activity(
            reply,
            conversation_id=incoming.conversation.id,
            service_url=incoming.service_url,
            channel_id=incoming.channel_id,
            user=_account(incoming.from_property),
            bot=_account(incoming.recipient),
            tenant_id=translate.tenant_of(incoming),
            reply_to_id=incoming.id if thread else None,
            mentions=mentions,
        )

    @staticmethod
    def _credentials(context: TurnContext):
        # The turn's (cached) ConnectorClient holds the credentials for this service URL.
        return context.turn_state[BotAdapter.BOT_CONNECTOR_CLIENT_KEY].config.credentials

    async def _remember(self, activity: Activity) -> None:
        """Keep the reference fresh in the database; skip the write when nothing changed since the last one."""
        if not activity.conversation or not activity.conversation.id:
            return
        workspace = translate.tenant_of(activity)
        ref = translate.reference_of(activity)
        key = (workspace, ref["conversation"]["id"])
        if self._stored.get(key) == ref:
            return
        try:
            await conversations.upsert(
                self.bot.services.db,
                platform=translate.PLATFORM,
                workspace=workspace,
                channel=key[1],
                kind=ref["conversation"]["conversationType"],
                service_url=activity.service_url,
                data=ref,
            )
        except Exception:  # answering matters more than remembering: log it and go on
            ERRORS.labels("teams_reference").inc()
            log.exception("could not store the Teams conversation reference")
            return
        if len(self._stored) > 50_000:
            self._stored.clear()
        self._stored[key] = ref

    async def _remember_person(self, activity: Activity) -> None:
        """Keep how to DM the sender (reminders, status changes reach people one to one)."""
        person = translate.person_of(activity)
        if person is None:
            return
        user, data = person
        workspace = data["tenantId"]
        key = (workspace, "@" + user)
        known = self._stored.get(key)
        if known is not None and (known.get("conversationId") or not data.get("conversationId")):
            return  # nothing new: a stored personal chat is not replaced by "no chat seen here"
        try:
            await conversations.upsert(
                self.bot.services.db,
                platform=translate.PLATFORM,
                workspace=workspace,
                channel=key[1],
                kind="person",
                service_url=activity.service_url,
                data=data,
            )
        except Exception:
            ERRORS.labels("teams_reference").inc()
            log.exception("could not store how to reach a Teams user")
            return
        self._stored[key] = data

    async def on_error(self, context: TurnContext, error: Exception) -> None:
        """CloudAdapter's on_turn_error: log, and tell the user when a message went unanswered."""
        ERRORS.labels("teams_turn").inc()
        log.error("teams turn failed", exc_info=error)
        if context.activity.type == ActivityTypes.message and not context.responded:
            try:
                await self.reply(context, SORRY)
            except Exception:  # the connector itself may be what failed
                log.warning("could not send the apology either")
