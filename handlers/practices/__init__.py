"""The self-compassion practices beyond the break, one module each, and their menu."""

from handlers.practices import critic, friend, gratitude, menu, phrases

__all__ = ["critic", "friend", "gratitude", "menu", "phrases"]
