"""Pure logic: no Telegram, no database."""
