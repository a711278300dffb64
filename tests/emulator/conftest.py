"""Fixtures of the emulator tests: plain and validating emulators, PTB bots on them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from telegram import Bot

from bot.emulator import BotApiEmulator
from tests.emulator.support import OTHER, USER, make_bot
from tests.support.botapi import BotApiSpec


@pytest.fixture
def emu() -> Iterator[BotApiEmulator]:
    """A running emulator without a validator, with two known users."""
    with BotApiEmulator() as emulator:
        emulator.add_user(USER)
        emulator.add_user(OTHER, first_name="Kim", language_code="de", username="kim")
        yield emulator


@pytest.fixture(scope="module")
def spec() -> BotApiSpec:
    """The official API description."""
    return BotApiSpec.load()


@pytest.fixture
def checked(spec: BotApiSpec) -> Iterator[BotApiEmulator]:
    """A running emulator that validates every request against the description."""
    with BotApiEmulator(validator=spec.validate) as emulator:
        emulator.add_user(USER)
        yield emulator


@pytest.fixture
async def bot(emu: BotApiEmulator) -> AsyncIterator[Bot]:
    """A PTB bot talking to ``emu``."""
    the_bot = await make_bot(emu)
    yield the_bot
    await the_bot.shutdown()


@pytest.fixture
async def checked_bot(checked: BotApiEmulator) -> AsyncIterator[Bot]:
    """A PTB bot talking to the validating emulator."""
    the_bot = await make_bot(checked)
    yield the_bot
    await the_bot.shutdown()
