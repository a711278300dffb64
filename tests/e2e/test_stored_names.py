"""Names stored in rows and in buttons already sent keep working across releases."""

from __future__ import annotations

from sqlmodel import select

from bot.app import build_flows
from bot.storage.models import Break, Conversation, User
from tests.support.harness import Harness, onboard

USER = 6006

# what rows written by earlier releases hold: flow names and their states
STORED_STATES = {
    "onboarding": {"timezone"},
    "break": {
        "mood_before",
        "difficulty",
        "mindfulness",
        "common_humanity",
        "self_kindness",
        "need",
        "mood_after",
    },
    "mood": {"rating", "note"},
    "checkin": {"note"},
    "checkin_settings": {"times", "quiet", "summary"},
}


def test_flow_and_state_names_still_read_old_rows() -> None:
    flows = {flow.name: set(flow.steps) for flow in build_flows()}
    for name, states in STORED_STATES.items():
        assert name in flows, f"flow {name!r} of stored rows is gone"
        assert states <= flows[name], f"{name}: states {states - flows[name]} are gone"


async def test_a_break_row_and_button_of_an_earlier_release_carry_on(harness: Harness) -> None:
    h = harness
    await onboard(h, USER)
    async with h.session() as session:
        user = (await session.exec(select(User))).one()
        assert user.id is not None
        break_row = Break(user_id=user.id, started_at=h.clock.now(), last_step="mindfulness")
        session.add(break_row)
        await session.flush()
        assert break_row.id is not None
        session.add(
            Conversation(
                user_id=user.id,
                flow="break",
                state="mindfulness",
                ref=break_row.id,
                version=1,
                updated_at=h.clock.now(),
                expires_at=h.clock.advance(seconds=0).replace(year=2030),
            )
        )
        await session.commit()
        break_id = break_row.id
    await h.restart()
    shown = await h.say(USER, "/help")  # any message of ours to hang the old button on
    mark = h.emulator.mark(USER)
    query = h.emulator.press_button(USER, shown.message_id, f"b:next:{break_id}:")
    await h.emulator.wait_callback_answered(query)
    await h.settled()
    # step 2 takes the place of the message the button was on
    (step2,) = [m for m in h.emulator.chat_messages(USER) if m.message_id == shown.message_id]
    assert h.emulator.mark(USER) == mark and "not alone" in (step2.text or "")
    async with h.session() as session:
        conversation = (await session.exec(select(Conversation))).one()
    assert (conversation.flow, conversation.state) == ("break", "common_humanity")
