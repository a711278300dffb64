"""Alembic environment: runs on a connection handed in, or on ``sqlalchemy.url``."""

from __future__ import annotations

import asyncio
from typing import Any, Literal

from alembic import context
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from sqlmodel import SQLModel

from bot.storage import models, practice_models  # noqa: F401  (the tables on the metadata)
from bot.storage.encryption import EncryptedText

target_metadata = SQLModel.metadata


def _render_item(kind: str, obj: Any, _autogen_context: Any) -> str | Literal[False]:
    """Write plain SQLAlchemy types into migrations, so they never import app code."""
    if kind == "type" and isinstance(obj, models.UTCDateTime):
        return "sa.DateTime(timezone=True)"
    if kind == "type" and isinstance(obj, EncryptedText):
        return "sa.Text()"  # the tokens are text; encryption happens in the model
    if kind == "type" and type(obj).__name__ == "AutoString":
        length = getattr(obj, "length", None)
        return f"sa.String(length={length})" if length else "sa.String()"
    return False


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite can only ALTER tables by copying them
        compare_type=True,
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_with_url(url: str) -> None:
    engine = create_async_engine(url)
    async with engine.begin() as connection:
        await connection.run_sync(_run)
    await engine.dispose()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    asyncio.run(_run_with_url(context.config.get_main_option("sqlalchemy.url") or ""))
