"""Fixed choices people pick from: the feeling tags of a rating, the snooze lengths."""

from __future__ import annotations

# stored by name in rating_tags: rename the shown text in the catalogue, never these
FEELING_TAGS = (
    "anxious",
    "sad",
    "angry",
    "tired",
    "overwhelmed",
    "lonely",
    "calm",
    "content",
    "grateful",
    "hopeful",
    "stressed",
    "self_critical",
    "ashamed",
)
SNOOZE_MINUTES = (30, 120)
