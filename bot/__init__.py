"""Kindbreak: a self-compassion companion for Telegram."""
