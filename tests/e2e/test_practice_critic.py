"""/critic and /friend end to end: what the person sees, what is stored, stopping and resuming."""

from __future__ import annotations

from sqlmodel import col, select

from bot.storage.models import Conversation
from bot.storage.practice_models import Phrase, PracticeAnswer, PracticeSession
from tests.support.harness import Harness, onboard

USER = 8108
CRITIC = "You should have prepared more for that meeting, you never finish anything"
KIND = "You are learning, and you care a lot. That matters."


async def _sessions(h: Harness) -> list[PracticeSession]:
    async with h.session() as session:
        query = select(PracticeSession).order_by(col(PracticeSession.id))
        return list((await session.exec(query)).all())


async def _answers(h: Harness) -> dict[str, str]:
    async with h.session() as session:
        return {a.step: a.text for a in (await session.exec(select(PracticeAnswer))).all()}


async def _phrases(h: Harness) -> list[Phrase]:
    async with h.session() as session:
        return list((await session.exec(select(Phrase))).all())


async def _begin(h: Harness, command: str = "/critic") -> None:
    await onboard(h, USER)
    mark = h.emulator.mark(USER)
    h.emulator.send_text(USER, command)
    _intro, ask = await h.replies(USER, 2, after=mark)
    assert "0 to 10" in ask.text
    assert [label for label, _ in h.emulator.buttons(ask)][11:] == ["Skip", "Stop for now"]


async def test_the_inner_critic_from_start_to_end(harness: Harness) -> None:
    h = harness
    await _begin(h)
    (says,) = await h.tap(USER, "3")
    assert "critical voice" in says.text or "hard on yourself" in says.text
    tone = await h.say(USER, CRITIC)
    assert "tone" in tone.text.lower() or "speaks" in tone.text
    protect = await h.say(USER, "the drill sergeant")
    assert "protect" in protect.text or "safe from" in protect.text
    (reply,) = await h.tap(USER, "Skip")
    assert "wise" in reply.text
    mark = h.emulator.mark(USER)
    h.emulator.send_text(USER, KIND)
    both, ask_after = await h.replies(USER, 2, after=mark)
    assert both.text.index(CRITIC) < both.text.index(KIND)  # side by side, critic first
    assert [label for label, _ in h.emulator.buttons(both)] == ["Keep these words in my phrases"]
    assert "how are you feeling now" in ask_after.text

    # the offer to keep the kind reply stays usable while the practice goes on; twice stores once
    for _ in range(2):
        mark = h.emulator.mark(USER)
        data = h.emulator.buttons(both)[0][1]
        query = h.emulator.press_button(USER, both.message_id, data)
        await h.emulator.wait_callback_answered(query)
    (phrase,) = await _phrases(h)
    assert (phrase.text, phrase.source) == (KIND, "critic")

    (closing,) = await h.tap(USER, "5")
    assert "3" in closing.text and "5" in closing.text
    assert "Kristin Neff and Christopher Germer" in closing.text
    assert [label for label, _ in h.emulator.buttons(closing)] == ["Another practice", "Done"]
    (row,) = await _sessions(h)
    assert (row.kind, row.status, row.mood_before, row.mood_after) == ("critic", "completed", 3, 5)
    assert row.finished_at is not None and row.finished_at.tzinfo is not None
    assert await _answers(h) == {"says": CRITIC, "tone": "the drill sergeant", "reply": KIND}
    async with h.session() as session:
        assert (await session.exec(select(Conversation))).all() == []

    (menu,) = await h.tap(USER, "Another practice")
    assert "/kindness" in menu.text and "/critic" in menu.text


async def test_without_a_first_rating_there_is_no_last_one(harness: Harness) -> None:
    h = harness
    await _begin(h, "/friend")
    (ask_friend,) = await h.tap(USER, "Skip")
    assert "friend" in ask_friend.text
    await h.say(USER, "Be gentle with yourself, you did what you could")
    await h.say(USER, "Come on, pull yourself together")
    mark = h.emulator.mark(USER)
    h.emulator.send_text(USER, "I'd be gentler")
    both, closing = await h.replies(USER, 2, after=mark)
    assert "you did what you could" in both.text and "pull yourself together" in both.text
    assert "Another practice" in [label for label, _ in h.emulator.buttons(closing)]
    (bye,) = await h.tap(USER, "Done")
    assert "Take good care" in bye.text
    (row,) = await _sessions(h)
    assert (row.kind, row.status, row.mood_before, row.mood_after) == (
        "friend",
        "completed",
        None,
        None,
    )
    assert set(await _answers(h)) == {"to_friend", "to_self", "change"}


async def test_stop_and_cancel_keep_what_was_written(harness: Harness) -> None:
    h = harness
    await _begin(h)
    await h.tap(USER, "Skip")
    await h.say(USER, CRITIC)
    (stopped,) = await h.tap(USER, "Stop for now")
    assert "kept" in stopped.text or "Stopping" in stopped.text
    mark = h.emulator.mark(USER)
    h.emulator.send_text(USER, "/critic")
    await h.replies(USER, 2, after=mark)
    cancelled = await h.say(USER, "/cancel")
    assert "/practices" in cancelled.text
    first, second = await _sessions(h)
    assert (first.status, second.status) == ("abandoned", "abandoned")
    assert await _answers(h) == {"says": CRITIC}


async def test_a_restart_in_the_middle_carries_on(harness: Harness) -> None:
    h = harness
    await _begin(h)
    await h.tap(USER, "4")
    await h.say(USER, CRITIC)
    await h.restart()
    mark = h.emulator.mark(USER)
    h.emulator.send_text(USER, "/critic")
    again, tone = await h.replies(USER, 2, after=mark)
    assert "middle of this one" in again.text and "tone" in tone.text
    protect = await h.say(USER, "the judge")
    assert "protect" in protect.text or "safe from" in protect.text
    (row,) = await _sessions(h)
    assert row.last_step == "protect" and row.mood_before == 4


async def test_a_double_tap_on_a_step_moves_once(harness: Harness) -> None:
    h = harness
    await _begin(h)
    (says,) = await h.tap(USER, "Skip")
    mark = h.emulator.mark(USER)
    skip = next(data for label, data in h.emulator.buttons(says) if label == "Skip")
    first = h.emulator.press_button(USER, says.message_id, skip)
    await h.emulator.wait_callback_answered(first)
    second = h.emulator.press_button(USER, says.message_id, skip)
    answer = await h.emulator.wait_callback_answered(second)
    assert "earlier step" in (answer.get("text") or "")
    new = [m for m in h.emulator.chat_messages(USER) if m.message_id > mark]
    assert len(new) == 1 and ("tone" in new[0].text.lower() or "speaks" in new[0].text)
    async with h.session() as session:
        conversation = (await session.exec(select(Conversation))).one()
    assert conversation.state == "tone"


async def test_a_pause_for_safety_in_the_critic_resumes_at_the_same_step(harness: Harness) -> None:
    h = harness
    await _begin(h)
    await h.tap(USER, "4")
    tone = await h.say(USER, CRITIC)
    assert "tone" in tone.text.lower() or "speaks" in tone.text
    question = await h.say(USER, "everyone would be better off if I just disappeared for good")
    assert question.text.endswith("Are you safe right now?")
    async with h.session() as session:
        paused = (await session.exec(select(Conversation))).one()
    assert (paused.flow, paused.state, paused.paused_by is not None) == ("critic", "tone", True)
    assert "tone" not in await _answers(h)  # held, not yet stored
    mark = h.emulator.mark(USER)
    query = h.emulator.press(USER, "I'm okay, let's go on")
    await h.emulator.wait_callback_answered(query)
    okay, *rest = await h.replies(USER, 2, after=mark)
    assert "/sos" in okay.text
    protect = rest[-1]
    assert "protect" in protect.text or "safe from" in protect.text  # the step after "tone"
    answers = await _answers(h)
    assert answers["says"] == CRITIC and "disappeared" in answers["tone"]
    async with h.session() as session:
        resumed = (await session.exec(select(Conversation))).one()
    assert (resumed.state, resumed.paused_by) == ("protect", None)
    (reply,) = await h.tap(USER, "Skip")  # and the practice goes on from there
    assert "wise" in reply.text
