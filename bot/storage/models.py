"""Database tables. Every timestamp is stored in UTC and read back timezone-aware."""

from __future__ import annotations

from datetime import UTC, datetime, time
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlmodel import Field, SQLModel

from bot.storage.encryption import EncryptedText


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """A timestamp column that refuses naive values and always returns aware UTC."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Check awareness and normalise to UTC before storing."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        # SQLite has no time zones: store the UTC wall time
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Return an aware UTC datetime whatever the backend gave."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _words() -> Any:
    """A column for words a person wrote: encrypted at rest (see ``encryption``)."""
    return Field(default=None, sa_column=sa.Column(EncryptedText(), nullable=True))


def _ts(*, nullable: bool = False, index: bool = False) -> Any:
    return Field(sa_column=sa.Column(UTCDateTime(), nullable=nullable, index=index))


class RatingKind(StrEnum):
    """Where a mood rating came from."""

    CHECKIN = "checkin"
    BREAK_BEFORE = "break_before"
    BREAK_AFTER = "break_after"
    QUICK = "quick"


class BreakStatus(StrEnum):
    """How a self-compassion break ended (or that it has not yet)."""

    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    ABANDONED = "abandoned"


class User(SQLModel, table=True):
    """A person who has talked to the bot in a private chat."""

    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    telegram_id: int = Field(sa_column=sa.Column(sa.BigInteger, unique=True, nullable=False))
    # their Telegram first name: shown back to them, so encrypted like the words they write
    first_name: str = Field(
        default="", sa_column=sa.Column(EncryptedText(), nullable=False, default="")
    )
    language_code: str | None = Field(default=None, max_length=16)
    time_zone: str | None = Field(default=None, max_length=64)
    active: bool = Field(default=True)
    created_at: datetime = _ts()
    last_seen_at: datetime = _ts()
    # when they agreed to what is stored (None: not yet; nothing they write is kept)
    consented_at: datetime | None = _ts(nullable=True)


class MoodRating(SQLModel, table=True):
    """One mood rating, 0 (very low) to 10 (very good)."""

    __tablename__ = "mood_ratings"
    __table_args__ = (
        sa.CheckConstraint("value >= 0 AND value <= 10", name="ck_mood_value_range"),
        # a break has at most one before- and one after-rating, whatever the double taps
        sa.UniqueConstraint("break_id", "kind", name="uq_mood_break_kind"),
        sa.Index("ix_mood_user_time", "user_id", "rated_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE")
    value: int
    kind: str = Field(max_length=16)
    note: str | None = _words()
    rated_at: datetime = _ts()
    break_id: int | None = Field(default=None, foreign_key="breaks.id", ondelete="CASCADE")


class Break(SQLModel, table=True):
    """One self-compassion break, finished or not."""

    __tablename__ = "breaks"
    __table_args__ = (sa.Index("ix_breaks_user_time", "user_id", "started_at"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE")
    started_at: datetime = _ts()
    ended_at: datetime | None = _ts(nullable=True)
    status: str = Field(default=BreakStatus.IN_PROGRESS, max_length=16)
    last_step: str = Field(default="mood_before", max_length=32)
    steps_reached: int = Field(default=0)
    mood_before: int | None = None
    mood_after: int | None = None
    difficulty: str | None = _words()
    need: str | None = _words()
    variant: int = Field(default=0)


class Conversation(SQLModel, table=True):
    """Where a person is in a guided flow; read on every update, so any instance can continue."""

    __tablename__ = "conversations"

    user_id: int = Field(primary_key=True, foreign_key="users.id", ondelete="CASCADE")
    flow: str = Field(max_length=32)
    state: str = Field(max_length=32)
    ref: int = Field(default=0, description="id of the record the flow works on (e.g. a break)")
    version: int = Field(default=0, description="bumped on every change, for optimistic locking")
    updated_at: datetime = _ts()
    expires_at: datetime = _ts(index=True)
    # words kept for the next step (e.g. the note of '/mood 12 great')
    held_note: str | None = _words()
    paused_by: int | None = Field(
        default=None,
        foreign_key="screen_hits.id",
        ondelete="SET NULL",
        description="the screen hit that paused this flow until the person says how they are",
    )
    undelivered: bool = Field(
        default=False,
        sa_column_kwargs={"server_default": sa.false()},
        description="the step's message could not be sent: show it again on the next update",
    )


class DeliveryKind(StrEnum):
    """What a scheduled delivery sends."""

    CHECKIN = "checkin"
    SUMMARY = "summary"


class DeliveryStatus(StrEnum):
    """Where a scheduled delivery is in its life."""

    PENDING = "pending"  # waiting for its time (or its next attempt)
    CLAIMED = "claimed"  # an instance has taken it, to send in a moment
    SENDING = "sending"  # handed to Telegram right now (if the sender stops: uncertain)
    SENT = "sent"
    SNOOZED = "snoozed"  # sent, then the person asked to be asked again later
    SKIPPED = "skipped"  # not sent: paused, switched off, or past the grace window
    FAILED = "failed"  # not sent: blocked by the person, or gave up after retries
    UNCERTAIN = "uncertain"  # timed out, or the sender stopped: maybe delivered, never repeated


# a delivery not yet sent, skipped or given up on (a person's next one is in one of these)
UNDECIDED_STATUSES = (DeliveryStatus.PENDING, DeliveryStatus.CLAIMED, DeliveryStatus.SENDING)


class CheckinSchedule(SQLModel, table=True):
    """A person's check-in choices (times are in ``checkin_times``)."""

    __tablename__ = "checkin_schedules"

    user_id: int = Field(primary_key=True, foreign_key="users.id", ondelete="CASCADE")
    enabled: bool = Field(default=False)
    weekdays: int = Field(default=0b1111111, description="bit 0 = Monday ... bit 6 = Sunday")
    quiet_start: time | None = None
    quiet_end: time | None = None
    paused: bool = Field(default=False)
    paused_until: datetime | None = _ts(nullable=True)
    summary_enabled: bool = Field(default=True)
    summary_weekday: int = Field(default=6, description="0 = Monday ... 6 = Sunday")
    summary_time: time = Field(default=time(18, 0))
    updated_at: datetime = _ts()


class CheckinTime(SQLModel, table=True):
    """One local time of day for check-ins (up to four per person)."""

    __tablename__ = "checkin_times"
    __table_args__ = (sa.UniqueConstraint("user_id", "at", name="uq_checkin_time"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE", index=True)
    at: time


class Delivery(SQLModel, table=True):
    """One scheduled message (a check-in prompt or a weekly summary) for one slot.

    The unique key on (user, kind, slot) makes a second send of the same slot impossible,
    whichever instance plans or claims it.
    """

    __tablename__ = "deliveries"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "kind", "slot_key", name="uq_delivery_slot"),
        sa.Index("ix_delivery_due", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE", index=True)
    kind: str = Field(max_length=16)
    slot_key: str = Field(max_length=40, description="local date and time, e.g. 2026-03-29T02:30")
    due_at: datetime = _ts()
    next_attempt_at: datetime = _ts()
    status: str = Field(default=DeliveryStatus.PENDING, max_length=16)
    attempts: int = Field(default=0)
    claimed_by: str | None = Field(default=None, max_length=64)
    claimed_at: datetime | None = _ts(nullable=True)
    sent_at: datetime | None = _ts(nullable=True)
    message_id: int | None = Field(default=None, sa_column=sa.Column(sa.BigInteger, nullable=True))
    rating_id: int | None = Field(default=None, foreign_key="mood_ratings.id", ondelete="SET NULL")
    detail: str | None = Field(default=None, max_length=200)


class RatingTag(SQLModel, table=True):
    """A feeling tag chosen with a rating (anxious, calm, ...)."""

    __tablename__ = "rating_tags"

    rating_id: int = Field(primary_key=True, foreign_key="mood_ratings.id", ondelete="CASCADE")
    tag: str = Field(primary_key=True, max_length=24)


class ScreenHit(SQLModel, table=True):
    """One message in which the crisis screen saw signs of danger (never the message itself).

    ``held_text`` keeps the words that paused a flow, so "let's go on" can hand them to the
    step they were written for; it is cleared once they are handed on.
    """

    __tablename__ = "screen_hits"
    __table_args__ = (sa.Index("ix_screen_hits_user_time", "user_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE")
    at: datetime = _ts()
    level: str = Field(max_length=16)
    categories: str = Field(default="", max_length=256, description="comma-separated")
    place: str = Field(max_length=64, description="where the words arrived, e.g. break.difficulty")
    answer: str | None = Field(default=None, max_length=16)
    answered_at: datetime | None = _ts(nullable=True)
    held_text: str | None = _words()


class SafetyPlan(SQLModel, table=True):
    """A person's safety plan, after Stanley and Brown: each part optional."""

    __tablename__ = "safety_plans"

    user_id: int = Field(primary_key=True, foreign_key="users.id", ondelete="CASCADE")
    warning_signs: str | None = _words()
    coping: str | None = _words()
    distractions: str | None = _words()
    people: str | None = _words()
    professionals: str | None = _words()
    environment: str | None = _words()
    reasons: str | None = _words()
    updated_at: datetime = _ts()


class WrittenFrom(SQLModel, table=True):
    """Which of a person's messages stored words came from, so an edit of it can follow.

    ``entry`` names the table and column (``mood_ratings:note``); never the words.
    """

    __tablename__ = "written_from"
    __table_args__ = (sa.UniqueConstraint("user_id", "message_id", name="uq_written_from_message"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE")
    message_id: int = Field(sa_column=sa.Column(sa.BigInteger, nullable=False))
    entry: str = Field(max_length=40)
    row_id: int
    written_at: datetime = _ts()
