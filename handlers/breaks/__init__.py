"""/break: the guided self-compassion break (after Kristin Neff), mood before and after."""

from handlers.breaks.flow import build_flow
from handlers.breaks.steps import BREAK_FLOW_NAME

__all__ = ["BREAK_FLOW_NAME", "build_flow"]
