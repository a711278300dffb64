"""``python -m bot.rotate``: re-encrypt every stored word under the newest key."""

from __future__ import annotations

import asyncio
import sys

from bot.config import ConfigError, load_settings
from bot.storage.db import create_engine, migrate
from bot.storage.encryption import WrongKeyError
from bot.storage.keys import rotate_all, verify_key


async def rotate(database_url: str, keys: list[str]) -> int:
    """Rotate every encrypted value of the database; return how many changed."""
    engine = create_engine(database_url, keys=keys)
    try:
        await migrate(engine)
        await verify_key(engine)
        return await rotate_all(engine)
    finally:
        await engine.dispose()


def main() -> int:
    """Read the settings, rotate, and say how many values were re-encrypted."""
    try:
        settings = load_settings()
        if not settings.data_encryption_keys:
            raise ConfigError("DATA_ENCRYPTION_KEY is not set (newest key first)")
        changed = asyncio.run(rotate(settings.database_url, settings.encryption_keys))
    except (ConfigError, WrongKeyError) as exc:
        print(f"kindbreak: {exc}", file=sys.stderr)
        return 2
    print(f"kindbreak: {changed} stored values re-encrypted under the newest key")
    return 0


if __name__ == "__main__":
    sys.exit(main())
