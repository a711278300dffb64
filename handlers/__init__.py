"""Conversation flows: one module per flow."""
