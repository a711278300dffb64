"""The self-compassion practices beyond the break, one module each, and their menu."""

from handlers.practices import critic, friend, menu

__all__ = ["critic", "friend", "menu"]
