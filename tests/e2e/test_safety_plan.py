"""/safetyplan end to end: made step by step, changed later, shown by /sos."""

from __future__ import annotations

from sqlmodel import select

from bot.storage.models import Conversation, SafetyPlan
from tests.support.harness import Harness, onboard

USER = 5005


async def _plan(h: Harness) -> SafetyPlan | None:
    async with h.session() as session:
        return (await session.exec(select(SafetyPlan))).first()


async def test_make_change_and_see_the_plan_in_sos(harness: Harness) -> None:
    h = harness
    await onboard(h, USER)
    mark = h.emulator.mark(USER)
    h.emulator.send_text(USER, "/safetyplan")
    intro, first = await h.replies(USER, 2, after=mark)
    assert "Stanley and Brown" in intro.text
    assert first.text.startswith("1 of 7 · Warning signs")
    assert [label for label, _ in h.emulator.buttons(first)] == ["Skip", "Stop for now"]

    second = await h.say(USER, "not sleeping, cancelling plans")
    assert second.text.startswith("2 of 7")
    for number in range(3, 8):  # skip parts 2 to 6
        (question,) = await h.tap(USER, "Skip")
        assert question.text.startswith(f"{number} of 7")
    mark = h.emulator.mark(USER)
    h.emulator.send_text(USER, "my niece, and the sea in summer")
    finished, shown = await h.replies(USER, 2, after=mark)
    assert "saved" in finished.text
    assert "Warning signs\nnot sleeping, cancelling plans" in shown.text
    assert "My reasons for living\nmy niece, and the sea in summer" in shown.text
    assert "People I can ask for help" not in shown.text  # skipped parts are left out
    plan = await _plan(h)
    assert plan is not None and plan.people is None and plan.coping is None
    assert plan.reasons == "my niece, and the sea in summer"
    async with h.session() as session:
        assert (await session.exec(select(Conversation))).all() == []

    (parts,) = await h.tap(USER, "Change a part")
    (ask,) = await h.tap(USER, "People I can ask for help")
    assert ask.text.startswith("4 of 7")
    mark = h.emulator.mark(USER)
    h.emulator.send_text(USER, "Jo 0176 000000")
    saved, shown = await h.replies(USER, 2, after=mark)
    assert "People I can ask for help\nJo 0176 000000" in shown.text
    assert (await _plan(h)).people == "Jo 0176 000000"  # type: ignore[union-attr]

    mark = h.emulator.mark(USER)
    h.emulator.send_text(USER, "/sos")
    lines, plan_message = await h.replies(USER, 2, after=mark)
    assert "112" in lines.text
    assert plan_message.text.startswith("Your safety plan")
    assert "Jo 0176 000000" in plan_message.text


async def test_stopping_half_way_keeps_what_was_written(harness: Harness) -> None:
    h = harness
    await onboard(h, USER)
    mark = h.emulator.mark(USER)
    h.emulator.send_text(USER, "/safetyplan")
    await h.replies(USER, 2, after=mark)
    await h.say(USER, "feeling numb")
    (stopped,) = await h.tap(USER, "Stop")
    assert "saved" in stopped.text
    assert (await _plan(h)).warning_signs == "feeling numb"  # type: ignore[union-attr]
    shown = await h.say(USER, "/safetyplan")  # made already: shown, with a way to change it
    assert "feeling numb" in shown.text
    assert [label for label, _ in h.emulator.buttons(shown)] == ["Change a part", "Done"]


async def test_a_safety_plan_offered_after_struggling(harness: Harness) -> None:
    h = harness
    await onboard(h, USER)
    await h.say(USER, "i keep thinking about killing myself")
    _support, _after = await h.tap(USER, "I'm struggling, but safe for now", expect=2)
    intro, first = await h.tap(USER, "Make a safety plan", expect=2)
    assert "safety plan" in intro.text and first.text.startswith("1 of 7")
