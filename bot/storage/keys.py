"""Checking the key at start and re-encrypting stored words under the newest key."""

from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlmodel import SQLModel

from bot.storage import models  # noqa: F401  (registers the tables)
from bot.storage.encryption import (
    Cipher,
    WrongKeyError,
    dialect_cipher,
    encrypted_columns,
)

ROTATE_BATCH = 200


def _raw_columns() -> Iterator[tuple[sa.TableClause, list[str], str]]:
    """Each encrypted column as plain text (the stored token), with its table's keys."""
    for table, column in encrypted_columns(SQLModel.metadata):
        keys = [c.name for c in table.primary_key.columns]
        raw = sa.table(table.name, *(sa.column(k) for k in keys), sa.column(column.name, sa.Text))
        yield raw, keys, column.name


async def _first_token(conn: AsyncConnection, raw: sa.TableClause, name: str) -> str | None:
    column = raw.c[name]
    found = await conn.execute(sa.select(column).where(column.is_not(None)).limit(1))
    value = found.scalar()
    return value if isinstance(value, str) else None


async def verify_key(engine: AsyncEngine) -> None:
    """Refuse to start if stored words exist that the engine's keys cannot open."""
    cipher = dialect_cipher(engine.dialect)
    async with engine.connect() as conn:
        for raw, _keys, name in _raw_columns():
            token = await _first_token(conn, raw, name)
            if token is None:
                continue
            if cipher is None:
                raise WrongKeyError(
                    "DATA_ENCRYPTION_KEY is not set, but the database holds encrypted words "
                    "(set the key they were written with)"
                )
            try:
                cipher.decrypt(token)
            except WrongKeyError:
                raise WrongKeyError(
                    "DATA_ENCRYPTION_KEY does not open the words already stored "
                    "(a wrong key? give the old key too, after the new one, comma-separated)"
                ) from None


async def rotate_all(engine: AsyncEngine, *, batch: int = ROTATE_BATCH) -> int:
    """Re-encrypt every stored value under the newest key; return how many changed.

    Each batch is its own short transaction, and a value is replaced only if it is still
    the one that was read, so the bot can keep running (and writing) meanwhile.
    """
    cipher = dialect_cipher(engine.dialect)
    if cipher is None:
        raise WrongKeyError("DATA_ENCRYPTION_KEY is not set")
    changed = 0
    for raw, keys, name in _raw_columns():
        changed += await _rotate_column(engine, cipher, raw, keys, name, batch)
    return changed


async def _rotate_column(
    engine: AsyncEngine,
    cipher: Cipher,
    raw: sa.TableClause,
    keys: list[str],
    name: str,
    batch: int,
) -> int:
    column = raw.c[name]
    order = [raw.c[k] for k in keys]
    after: tuple[object, ...] | None = None
    changed = 0
    while True:
        query = sa.select(*order, column).where(column.is_not(None)).order_by(*order).limit(batch)
        if after is not None:
            query = query.where(sa.tuple_(*order) > sa.tuple_(*after))
        async with engine.begin() as conn:
            rows = (await conn.execute(query)).all()
            for row in rows:
                *ids, token = row
                if cipher.is_newest(token):
                    continue
                where = [raw.c[k] == v for k, v in zip(keys, ids, strict=True)]
                result = await conn.execute(
                    sa.update(raw)
                    .where(*where, column == token)
                    .values({name: cipher.rotate(token)})
                )
                changed += result.rowcount
        if len(rows) < batch:
            return changed
        after = tuple(rows[-1][: len(keys)])
