"""The self-compassion practices beyond the break, one module each, and their menu."""

from handlers.practices import critic, friend, gratitude, kindness, menu, phrases, soothe

__all__ = ["critic", "friend", "gratitude", "kindness", "menu", "phrases", "soothe"]
