"""The buttons of crisis answers and of the safety plan."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardMarkup

from bot.ui.callbacks import Prefix
from bot.ui.keyboards import button, markup
from bot.ui.texts import t


def are_you_safe(hit_id: int, language: str | None) -> InlineKeyboardMarkup:
    """The three answers to "are you safe right now?", one per row."""
    return markup(
        [button(t("safety.button.danger", language), Prefix.SAFETY, "danger", hit_id)],
        [button(t("safety.button.struggle", language), Prefix.SAFETY, "struggle", hit_id)],
        [button(t("safety.button.okay", language), Prefix.SAFETY, "okay", hit_id)],
    )


def after_support(
    hit_id: int, language: str | None, *, has_plan: bool, paused: bool
) -> InlineKeyboardMarkup:
    """After the lines and the grounding: the safety plan, and the way back."""
    plan = "safety.button.see_plan" if has_plan else "safety.button.make_plan"
    return markup(
        [button(t(plan, language), Prefix.SAFETY_PLAN, "start")],
        [button(t("safety.button.back", language), Prefix.SAFETY, "back", hit_id)]
        if paused
        else [],
    )


def plan_step(ref: int, language: str | None) -> InlineKeyboardMarkup:
    """Under a safety-plan question: skip this part, or stop for now."""
    return markup(
        [
            button(t("buttons.skip", language), Prefix.SAFETY_PLAN, "skip", ref),
            button(t("buttons.stop", language), Prefix.SAFETY_PLAN, "stop", ref),
        ]
    )


def plan_parts(parts: Sequence[str], language: str | None) -> InlineKeyboardMarkup:
    """Under a shown plan: change one part, or done."""
    rows = [
        [button(t(f"plan.title.{part}", language), Prefix.SAFETY_PLAN, "part", 0, str(i))]
        for i, part in enumerate(parts)
    ]
    rows.append([button(t("plan.button.done", language), Prefix.SAFETY_PLAN, "done")])
    return markup(*rows)


def plan_actions(language: str | None) -> InlineKeyboardMarkup:
    """Under a shown plan: change a part, or leave it."""
    return markup(
        [
            button(t("plan.button.edit", language), Prefix.SAFETY_PLAN, "edit"),
            button(t("plan.button.done", language), Prefix.SAFETY_PLAN, "done"),
        ]
    )
