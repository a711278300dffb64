"""Guided conversations: the flow spec, the exchange (one update and its answer), and the router that reads state."""

from bot.flow.exchange import FINISHED, MAX_TEXT, UNCHANGED, Exchange
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

__all__ = [
    "FINISHED",
    "MAX_TEXT",
    "UNCHANGED",
    "ConversationMoved",
    "DangerFn",
    "Exchange",
    "ExpireFn",
    "FlowRouter",
    "FlowSpec",
    "ResendFn",
    "Step",
    "StepFn",
    "expire_conversations",
]
