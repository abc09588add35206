"""The neutral contract between adapters, features and the assembly: messages in, replies out,
the router, and the ports features use (outbox, jobs, clock, settings, database)."""

from bot.core.messages import Action, ConversationRef, Incoming, Mention
from bot.core.replies import MAX_VALUE, Attachment, Button, Field, Form, Input, Reply, Section

__all__ = [
    "MAX_VALUE",
    "Action",
    "Attachment",
    "Button",
    "ConversationRef",
    "Field",
    "Form",
    "Incoming",
    "Input",
    "Mention",
    "Reply",
    "Section",
]
