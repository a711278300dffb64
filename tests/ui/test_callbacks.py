"""Callback data: everything built parses back; anything else is refused."""

from __future__ import annotations

import pytest

from bot.ui.callbacks import ACTIONS, MAX_BYTES, Callback, Prefix, parse


def test_round_trip_of_every_action() -> None:
    for flow, actions in ACTIONS.items():
        for action in actions:
            cb = Callback(flow, action, 2_147_483_647, "10")
            data = cb.encode()
            assert len(data.encode()) <= MAX_BYTES
            assert parse(data) == cb


@pytest.mark.parametrize(
    "data",
    [
        None,
        "",
        "b",
        "b:before",
        "b:before:1",
        "x:before:1:5",
        "b:teleport:1:5",
        "b:before:-1:5",
        "b:before:01:5",
        "b:before:1:5:extra:more",
        "b:before:1:" + "9" * 33,  # values are at most 32 characters (a zone name)
        "B:before:1:5",
        "b:before:1:5\n",
        "b:before:1:ü",
        "m:rate:0:5' OR 1=1",
        "é" * 40,
    ],
)
def test_forged_data_is_refused(data: str | None) -> None:
    assert parse(data) is None


def test_int_value_bounds() -> None:
    assert Callback(Prefix.MOOD, "rate", 0, "7").int_value(0, 10) == 7
    assert Callback(Prefix.MOOD, "rate", 0, "11").int_value(0, 10) is None
    assert Callback(Prefix.MOOD, "rate", 0, "x").int_value(0, 10) is None


def test_encode_refuses_unknown_actions() -> None:
    with pytest.raises(ValueError):
        Callback(Prefix.MOOD, "teleport").encode()


def test_a_step_button_carries_the_state_it_was_shown_at() -> None:
    data = Callback(Prefix.BREAK, "next", 12, "", "mindfulness")
    assert data.encode() == "b:next:12::mindfulness"
    assert parse("b:next:12::mindfulness") == data
    assert parse("b:next:12:") == Callback(Prefix.BREAK, "next", 12)  # sent before stamping


def test_refs_beyond_the_id_columns_are_refused() -> None:
    assert parse("c:rate:2147483647:5") == Callback(Prefix.CHECKIN, "rate", 2**31 - 1, "5")
    for ref in (2**31, 2**63 - 1, 10**18 - 1):
        assert parse(f"c:rate:{ref}:5") is None
