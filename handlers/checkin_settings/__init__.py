"""/checkins, /pause and /resume: when the bot checks in.

The settings live in one message that is edited in place as the person moves
through it: the menu (what is set, in their local time) and screens for times,
days, quiet hours, the weekly summary and pausing. Its buttons say what they
set ("add 08:00", "remove Tuesday"), so they work whenever they are tapped and a
double tap changes nothing twice. The screens that take a typed answer (times,
quiet hours, the summary time) hold a conversation state, so a restart carries
on. Every change is stored at once and the person's next check-in and weekly
summary are planned again.
"""

from handlers.checkin_settings.base import SETTINGS_FLOW_NAME
from handlers.checkin_settings.flow import build_flow

__all__ = ["SETTINGS_FLOW_NAME", "build_flow"]
