"""Tests for the summary message and the caption split."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest

from bot.core.samples import Rating
from bot.core.stats import DayStats, PeriodSummary, summarize
from bot.ui.summary_text import CAPTION_LIMIT, compose_summary, split_caption
from bot.ui.texts import catalogue

UTC = dt.UTC
END = dt.datetime(2026, 10, 25, 20, 0, tzinfo=UTC)  # week: Monday 19 to Sunday 25 October
CLOSING_VARIANTS = catalogue().variants("summary.closing")


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def make(days: int = 7, rated_days: int | None = None, **overrides: Any) -> PeriodSummary:
    """A full (non-sparse) summary ending on Sunday 25 October 2026."""
    end = dt.date(2026, 10, 25)
    start = end - dt.timedelta(days=days - 1)
    rated = days - 2 if rated_days is None else rated_days
    day_stats = tuple(
        DayStats(start + dt.timedelta(days=i), 3, 5.0, 3, 7)
        if i < rated
        else DayStats(start + dt.timedelta(days=i), 0, None, None, None)
        for i in range(days)
    )
    fields: dict[str, Any] = {
        "start": start,
        "end": end,
        "count": 3 * rated,
        "mean": 5.4,
        "min": 2,
        "max": 9,
        "change_from_previous": None,
        "breaks_taken": 3,
        "breaks_completed": 3,
        "average_break_change": 1.8,
        "hardest_time_of_day": None,
        "easiest_time_of_day": None,
        "hardest_weekday": None,
        "easiest_weekday": None,
        "top_tags": (),
        "days_with_ratings": rated,
        "is_sparse": False,
        "is_hard_week": False,
        "days": day_stats,
    }
    fields.update(overrides)
    return PeriodSummary(**fields)


def everything(days: int) -> PeriodSummary:
    """A summary with every optional section present, long feeling names and a hard week."""
    return make(
        days,
        count=120,
        mean=3.6,
        min=0,
        max=10,
        change_from_previous=-1.3,
        breaks_taken=28,
        breaks_completed=25,
        average_break_change=1.8,
        hardest_time_of_day="afternoon",
        easiest_time_of_day="morning",
        hardest_weekday=2,
        easiest_weekday=6,
        top_tags=(("overwhelmed", 20), ("disappointed", 12), ("embarrassed", 11)),
        is_hard_week=True,
    )


def rating(day: int, hour: int, value: int) -> Rating:
    return Rating(dt.datetime(2026, 10, day, hour, tzinfo=UTC), value, "checkin")


def test_no_ratings_is_a_short_gentle_invitation() -> None:
    text = compose_summary(summarize([], [], zone="UTC", period_end=END))
    assert text.startswith("🌿 Your week, Mon 19 Oct – Sun 25 Oct")
    assert "this week" in text
    assert "quiet here" in text
    assert "average" not in text
    assert utf16_len(text) < 400
    other = compose_summary(summarize([], [], zone="UTC", period_end=END), variant=1)
    assert other != text


def test_one_and_two_ratings_differ_from_none() -> None:
    none = compose_summary(summarize([], [], zone="UTC", period_end=END))
    one = compose_summary(summarize([rating(21, 9, 6)], [], zone="UTC", period_end=END))
    assert "once this week: 6." in one
    assert one != none
    two = compose_summary(
        summarize([rating(22, 9, 7), rating(20, 9, 3)], [], zone="UTC", period_end=END)
    )
    assert "twice this week: 3 and 7." in two
    same_day = compose_summary(
        summarize([rating(22, 9, 8), rating(22, 19, 2)], [], zone="UTC", period_end=END)
    )
    assert "twice this week: 2 and 8." in same_day
    for text in (one, two, same_day):
        assert "average" not in text
        assert utf16_len(text) < 500


def test_sparse_period_mentions_breaks() -> None:
    breaks_only = replace(
        summarize([rating(21, 9, 6)], [], zone="UTC", period_end=END), breaks_taken=1
    )
    assert "1 self-compassion break." in compose_summary(breaks_only)


def test_full_week_includes_the_right_numbers() -> None:
    text = compose_summary(make(change_from_previous=1.2))
    assert "You shared 15 mood ratings this week." in text
    assert "Your average was 5.4, from 2 at the lowest to 9 at the highest." in text
    assert "1.2 higher than last week" in text
    assert "3 self-compassion breaks" in text
    assert "on average your mood rose 1.8 points during a break" in text.lower()
    assert "You checked in on 5 days this week." in text


def test_summary_from_real_ratings() -> None:
    ratings = [
        rating(day, hour, value) for day in (19, 20, 21) for hour, value in ((8, 3), (19, 7))
    ]
    summary = summarize(ratings, [], zone="UTC", period_end=END)
    text = compose_summary(summary)
    assert "You shared 6 mood ratings this week." in text
    assert "Your average was 5.0, from 3 at the lowest to 7 at the highest." in text
    assert "harder in the mornings and easier in the evenings" in text
    assert "You checked in on 3 days this week." in text


def test_change_wording_in_both_directions() -> None:
    down = compose_summary(make(change_from_previous=-0.8))
    assert "0.8 lower than last week" in down
    assert "-0.8" not in down
    same = compose_summary(make(change_from_previous=0.0))
    assert "about the same as last week" in same
    assert "higher" not in compose_summary(make()) and "lower" not in compose_summary(make())


def test_break_wording_when_mood_did_not_rise() -> None:
    steady = compose_summary(make(average_break_change=0.0))
    assert "stayed about the same during a break" in steady
    lower = compose_summary(make(average_break_change=-0.7))
    assert "rose" not in lower and "-0.7" not in lower and "0.7" not in lower
    assert "that's okay" in lower
    one = compose_summary(make(breaks_taken=1, average_break_change=None))
    assert "1 self-compassion break." in one and "on average" not in one.lower()
    assert "/break" in compose_summary(make(breaks_taken=0, average_break_change=None))


def test_patterns_week_and_month_wording() -> None:
    week = compose_summary(
        make(
            hardest_time_of_day="night",
            easiest_time_of_day="afternoon",
            hardest_weekday=0,
            easiest_weekday=4,
        )
    )
    assert "harder at night and easier in the afternoons" in week
    assert "Monday felt a little harder, and Friday a little easier." in week
    month = compose_summary(make(30, hardest_weekday=6, easiest_weekday=2))
    assert "Sundays tended to be harder, and Wednesdays easier." in month
    assert "harder" not in compose_summary(make())


def test_top_feelings_and_labels() -> None:
    summary = make(top_tags=(("calm", 4), ("tired", 3), ("sad", 3)))
    assert "Feelings that came up most: calm, tired, sad." in compose_summary(summary)
    labelled = compose_summary(summary, tag_label=str.upper)
    assert "CALM, TIRED, SAD" in labelled


def test_consistency_note() -> None:
    assert "You checked in every day this week." in compose_summary(make(rated_days=7))
    month = compose_summary(make(30, rated_days=12))
    assert "You checked in on 12 days over the last 30 days." in month


def test_month_wording() -> None:
    text = compose_summary(make(30, change_from_previous=0.4))
    assert text.startswith("🌿 Your last 30 days, Sat 26 Sep – Sun 25 Oct")
    assert "over the last 30 days" in text
    assert "0.4 higher than the 30 days before" in text
    assert "this week" not in text and "last week" not in text
    empty = compose_summary(summarize([], [], zone="UTC", period_end=END, days=30))
    assert "over the last 30 days" in empty and "this week" not in empty


def test_hard_week_adds_kindness_and_pointers() -> None:
    hard = compose_summary(make(mean=3.2, is_hard_week=True))
    assert "/break" in hard and "/sos" in hard
    assert "/sos" not in compose_summary(make())


def test_closing_variants() -> None:
    assert CLOSING_VARIANTS >= 3
    closings = {compose_summary(make(), variant=v).rsplit("\n\n", 1)[1] for v in range(5)}
    assert len(closings) == min(5, CLOSING_VARIANTS)
    assert compose_summary(make(), variant=CLOSING_VARIANTS) == compose_summary(make(), variant=0)


@pytest.mark.parametrize("days", [7, 30])
def test_full_summary_fits_a_caption(days: int) -> None:
    for variant in range(CLOSING_VARIANTS):
        text = compose_summary(everything(days), variant=variant)
        assert utf16_len(text) <= CAPTION_LIMIT
        assert split_caption(text) == (text, None)
        for section in ("/sos", "Wednesdays" if days == 30 else "Wednesday", "embarrassed"):
            assert section in text


def test_never_scolds() -> None:
    samples = [
        make(),
        everything(7),
        everything(30),
        make(rated_days=1, change_from_previous=-3.0, average_break_change=-2.0),
        summarize([], [], zone="UTC", period_end=END),
        summarize([rating(21, 9, 1)], [], zone="UTC", period_end=END, days=30),
    ]
    for summary in samples:
        for variant in range(CLOSING_VARIANTS):
            text = compose_summary(summary, variant=variant).lower()
            for word in ("missed", "only ", "should", "fail"):
                assert word not in text


def test_unknown_language_falls_back_to_english() -> None:
    assert compose_summary(make(), language="xx") == compose_summary(make())


def test_split_caption_short_text_is_untouched() -> None:
    assert split_caption("Hello\n\nthere") == ("Hello\n\nthere", None)


def test_split_caption_prefers_paragraphs() -> None:
    paragraphs = ["a" * 40, "b" * 40, "c" * 40]
    text = "\n\n".join(paragraphs)
    first, rest = split_caption(text, limit=100)
    assert first == "\n\n".join(paragraphs[:2])
    assert rest == paragraphs[2]


def test_split_caption_falls_back_to_lines_then_words_then_characters() -> None:
    lines = "\n".join(["x" * 30] * 4)
    first, rest = split_caption(lines, limit=70)
    assert first == "x" * 30 + "\n" + "x" * 30 and rest == "x" * 30 + "\n" + "x" * 30
    words = " ".join(["word"] * 30)
    first, rest = split_caption(words, limit=22)
    assert first == "word word word word" and rest is not None
    assert (first + " " + rest) == words
    first, rest = split_caption("y" * 50, limit=20)
    assert (first, rest) == ("y" * 20, "y" * 30)


def test_split_caption_counts_utf16_units() -> None:
    text = "🌿" * 10 + "\n\n" + "ok"
    first, rest = split_caption(text, limit=20)
    assert (first, rest) == ("🌿" * 10, "ok")
    first, rest = split_caption("🌿" * 10, limit=5)
    assert first == "🌿" * 2 and utf16_len(first) <= 5


def test_split_caption_long_summary() -> None:
    text = compose_summary(everything(30))
    first, rest = split_caption(text, limit=400)
    assert rest is not None
    assert utf16_len(first) <= 400
    assert first + "\n\n" + rest == text


def test_split_caption_rejects_bad_limit() -> None:
    with pytest.raises(ValueError):
        split_caption("text", limit=0)


def test_catalogue_has_every_summary_text_and_no_scolding() -> None:
    entries = {k: v for k, v in catalogue().languages["en"].items() if k.startswith("summary.")}
    assert len(entries) > 40
    for value in entries.values():
        for text in (value,) if isinstance(value, str) else value:
            assert "missed" not in text.lower()


def test_consistency_says_what_was_done_not_what_was_missed() -> None:
    text = compose_summary(make())
    assert " of 7 days" not in text and " of 30 days" not in text
    assert "doing the best you can" not in text


def test_the_summary_can_close_with_one_of_their_own_phrases() -> None:
    for summary in (make(), summarize([], [], zone="UTC", period_end=END)):
        text = compose_summary(summary, phrase="I'm allowed to rest")
        *_, intro, phrase, closing = text.split("\n\n")
        assert "words of your own" in intro and phrase == "“I'm allowed to rest”"
        assert "💛" in closing
        assert "allowed to rest" not in compose_summary(summary)


def test_practices_are_counted_beside_the_breaks() -> None:
    text = compose_summary(
        make(practices_taken=4, practices_completed=3, average_practice_change=1.5)
    )
    assert "3 self-compassion breaks." in text and "4 other practices." in text
    assert "Around them your mood rose 1.5 points" in text
    assert text.index("breaks.") < text.index("other practices")
    one = compose_summary(make(practices_taken=1, average_practice_change=0.0))
    assert "1 other practice." in one and "about the same" in one
    lower = compose_summary(make(practices_taken=2, average_practice_change=-0.5))
    assert "dipped" in lower and "normal" in lower
    assert "other practice" not in compose_summary(make())
    sparse = compose_summary(summarize([], [], zone="UTC", period_end=END))
    assert "other practice" not in sparse
    sparse = compose_summary(
        replace(summarize([], [], zone="UTC", period_end=END), practices_taken=2)
    )
    assert "2 other practices." in sparse
