"""The Bolt AsyncApp wired to the core: listeners for commands, events and interactivity.

process_before_response=True: Bolt answers as soon as a listener returns instead of polling for
ack() every 10 ms. Slash command answers that are ready within ACK_BUDGET go back in the ack
body itself; everything else (events, button presses, slow answers) is acknowledged at once and
finished after the ack through the services' `later` (tracked, and drained on shutdown).

A ready answer is returned as a BoltResponse (Bolt sends a listener's returned response as the
acknowledgement) serialised by orjson: Bolt's own ack() runs json.dumps, which cost more than
the whole lookup behind a "who owns" answer.
"""

from __future__ import annotations

import asyncio
import logging
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import orjson
from slack_bolt import BoltResponse
from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization.async_authorize import AsyncAuthorize
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.adapters.slack import eager, translate
from bot.adapters.slack.render import OPEN_FORM_ACTION, open_form_button, render_message, render_messages, render_modal
from bot.adapters.slack.sender import post
from bot.core import Action, Form, Incoming, Reply
from bot.core.host import Core
from bot.core.metrics import ERRORS
from storage.events import first_delivery

log = logging.getLogger(__name__)

ACK_BUDGET = 2.0  # seconds a slash command may think before we ack and answer via response_url
REMEMBERED_ACKS = 64  # recent ack bodies kept for answers that come back as the same Reply
BOT_EVENTS = ("app_mention", "message")  # message arrives as message.im: the manifest subscribes to DMs only
SORRY = Reply("Sorry, something went wrong on my side and nothing was changed. Please try again.")
NOT_INSTALLED = (
    "PMO Bot is not installed in this Slack workspace (or its installation was removed). "
    "Ask a Slack admin to install it again."
)
_ANY = re.compile(r".*", re.DOTALL)  # every action id / callback id: the router decides what is known
_JSON = {"content-type": "application/json;charset=utf-8"}  # Socket Mode reads the body as JSON only with it
_OURS = str(Path(__file__).resolve().parents[2])  # bot/: a traceback through it is our bug, not a bad payload


class _BoltLines(logging.Filter):
    """Bolt logs a traceback for every signed payload it cannot take apart (wrong shapes, missing
    keys) and a page of suggested code for payload types nobody listens to. Those become one
    warning or info line; a failure in our own listener code keeps its traceback and counts as an error."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if error is not None:
            if _raised_in_our_code(error):
                ERRORS.labels("slack").inc()
                return True
            record.msg, record.args, record.exc_info, record.exc_text = BROKEN_PAYLOAD, (), None, None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.error = f"{type(error).__name__}: {error}"[:300]
        elif isinstance(record.msg, str) and "\n" in record.msg:
            record.msg, record.args = record.getMessage().split("\n", 1)[0], ()
        return True


BROKEN_PAYLOAD = "Slack payload Bolt could not handle; dropped"
BOLT_LOG = logging.getLogger("bot.adapters.slack.bolt")  # Bolt's own log lines, through _BoltLines
BOLT_LOG.addFilter(_BoltLines())


class SlackAdapter:
    def __init__(
        self,
        bot: Core,
        client: AsyncWebClient,
        *,
        signing_secret: str,
        authorize: AsyncAuthorize | None = None,
        oauth_settings: AsyncOAuthSettings | None = None,
        installation_store: Any = None,
    ) -> None:
        self.bot = bot
        self.client = client
        self._acks: dict[int, tuple[Reply, str]] = {}
        api = urlsplit(str(client.base_url))
        self._trusted_hooks = ("https://hooks.slack.com/", f"{api.scheme}://{api.netloc}/")
        self.bolt = AsyncApp(
            name="pmo-bot",
            client=client,
            signing_secret=signing_secret,
            process_before_response=True,
            authorize=authorize,
            oauth_settings=oauth_settings,
            installation_store=installation_store,
            installation_store_bot_only=True if installation_store else None,
            user_facing_authorize_error_message=NOT_INSTALLED,
            logger=BOLT_LOG,
        )
        for command in translate.COMMANDS:
            self.bolt.command(command)(self.on_command)
        for event in BOT_EVENTS:
            self.bolt.event(event)(self.on_event)
        self.bolt.block_action({"action_id": _ANY})(self.on_block_action)
        self.bolt.view_submission(_ANY)(self.on_view_submission)

    # ------------------------------------------------------------------------------ plumbing

    async def _handle(self, msg: Incoming) -> Reply | None:
        try:
            return await self.bot.handle(msg)
        except Exception:  # the core catches handler errors; this is storage or the like
            ERRORS.labels("slack").inc()
            log.exception("message handling failed", extra={"workspace": msg.workspace})
            return SORRY

    # ----------------------------------------------------------------------- slash commands

    async def on_command(self, ack, body: dict[str, Any], client: AsyncWebClient) -> BoltResponse | None:
        msg = translate.command_incoming(body)
        task = eager.start(self._handle(msg))  # the usual answer is ready here, without a task
        if not task.done():
            await asyncio.wait((task,), timeout=ACK_BUDGET)
        response_url = _response_url(body)
        if not task.done():  # slow: acknowledge now, answer through response_url when ready
            await ack()
            self.bot.services.later(
                self._command_later(task, msg, client, response_url, _string(body.get("trigger_id")))
            )
            return
        reply = task.result()
        if reply is None:
            await ack()
            return
        trigger = _string(body.get("trigger_id"))
        if reply.form and trigger and await self._open_modal(client, trigger, reply.form, msg, response_url):
            await ack()
            return
        body = self._ack_body(reply, msg.text)
        if body is None:  # more than one message: all of them through the response_url, in order
            await ack()
            self.bot.services.later(self._deliver(reply, msg, client, response_url=response_url, ephemeral=True))
            return
        if reply.files:
            self.bot.services.later(self._upload(client, reply, msg, response_url))
        return BoltResponse(status=200, body=body, headers=_JSON)

    def _ack_body(self, reply: Reply, origin_text: str) -> str | None:
        """The ephemeral answer as JSON (None when it takes several messages), remembered per Reply
        object: a cached answer (the same Reply returned again, such as an area's RACI) is rendered
        and serialised once. Holding the reply keeps its id from passing to another object while
        it is remembered."""
        hit = self._acks.get(id(reply))
        if hit and hit[0] is reply:
            return hit[1]
        messages = self._messages(reply, origin_text)
        body = orjson.dumps({"response_type": "ephemeral", **messages[0]}).decode() if len(messages) == 1 else None
        if not (reply.form or reply.files):  # a form's button depends on the question; files are big
            if len(self._acks) >= REMEMBERED_ACKS:
                del self._acks[next(iter(self._acks))]  # the oldest
            self._acks[id(reply)] = (reply, body)
        return body

    async def _command_later(
        self, task: asyncio.Future, msg: Incoming, client: AsyncWebClient, response_url: str | None, trigger: str | None
    ) -> None:
        reply = await task
        if reply is not None:
            await self._deliver(reply, msg, client, trigger=trigger, response_url=response_url, ephemeral=True)

    # ------------------------------------------------------------------------------- events

    async def on_event(self, ack, body: dict[str, Any], client: AsyncWebClient, context) -> None:
        await ack()  # Slack retries anything not acknowledged within 3 s
        self.bot.services.later(self._answer_event(body, client, context.bot_user_id, context.bot_id))

    async def _answer_event(
        self, body: dict[str, Any], client: AsyncWebClient, bot_user_id: str | None, bot_id: str | None
    ) -> None:
        msg = translate.event_incoming(body, bot_user_id, bot_id)
        if msg is None or not msg.workspace or not msg.channel:
            return
        event_id = body.get("event_id")
        if isinstance(event_id, str) and not await first_delivery(
            self.bot.services.db, translate.PLATFORM, msg.workspace, event_id
        ):
            log.info(
                "Slack event already handled; retry ignored", extra={"event_id": event_id, "workspace": msg.workspace}
            )
            return
        reply = await self._handle(msg)
        if reply is not None:
            await self._deliver(reply, msg, client)

    # ---------------------------------------------------------------------- interactivity

    async def on_block_action(self, ack, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        self.bot.services.later(self._answer_action(body, client))

    async def _answer_action(self, body: dict[str, Any], client: AsyncWebClient) -> None:
        action = translate.block_action(body)
        if action is None or not action.workspace:
            return
        msg: Incoming = action
        if action.action_id == OPEN_FORM_ACTION:
            # Our own "open the form" button: ask the original question again as the person who clicked.
            msg = Incoming(
                platform=action.platform,
                workspace=action.workspace,
                channel=action.channel,
                user=action.user,
                thread=action.thread,
                text=action.value[:4000],
                raw=body,
            )
        reply = await self._handle(msg)
        if reply is None:
            return
        container = body.get("container") if isinstance(body.get("container"), dict) else {}
        response_url = _response_url(body)
        if reply.replace and response_url and await self._replace(reply, response_url):
            return
        await self._deliver(
            reply,
            msg,
            client,
            trigger=_string(body.get("trigger_id")),
            response_url=response_url,
            ephemeral=bool(container.get("is_ephemeral")),
        )

    async def on_view_submission(self, ack, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()  # closes the modal; the answer is posted where the form came from
        self.bot.services.later(self._answer_submission(body, client))

    async def _answer_submission(self, body: dict[str, Any], client: AsyncWebClient) -> None:
        action, meta = translate.view_submission(body)
        if not action.workspace or not action.user:
            return
        reply = await self._handle(action)
        if reply is None:
            return
        response_url = meta.get("r") if isinstance(meta.get("r"), str) else None
        if not action.channel and not response_url:
            action.channel = action.user  # nowhere known: the app's DM with the person
        await self._deliver(reply, action, client, response_url=response_url, ephemeral=bool(response_url))

    # ----------------------------------------------------------------------------- replies

    def _messages(self, reply: Reply, origin_text: str) -> list[dict[str, Any]]:
        extra = []
        if reply.form and origin_text and (button := open_form_button(reply.form, origin_text)):
            extra.append(button)
        return render_messages(reply, extra_buttons=extra)

    async def _deliver(
        self,
        reply: Reply,
        msg: Incoming,
        client: AsyncWebClient,
        *,
        trigger: str | None = None,
        response_url: str | None = None,
        ephemeral: bool = False,
    ) -> None:
        """Open a reply's form as a modal when we can; otherwise post it where the message came from."""
        if (
            reply.form
            and trigger
            and await self._open_modal(client, trigger, reply.form, msg, response_url if ephemeral else None)
        ):
            return
        origin_text = "" if isinstance(msg, Action) else msg.text  # what a "open the form" button re-asks
        if ephemeral and response_url and response_url.startswith(self._trusted_hooks):
            hook = AsyncWebhookClient(response_url)
            for message in self._messages(reply, origin_text):  # at most 5: what a response_url takes
                response = await hook.send_dict({"response_type": "ephemeral", "replace_original": False, **message})
                if response.status_code != 200:
                    log.warning("Slack response_url refused the answer", extra={"status": response.status_code})
                    break
            if reply.files:  # a slow `improve stats` still brings its chart
                await self._upload(client, reply, msg, response_url)
            return
        if not msg.channel:
            return
        extra = [b] if reply.form and origin_text and (b := open_form_button(reply.form, origin_text)) else []
        await post(client, reply, channel=msg.channel, thread=msg.thread, user=msg.user, extra_buttons=extra)
        if reply.files:
            await self._upload(client, reply, msg, response_url)

    async def _upload(self, client: AsyncWebClient, reply: Reply, msg: Incoming, response_url: str | None) -> None:
        """Files (a chart) go to the channel as uploads; a channel the bot isn't in gets a note instead."""
        for file in reply.files:
            try:
                await client.files_upload_v2(
                    channel=msg.channel,
                    thread_ts=msg.thread,
                    content=file.data,
                    filename=file.name,
                    title=file.title or file.name,
                )
            except SlackApiError as exc:
                log.warning("file upload failed", extra={"error": exc.response.get("error")})
                if response_url and response_url.startswith(self._trusted_hooks):
                    await AsyncWebhookClient(response_url).send_dict(
                        {
                            "response_type": "ephemeral",
                            "replace_original": False,
                            "text": "I couldn't post the chart in this channel. "
                            "Invite me here (/invite @PMO Bot) to see it.",
                        }
                    )
                return

    async def _replace(self, reply: Reply, response_url: str) -> bool:
        """Update the message whose button was pressed (e.g. live RSVP counts), and tell the
        presser alone what happened."""
        if not response_url.startswith(self._trusted_hooks):
            return False
        hook = AsyncWebhookClient(response_url)
        response = await hook.send_dict({"replace_original": True, **render_message(reply)})
        if response.status_code != 200:
            log.warning("Slack refused to update the message", extra={"status": response.status_code})
            return False
        if reply.notice:
            await hook.send_dict(
                {"response_type": "ephemeral", "replace_original": False, **render_message(Reply(reply.notice))}
            )
        return True

    async def _open_modal(
        self, client: AsyncWebClient, trigger: str, form: Form, msg: Incoming, response_url: str | None
    ) -> bool:
        meta = {"c": msg.channel, "t": msg.thread, "v": form.value}
        if response_url:
            meta["r"] = response_url
        view = render_modal(form, meta)
        if view is None:
            return False
        try:
            await client.views_open(trigger_id=trigger, view=view)
            return True
        except SlackApiError as exc:  # e.g. expired_trigger_id: fall back to a button in a message
            log.warning("views.open failed", extra={"error": exc.response.get("error")})
            return False


def _string(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _response_url(body: dict[str, Any]) -> str | None:
    """The payload's response_url, if it is one: signed payloads can still carry any JSON there."""
    return _string(body.get("response_url"))


def _raised_in_our_code(error: BaseException) -> bool:
    tb = error.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.startswith(_OURS):
            return True
        tb = tb.tb_next
    return False
