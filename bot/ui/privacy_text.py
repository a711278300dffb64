"""The privacy page, saying how long entries are kept when the operator chose a limit."""

from __future__ import annotations

from bot.ui.texts import t


def privacy_text(language: str | None, retention_months: int | None) -> str:
    """/privacy (and "Tell me more" before consent)."""
    kept = (
        ""
        if retention_months is None
        else t("privacy.kept_months", language, months=retention_months)
    )
    return t("privacy.text", language, kept=kept)
