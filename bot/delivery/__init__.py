"""Delivery: planning, claiming and sending scheduled messages, and Telegram error triage."""
