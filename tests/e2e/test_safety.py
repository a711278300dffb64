"""Danger in a person's words, end to end: what they are shown, what is stored, what is logged."""

from __future__ import annotations

import logging
from dataclasses import replace

import pytest
from sqlmodel import col, select

from bot.app import build_flows
from bot.core.crisis_screen import screen_text
from bot.logs import configure_logging
from bot.storage import safety as safety_store
from bot.storage.models import Break, Conversation, ScreenHit, User
from tests.support.harness import Harness, onboard

USER = 4004
URGENT_SELF = "i took all my sleeping pills an hour ago"
URGENT_OTHERS = "he said he will kill me when he gets home"
CONCERN = "everyone would be better off if I just disappeared for good"
CONCERN_TOO = "honestly i dont see the point in going on anymore"
ANSWERS = ["I'm in danger", "I'm struggling, but safe for now", "I'm okay, let's go on"]


async def _hits(h: Harness) -> list[ScreenHit]:
    async with h.session() as session:
        return list((await session.exec(select(ScreenHit).order_by(col(ScreenHit.id)))).all())


async def _conversation(h: Harness) -> Conversation | None:
    async with h.session() as session:
        return (await session.exec(select(Conversation))).first()


async def test_urgent_words_get_the_emergency_number_first(harness: Harness) -> None:
    h = harness
    await onboard(h, USER)  # Berlin: Germany
    reply = await h.say(USER, URGENT_SELF)
    assert reply.text.startswith("Please call 112 now")
    assert "Telefonseelsorge" in reply.text or "TelefonSeelsorge" in reply.text
    assert "not an emergency service" in reply.text
    assert h.emulator.buttons(reply) == []  # nothing scripted on top
    (hit,) = await _hits(h)
    assert (hit.level, hit.place, hit.held_text) == ("urgent", "free_text", None)
    assert "attempt" in hit.categories


async def test_danger_from_another_person_gets_violence_lines(harness: Harness) -> None:
    h = harness
    await onboard(h, USER)
    reply = await h.say(USER, URGENT_OTHERS)
    assert reply.text.startswith("You deserve to be safe")
    assert reply.text.index("112") < reply.text.index("116 016")  # Hilfetelefon after 112
    assert "call log" in reply.text
    (hit,) = await _hits(h)
    assert hit.level == "urgent"


async def test_concern_in_a_break_pauses_it_and_resumes_at_the_same_step(harness: Harness) -> None:
    h = harness
    await onboard(h, USER)
    mark = h.emulator.mark(USER)
    h.emulator.send_text(USER, "/break")
    await h.replies(USER, 2, after=mark)
    (ask_difficulty,) = await h.tap(USER, "3")
    assert "weighing on you" in ask_difficulty.text

    question = await h.say(USER, CONCERN)
    assert question.text.endswith("Are you safe right now?")
    assert "112" in question.text
    assert [label for label, _ in h.emulator.buttons(question)] == ANSWERS
    paused = await _conversation(h)
    assert paused is not None and (paused.flow, paused.state) == ("break", "difficulty")
    assert paused.paused_by is not None

    # while paused, other words do not move the break on
    again = await h.say(USER, "hello?")
    assert "are you safe right now?" in again.text
    assert (await _conversation(h)).state == "difficulty"  # type: ignore[union-attr]

    okay, thanks, step1 = await h.tap(USER, "I'm okay, let's go on", expect=3)
    assert "/sos" in okay.text
    assert "Step 1" in step1.text
    async with h.session() as session:
        (break_row,) = (await session.exec(select(Break))).all()
    assert break_row.mood_before == 3 and break_row.difficulty == CONCERN
    resumed = await _conversation(h)
    assert resumed is not None and resumed.state == "mindfulness" and resumed.paused_by is None
    hits = await _hits(h)
    assert [(x.level, x.place, x.answer) for x in hits] == [("concern", "break.difficulty", "okay")]
    assert hits[0].held_text is None  # handed back to the break, not kept twice


async def test_words_only_the_model_reads_as_danger_get_a_gentle_check_in(
    harness: Harness,
) -> None:
    h = harness
    await onboard(h, USER)
    indirect = "my mums meds are in the bathroom cabinet and i've been counting them"
    assert screen_text(indirect).indirect  # no listed wording: the learned model saw it
    checking = await h.say(USER, indirect)
    assert "check in with you" in checking.text and "painful" not in checking.text
    assert checking.text.endswith("Are you safe right now?") and "112" in checking.text
    assert [label for label, _ in h.emulator.buttons(checking)] == ANSWERS
    await h.tap(USER, "I'm okay, let's go on")
    h.clock.advance(minutes=30)  # past the short reminder's window
    assert not screen_text(CONCERN).indirect
    warm = await h.say(USER, CONCERN)  # listed wording: the warm word names what was heard
    assert "check in with you" not in warm.text
    assert warm.text.endswith("Are you safe right now?")


async def test_struggling_shows_lines_grounding_and_the_way_back(harness: Harness) -> None:
    h = harness
    await onboard(h, USER)
    mark = h.emulator.mark(USER)
    h.emulator.send_text(USER, "/break")
    await h.replies(USER, 2, after=mark)
    await h.tap_in_place(USER, "Skip")
    await h.say(USER, CONCERN_TOO)
    support, grounding = await h.tap(USER, "I'm struggling, but safe for now", expect=2)
    assert "talk" in support.text and "112" in support.text
    assert "5 things you can see" in grounding.text
    labels = [label for label, _ in h.emulator.buttons(grounding)]
    assert labels == ["Make a safety plan", "Go back to where we were"]
    _thanks, step1 = await h.tap(USER, "Go back to where we were", expect=2)
    assert "Step 1" in step1.text
    (hit,) = await _hits(h)
    assert hit.answer == "struggling"


async def test_im_in_danger_shows_the_emergency_number_first(harness: Harness) -> None:
    h = harness
    await onboard(h, USER)
    await h.say(USER, CONCERN)
    (danger,) = await h.tap(USER, "I'm in danger")
    assert danger.text.startswith("Please call 112 now")
    (hit,) = await _hits(h)
    assert hit.answer == "danger"


async def test_sos_before_onboarding_gives_the_international_fallback(harness: Harness) -> None:
    h = harness
    h.emulator.add_user(USER)
    reply = await h.say(USER, "/sos")
    assert "your local emergency number" in reply.text
    assert "findahelpline.com" in reply.text.lower() or "https://" in reply.text
    urgent = await h.say(USER, "/urgent")
    assert urgent.text == reply.text
    async with h.session() as session:  # before consent, nothing is stored
        assert (await session.exec(select(User))).all() == []


async def test_a_repeated_concern_gets_a_short_reminder(harness: Harness) -> None:
    h = harness
    await onboard(h, USER)
    first = await h.say(USER, CONCERN)
    second = await h.say(USER, CONCERN_TOO)
    assert second.text == "I'm still here with you. Are you safe right now?"
    assert len(second.text) < len(first.text)
    assert [label for label, _ in h.emulator.buttons(second)] == ANSWERS
    h.clock.advance(minutes=30)
    third = await h.say(USER, CONCERN)
    assert len(third.text) > len(second.text)


async def test_urgent_words_are_always_answered_in_full(harness: Harness) -> None:
    h = harness
    await onboard(h, USER)
    first = await h.say(USER, URGENT_SELF)
    second = await h.say(USER, URGENT_SELF)
    assert first.text == second.text and first.text.startswith("Please call 112")


async def test_captions_and_edited_messages_are_screened(harness: Harness) -> None:
    h = harness
    await onboard(h, USER)
    mark = h.emulator.mark(USER)
    h.emulator.send_photo(USER, caption=CONCERN)
    (reply,) = await h.replies(USER, 1, after=mark)
    assert reply.text.endswith("Are you safe right now?")
    h.clock.advance(minutes=30)
    update = h.emulator.send_text(USER, "fine, just tired")
    await h.replies(USER, 1, after=reply.message_id)
    mark = h.emulator.mark(USER)
    h.emulator.edit_text(USER, update["message"]["message_id"], URGENT_SELF)
    (edited,) = await h.replies(USER, 1, after=mark)
    assert edited.text.startswith("Please call 112")
    assert [x.place for x in await _hits(h)] == ["free_text", "edited"]


async def test_another_persons_answer_button_changes_nothing(harness: Harness) -> None:
    h = harness
    await onboard(h, USER)
    question = await h.say(USER, CONCERN)
    ((_, data), *_rest) = h.emulator.buttons(question)
    other = USER + 1
    await onboard(h, other)
    own = await h.say(other, "/help")
    query = h.emulator.press_button(other, own.message_id, data)
    answer = await h.emulator.wait_callback_answered(query)
    assert "couldn't read that button" in answer["text"]
    assert [m for m in h.emulator.chat_messages(other) if m.message_id > own.message_id] == []
    (hit,) = await _hits(h)
    assert hit.answer is None


async def test_the_command_menu_lists_sos_urgent_and_safetyplan(harness: Harness) -> None:
    names = [c["command"] for c in harness.emulator.commands()]
    assert {"sos", "urgent", "safetyplan"} <= set(names)
    assert names.index("sos") < names.index("urgent")


async def test_screened_words_never_reach_the_logs(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    h = harness
    await onboard(h, USER)
    levels = {name: logging.getLogger(name).level for name in ("telegram", "httpx", "apscheduler")}
    try:
        configure_logging(replace(h.settings, log_level="DEBUG"))
        with caplog.at_level(logging.DEBUG):
            await h.say(USER, CONCERN)
            await h.say(USER, URGENT_SELF)
    finally:
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "screen hit: level=concern" in logged and "screen hit: level=urgent" in logged
    assert "disappeared" not in logged and "sleeping pills" not in logged


def _text_steps() -> list[tuple[str, str]]:
    return [
        (flow.name, state)
        for flow in build_flows()
        for state, step in flow.steps.items()
        if step.on_text is not None
    ]


@pytest.mark.parametrize("words", [CONCERN, URGENT_SELF], ids=["concern", "urgent"])
@pytest.mark.parametrize(("flow", "state"), _text_steps())
async def test_every_text_step_is_screened(
    harness: Harness, flow: str, state: str, words: str
) -> None:
    h = harness
    await onboard(h, USER)
    async with h.session() as session:
        user = (await session.exec(select(User))).one()
        assert user.id is not None
        session.add(
            Conversation(
                user_id=user.id,
                flow=flow,
                state=state,
                ref=0,
                version=1,
                updated_at=h.clock.now(),
                expires_at=h.clock.advance(seconds=0).replace(year=2030),
            )
        )
        await session.commit()
    answer = await h.say(USER, words)
    if words == CONCERN:
        assert answer.text.endswith("Are you safe right now?")
    else:
        assert answer.text.startswith("Please call 112 now")
    held = await _conversation(h)
    assert held is not None and (held.flow, held.state) == (flow, state)
    assert held.paused_by is not None
    (hit,) = await _hits(h)
    assert hit.place == f"{flow}.{state}" and hit.held_text == words


async def test_hit_counts_by_level_and_category_for_the_persons_export(harness: Harness) -> None:
    h = harness
    await onboard(h, USER)
    await h.say(USER, CONCERN)
    await h.say(USER, URGENT_SELF)
    async with h.session() as session:
        user = (await session.exec(select(User))).one()
        counts = await safety_store.hit_counts(session, user_id=user.id or 0)
    assert counts["levels"] == {"concern": 1, "urgent": 1}
    assert counts["categories"]["attempt"] == 1
    assert sum(counts["categories"].values()) >= 2
