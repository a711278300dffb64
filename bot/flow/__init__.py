"""Guided conversations: the flow spec, the per-update turn, and the router that reads state."""

from bot.flow.expiry import expire_conversations
from bot.flow.router import FlowRouter
from bot.flow.spec import (
    ConversationMoved,
    DangerFn,
    ExpireFn,
    FlowSpec,
    ResendFn,
    Step,
    StepFn,
)
from bot.flow.turn import END, KEEP, MAX_TEXT, Turn

__all__ = [
    "END",
    "KEEP",
    "MAX_TEXT",
    "ConversationMoved",
    "DangerFn",
    "ExpireFn",
    "FlowRouter",
    "FlowSpec",
    "ResendFn",
    "Step",
    "StepFn",
    "Turn",
    "expire_conversations",
]
