"""Tables of the practices beyond the break: sessions and their answers, phrases, gratitude."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from bot.storage.encryption import EncryptedText
from bot.storage.models import UTCDateTime


def _ts(*, nullable: bool = False) -> Any:
    return Field(sa_column=sa.Column(UTCDateTime(), nullable=nullable))


class PracticeStatus(StrEnum):
    """How a practice ended (or that it has not yet)."""

    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    ABANDONED = "abandoned"


class PhraseSource(StrEnum):
    """Where a personal phrase came from."""

    OWN = "own"  # typed in /phrases
    BREAK = "break"  # "what do I need to hear?" in a break
    CRITIC = "critic"  # the kind reply to the inner critic
    FRIEND = "friend"  # what they would say to a friend
    KINDNESS = "kindness"  # the wishes they chose


class PracticeSession(SQLModel, table=True):
    """One practice (inner critic, kindness, soothing, ...), finished or not."""

    __tablename__ = "practice_sessions"
    __table_args__ = (sa.Index("ix_practice_user_time", "user_id", "started_at"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE")
    kind: str = Field(max_length=16, description="the practice: critic, friend, kindness, ...")
    started_at: datetime = _ts()
    finished_at: datetime | None = _ts(nullable=True)
    status: str = Field(default=PracticeStatus.IN_PROGRESS, max_length=16)
    last_step: str = Field(default="", max_length=32)
    choice: str | None = Field(default=None, max_length=16, description="e.g. breath or touch")
    mood_before: int | None = None
    mood_after: int | None = None
    variant: int = Field(default=0)


class PracticeAnswer(SQLModel, table=True):
    """Words a person wrote at one step of a practice (one row per step)."""

    __tablename__ = "practice_answers"
    __table_args__ = (sa.UniqueConstraint("session_id", "step", name="uq_practice_answer_step"),)

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="practice_sessions.id", ondelete="CASCADE")
    step: str = Field(max_length=32)
    text: str = Field(sa_column=sa.Column(EncryptedText(), nullable=False))
    created_at: datetime = _ts()


class Phrase(SQLModel, table=True):
    """A phrase in a person's own bank, to be offered back to them later."""

    __tablename__ = "phrases"
    __table_args__ = (
        # a phrase saved from a break or a practice is saved once, whatever the taps
        sa.UniqueConstraint("user_id", "source", "source_ref", name="uq_phrase_source"),
        sa.Index("ix_phrases_user", "user_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE")
    text: str = Field(sa_column=sa.Column(EncryptedText(), nullable=False))
    source: str = Field(max_length=16)
    source_ref: int | None = Field(default=None, description="the break or practice it came from")
    created_at: datetime = _ts()


class GratitudeEntry(SQLModel, table=True):
    """One thing a person noted they are grateful for."""

    __tablename__ = "gratitude_entries"
    __table_args__ = (sa.Index("ix_gratitude_user_time", "user_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE")
    session_id: int | None = Field(
        default=None, foreign_key="practice_sessions.id", ondelete="SET NULL"
    )
    text: str = Field(sa_column=sa.Column(EncryptedText(), nullable=False))
    created_at: datetime = _ts()
