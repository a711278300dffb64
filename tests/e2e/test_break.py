"""/break end to end: what the person sees and what is stored."""

from __future__ import annotations

from sqlmodel import col, select

from bot.storage.models import Break, BreakStatus, Conversation, MoodRating
from tests.support.harness import Harness, onboard

USER = 2002


async def _breaks(h: Harness) -> list[Break]:
    async with h.session() as session:
        return list((await session.exec(select(Break).order_by(col(Break.id)))).all())


async def _ratings(h: Harness) -> list[MoodRating]:
    async with h.session() as session:
        return list((await session.exec(select(MoodRating).order_by(col(MoodRating.id)))).all())


async def _begin(h: Harness) -> None:
    await onboard(h, USER)
    mark = h.emulator.mark(USER)
    h.emulator.send_text(USER, "/break")
    intro, ask = await h.replies(USER, 2, after=mark)
    assert "0 😞" in ask.text and "10 😊" in ask.text
    assert [label for label, _ in h.emulator.buttons(ask)][:11] == [str(n) for n in range(11)]


async def test_complete_break_stores_before_and_after(harness: Harness) -> None:
    h = harness
    await _begin(h)
    (ask_difficulty,) = await h.tap(USER, "3")
    assert "weighing on you" in ask_difficulty.text
    mark = h.emulator.mark(USER)
    h.emulator.send_text(USER, "A hard talk with my manager")
    thanks, step1 = await h.replies(USER, 2, after=mark)
    assert (
        "moment of suffering" in step1.text
        or "This is hard" in step1.text
        or "painful moment" in step1.text
    )
    # steps 1 to 3 turn like pages: each takes the place of the one before, buttons and all
    step2 = await h.tap_in_place(USER, "Next")
    assert step2.message_id == step1.message_id and "not alone" in step2.text
    assert [label for label, _ in h.emulator.buttons(step2)] == ["Next →", "Stop for now"]
    step3 = await h.tap_in_place(USER, "Next")
    assert step3.message_id == step1.message_id
    assert "Kindness" in step3.text and ("hand" in step3.text)
    # the kindness step stays on screen while they write what they need to hear
    (ask_need,) = await h.tap(USER, "Next")
    assert "need to hear" in ask_need.text
    kept = next(m for m in h.emulator.chat_messages(USER) if m.message_id == step1.message_id)
    assert kept.text == step3.text and h.emulator.buttons(kept) == []
    mark = h.emulator.mark(USER)
    h.emulator.send_text(USER, "You are doing your best")
    _thanks, ask_after = await h.replies(USER, 2, after=mark)
    assert "how are you feeling" in ask_after.text.lower()
    (closing,) = await h.tap(USER, "6")
    assert "3" in closing.text and "6" in closing.text

    (break_row,) = await _breaks(h)
    assert break_row.status == BreakStatus.COMPLETED
    assert (break_row.mood_before, break_row.mood_after) == (3, 6)
    assert break_row.difficulty == "A hard talk with my manager"
    assert break_row.need == "You are doing your best"
    assert break_row.steps_reached == 7
    assert break_row.ended_at is not None and break_row.ended_at.tzinfo is not None
    ratings = await _ratings(h)
    assert [(r.kind, r.value, r.break_id) for r in ratings] == [
        ("break_before", 3, break_row.id),
        ("break_after", 6, break_row.id),
    ]
    assert ratings[0].rated_at == h.clock.now()
    async with h.session() as session:
        assert (await session.exec(select(Conversation))).all() == []


async def test_skips_and_typed_numbers(harness: Harness) -> None:
    h = harness
    await _begin(h)
    ask_difficulty = await h.say(USER, "7/10")  # typed rating
    # a skipped question gives its place to what comes next
    step1 = await h.tap_in_place(USER, "Skip")
    assert step1.message_id == ask_difficulty.message_id and "Step 1" in step1.text
    await h.tap_in_place(USER, "Next")
    await h.tap_in_place(USER, "Next")
    (ask_need,) = await h.tap(USER, "Next")
    ask_after = await h.tap_in_place(USER, "Skip")
    assert ask_after.message_id == ask_need.message_id
    assert "how are you feeling" in ask_after.text.lower()
    reply = await h.say(USER, "eleven")
    assert "0 to 10" in reply.text
    closing = await h.tap_in_place(USER, "Skip")
    assert closing.message_id == ask_need.message_id
    assert "/break" in closing.text or "Thank you" in closing.text
    assert [label for label, _ in h.emulator.buttons(closing)] != []
    (break_row,) = await _breaks(h)
    assert (break_row.mood_before, break_row.mood_after, break_row.status) == (
        7,
        None,
        BreakStatus.COMPLETED,
    )
    assert break_row.difficulty is None and break_row.need is None


async def test_lower_mood_is_normalised_with_grounding(harness: Harness) -> None:
    h = harness
    await _begin(h)
    await h.tap(USER, "6")
    await h.tap_in_place(USER, "Skip")
    for _ in range(2):
        await h.tap_in_place(USER, "Next")
    await h.tap(USER, "Next")
    await h.tap_in_place(USER, "Skip")
    closing, offer = await h.tap(USER, "4", expect=2)
    assert "normal" in closing.text or "human" in closing.text
    assert "May I" not in closing.text  # no more phrases pushed
    (grounding,) = await h.tap(USER, "Something grounding")
    assert "feet" in grounding.text and "/sos" in grounding.text


async def test_stop_button_and_cancel_keep_what_was_done(harness: Harness) -> None:
    h = harness
    await _begin(h)
    await h.tap(USER, "5")
    step1 = await h.tap_in_place(USER, "Skip")
    (stopped,) = await h.tap(USER, "Stop for now")
    kept = next(m for m in h.emulator.chat_messages(USER) if m.message_id == step1.message_id)
    assert kept.text == step1.text and h.emulator.buttons(kept) == []  # what they read stays
    assert "/break" in stopped.text
    (break_row,) = await _breaks(h)
    assert break_row.status == BreakStatus.ABANDONED and break_row.mood_before == 5
    assert break_row.last_step == "mindfulness" and break_row.steps_reached == 3

    mark = h.emulator.mark(USER)
    h.emulator.send_text(USER, "/break")
    await h.replies(USER, 2, after=mark)
    reply = await h.say(USER, "/cancel")
    assert "leave it for now" in reply.text  # nothing was done yet, so nothing "saved"
    first, second = await _breaks(h)
    assert second.status == BreakStatus.ABANDONED and second.steps_reached == 0
    reply = await h.say(USER, "/cancel")
    assert "nothing to stop" in reply.text


async def test_abandoned_break_times_out_quietly(harness: Harness) -> None:
    h = harness
    await _begin(h)
    await h.tap(USER, "4")
    h.clock.advance(minutes=h.settings.conversation_timeout_minutes + 1)
    sent_before = len(h.emulator.chat_messages(USER))
    await h.run_job("expire-conversations")
    (break_row,) = await _breaks(h)
    assert break_row.status == BreakStatus.ABANDONED and break_row.mood_before == 4
    assert len(h.emulator.chat_messages(USER)) == sent_before  # quietly
    # an old button from that break is now stale and changes nothing
    query = h.emulator.press(USER, "Skip")
    answer = await h.emulator.wait_callback_answered(query)
    assert "earlier" in answer.get("text", "")
    assert len(await _ratings(h)) == 1


async def test_restart_mid_break_resumes(harness: Harness) -> None:
    h = harness
    await _begin(h)
    await h.tap(USER, "2")
    await h.tap_in_place(USER, "Skip")  # now at step 1
    await h.restart()
    step2 = await h.tap_in_place(USER, "Next")  # the button from before the restart
    assert "not alone" in step2.text
    h.clock.advance(minutes=5)
    step3 = await h.tap_in_place(USER, "Next")
    assert "Kindness" in step3.text
    (break_row,) = await _breaks(h)
    assert break_row.status == BreakStatus.IN_PROGRESS and break_row.last_step == "self_kindness"


async def test_double_tap_stores_once(harness: Harness) -> None:
    h = harness
    await _begin(h)
    ask = h.emulator.last_message(USER)
    data = dict(h.emulator.buttons(ask))["5"]
    first = h.emulator.press_button(USER, ask.message_id, data)
    second = h.emulator.press_button(USER, ask.message_id, data)
    await h.emulator.wait_callback_answered(first)
    answer = await h.emulator.wait_callback_answered(second)
    assert "earlier step" in answer.get("text", "")
    ratings = await _ratings(h)
    assert [(r.kind, r.value) for r in ratings] == [("break_before", 5)]


async def test_new_break_while_one_is_open_continues_it(harness: Harness) -> None:
    h = harness
    await _begin(h)
    await h.tap(USER, "5")
    mark = h.emulator.mark(USER)
    h.emulator.send_text(USER, "/break")
    notice, again = await h.replies(USER, 2, after=mark)
    assert "already" in notice.text and "weighing" in again.text
    assert len(await _breaks(h)) == 1


async def test_breaks_vary_their_wording(harness: Harness) -> None:
    h = harness
    await onboard(h, USER)
    seen: set[str] = set()
    for _ in range(6):
        mark = h.emulator.mark(USER)
        h.emulator.send_text(USER, "/break")
        await h.replies(USER, 2, after=mark)
        await h.tap_in_place(USER, "Skip")
        step1 = await h.tap_in_place(USER, "Skip")
        seen.add(step1.text)
        await h.tap(USER, "Stop for now")
        h.clock.advance(seconds=1)
    assert len(seen) == 3  # every wording of step 1 came up
    assert len(await _breaks(h)) == 6


async def test_a_step_that_cannot_take_the_old_ones_place_is_sent(harness: Harness) -> None:
    h = harness
    await _begin(h)
    await h.tap(USER, "3")
    step1 = await h.tap_in_place(USER, "Skip")
    # the message is gone or can no longer be edited: the next step still reaches them
    h.emulator.fail_next(
        "editMessageText",
        chat_id=USER,
        error_code=400,
        description="Bad Request: message to edit not found",
    )
    (step2,) = await h.tap(USER, "Next")
    assert step2.message_id != step1.message_id and "not alone" in step2.text
    # the old step's button is stale now: it gets the kind notice and changes nothing
    query = h.emulator.press_button(
        USER, step1.message_id, dict(h.emulator.buttons(step1))["Next →"]
    )
    answer = await h.emulator.wait_callback_answered(query)
    assert "earlier" in answer.get("text", "")
    (break_row,) = await _breaks(h)
    assert break_row.last_step == "common_humanity"
