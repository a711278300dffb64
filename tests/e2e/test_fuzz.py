"""Random and malformed updates fed to the running bot (hypothesis, derandomised).

Hypothesis draws the cases (it cannot drive a coroutine inside a running event loop);
each is then sent to the one bot that runs for the whole test, as Telegram would send
it, and after each the bot must still be alive: nothing unhandled in the logs, every
button press answered, nothing invalid stored. The number of cases is bounded so CI
stays fast and, derandomised, always runs the same ones.
"""

from __future__ import annotations

import itertools
import logging
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.choices import FEELING_TAGS
from bot.storage.erasure import erase_user
from bot.ui import callbacks
from tests.support.driver import Driver
from tests.support.harness import Harness, onboard

KNOWN = 6201  # onboarded, in the middle of things
FRESH = 6202  # registered with the emulator, never said /start
DELETED = 6203  # onboarded, then erased
UNKNOWN = 6204  # never said /start, no language, an odd name
PEOPLE = (KNOWN, FRESH, DELETED, UNKNOWN)

# one settings profile: bounded, deterministic, no deadline (a bot round trip varies)
FUZZ = settings(
    max_examples=50,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

_message_ids = itertools.count(10_000)
_query_ids = itertools.count(900_000)


def draw(**strategies: st.SearchStrategy[Any]) -> list[dict[str, Any]]:
    """The cases hypothesis generates for ``strategies``, in order."""
    drawn: list[dict[str, Any]] = []

    @FUZZ
    @given(st.fixed_dictionaries(strategies))
    def collect(case: dict[str, Any]) -> None:
        drawn.append(case)

    collect()
    return drawn


texts = st.one_of(
    st.text(max_size=64),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=4000, max_size=4096),
    st.sampled_from(["", " ", "\u200b", "\u202e/break", "/mood 11", "/mood -1 x", "/mood 10 🙂"]),
    st.sampled_from(["/break", "/mood", "/start", "/cancel", "/phrases", "/safetyplan", "5"]),
    st.from_regex(r"/[a-z]{1,8}(@[A-Za-z_]{1,12})?( .{0,20})?", fullmatch=True),
)


def _flows_data() -> st.SearchStrategy[str]:
    """Callback data this bot could have made, with any ref, value and state."""
    pairs = [(p.value, a) for p, actions in callbacks.ACTIONS.items() for a in sorted(actions)]
    return st.builds(
        lambda pair, ref, value, state: f"{pair[0]}:{pair[1]}:{ref}:{value}{state}",
        st.sampled_from(pairs),
        st.one_of(st.integers(0, 40), st.integers(0, 10**18 - 1)),
        st.from_regex(r"[A-Za-z0-9_./-]{0,12}", fullmatch=True),
        st.sampled_from(["", ":mood_before", ":tags", ":rating", ":x", ":difficulty"]),
    )


callback_data = st.one_of(
    _flows_data(),
    st.text(max_size=80),
    st.binary(max_size=70).map(lambda b: b.decode("latin-1")),
    st.from_regex(r"[a-z]:[a-z]{0,14}:-?[0-9]{0,20}:.{0,40}", fullmatch=True),
)


ODD_NAME = "\u202e\u0000Zoë 🙂" * 10


def _person(user_id: int) -> dict[str, Any]:
    if user_id == UNKNOWN:
        return {"id": user_id, "is_bot": False, "first_name": ODD_NAME}
    return {"id": user_id, "is_bot": False, "first_name": "Fuzz", "language_code": "en"}


def _message(user_id: int, extra: dict[str, Any], drop: frozenset[str]) -> dict[str, Any]:
    message: dict[str, Any] = {
        "message_id": next(_message_ids),
        "from": _person(user_id),
        "chat": {"id": user_id, "type": "private", "first_name": "Fuzz"},
        "date": 1_790_000_000,
        **extra,
    }
    return {k: v for k, v in message.items() if k not in drop}


unknown_fields = st.dictionaries(
    st.from_regex(r"zz_[a-z]{1,8}", fullmatch=True),
    st.one_of(st.none(), st.integers(), st.text(max_size=8), st.lists(st.integers(), max_size=3)),
    max_size=3,
)
# optional fields only: Telegram always sends the required ones (a message without its
# "date" makes python-telegram-bot refuse the whole getUpdates batch, again and again)
droppable = st.frozensets(st.sampled_from(["from", "text"]), max_size=2)


async def _setup(h: Harness) -> Driver:
    d = Driver(h)
    for user_id in (KNOWN, DELETED):
        await onboard(h, user_id)
    h.emulator.add_user(FRESH)
    h.emulator.add_user(UNKNOWN, first_name=ODD_NAME, language_code=None)
    await d.run(KNOWN, ["/break", "> 4"])
    async with h.session() as session:
        query = sa.text("SELECT id FROM users WHERE telegram_id = :t").bindparams(t=DELETED)
        user_id = (await session.exec(query)).one()[0]  # type: ignore[call-overload]
        await erase_user(session, user_id=user_id)
        await session.commit()
    await d.settle()
    return d


async def _check_alive(h: Harness, d: Driver, caplog: pytest.LogCaptureFixture) -> None:
    """After each example: settled, nothing unhandled logged, nothing invalid stored."""
    await d.settle()
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], errors[0].getMessage()
    checks = {
        "ratings": "SELECT count(*) FROM mood_ratings WHERE value < 0 OR value > 10",
        "breaks": "SELECT count(*) FROM breaks WHERE mood_before NOT BETWEEN 0 AND 10 "
        "OR mood_after NOT BETWEEN 0 AND 10",
        "practices": "SELECT count(*) FROM practice_sessions WHERE mood_before NOT BETWEEN 0 "
        "AND 10 OR mood_after NOT BETWEEN 0 AND 10",
        "tags": "SELECT count(*) FROM rating_tags WHERE tag NOT IN ("
        + ", ".join(f"'{tag}'" for tag in FEELING_TAGS)
        + ")",
        "users": "SELECT count(*) FROM users WHERE telegram_id <= 0",
    }
    async with h.session() as session:
        for what, query in checks.items():
            count = (await session.exec(sa.text(query))).one()[0]  # type: ignore[call-overload]
            assert count == 0, f"invalid {what} stored"


async def test_fuzzed_texts_commands_and_edits(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    h = harness
    d = await _setup(h)

    cases = draw(
        user=st.sampled_from(PEOPLE),
        text=texts,
        extra=unknown_fields,
        drop=droppable,
        edited=st.booleans(),
    )
    for case in cases:
        message = _message(case["user"], {"text": case["text"], **case["extra"]}, case["drop"])
        if case["edited"]:
            message["edit_date"] = 1_790_000_100
        h.emulator.send_update("edited_message" if case["edited"] else "message", message)
        await _check_alive(h, d, caplog)
    assert len(cases) >= 40  # each one sent and checked


async def test_fuzzed_button_presses_are_all_answered(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    h = harness
    d = await _setup(h)

    cases = draw(user=st.sampled_from(PEOPLE), data=callback_data, attached=st.booleans())
    for case in cases:
        user, data, attached = case["user"], case["data"], case["attached"]
        query_id = str(next(_query_ids))
        query: dict[str, Any] = {
            "id": query_id,
            "from": _person(user),
            "chat_instance": "1",
            "data": data,
        }
        target = h.emulator.last_message(user)
        if attached and target is not None:
            query["message"] = target.data
        else:
            query["inline_message_id"] = f"inline-{query_id}"
        h.emulator.send_raw({"update_id": 10**6 + int(query_id), "callback_query": query})
        await h.emulator.wait_callback_answered(query_id, timeout=10.0)
        await _check_alive(h, d, caplog)
    assert len(cases) >= 40  # each one sent and checked


async def test_repeated_and_out_of_order_update_ids(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    h = harness
    d = await _setup(h)
    sent: list[dict[str, Any]] = []

    cases = draw(
        user=st.sampled_from(PEOPLE),
        text=texts,
        how=st.sampled_from(["repeat", "older", "newer"]),
        back=st.integers(1, 5),
    )
    for case in cases:
        user, text, how, back = case["user"], case["text"], case["how"], case["back"]
        update = h.emulator.send_update("message", _message(user, {"text": text}, frozenset()))
        sent.append(update)
        if how == "repeat":
            h.emulator.send_raw(update)
        elif how == "older" and len(sent) > back:
            h.emulator.send_raw(sent[-1 - back])  # an old update again, out of order
        await _check_alive(h, d, caplog)
    assert len(cases) >= 40  # each one sent and checked
