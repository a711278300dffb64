"""/share: a link that opens the bot with a colleague's welcome, and the practice card."""

from __future__ import annotations

import io

from PIL import Image
from sqlmodel import select

from bot.storage.models import User
from bot.ui.practice_card import CARD_SIZE
from tests.support.harness import Harness, onboard

THERAPIST = 9339
CLIENT = 9440


async def test_share_gives_a_link_that_tells_the_inviter_nothing(harness: Harness) -> None:
    h = harness
    await onboard(h, THERAPIST)
    mark = h.emulator.mark(THERAPIST)
    h.emulator.send_text(THERAPIST, "/share")
    invite, intro, card = await h.replies(THERAPIST, 3, after=mark)
    link = f"https://t.me/{h.emulator.bot_username}?start=colleague"
    assert link in invite.text
    assert "won't learn anything about who uses it" in invite.text
    assert "card" in intro.text
    assert card.photo is not None
    with Image.open(io.BytesIO(card.photo)) as image:
        assert image.format == "PNG" and image.size == CARD_SIZE
    caption = card.text or ""
    assert "1. Notice" in caption and "2. You're not alone" in caption and "3. Kindness" in caption
    assert "Kristin Neff" in caption

    # the colleague opens the link: one line of welcome, then the usual consent
    h.emulator.add_user(CLIENT, first_name="Alex")
    mark = h.emulator.mark(CLIENT)
    h.emulator.send_text(CLIENT, "/start colleague")
    welcome, consent = await h.replies(CLIENT, 2, after=mark)
    assert "A colleague thought this might help you" in welcome.text
    assert "won't know" in welcome.text
    assert "your data" in consent.text
    async with h.session() as session:
        users = (await session.exec(select(User))).all()
    assert [u.telegram_id for u in users] == [THERAPIST]  # nothing stored before "I agree"
    _thanks, *_welcome = await h.tap(CLIENT, "I agree", expect=3)
    # and the therapist hears nothing of it
    assert h.emulator.mark(THERAPIST) == card.message_id


async def test_a_plain_start_has_no_colleague_welcome(harness: Harness) -> None:
    h = harness
    h.emulator.add_user(CLIENT)
    consent = await h.say(CLIENT, "/start")
    assert "your data" in consent.text and "colleague" not in consent.text
