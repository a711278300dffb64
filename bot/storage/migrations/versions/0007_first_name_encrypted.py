"""first names encrypted at rest, like the words people write

Revision ID: 0007
Revises: 0006

A person's Telegram first name was stored in plain text. Here the column becomes text
wide enough for a Fernet token and every stored name is encrypted, in the same
transaction, under the newest ``DATA_ENCRYPTION_KEY`` (needed when people are stored,
as for 0006). Downgrading decrypts them again.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.storage.encryption import WrongKeyError, dialect_cipher

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

USERS = sa.table("users", sa.column("id", sa.Integer), sa.column("first_name", sa.Text))


def _convert_names(encrypt: bool) -> None:
    bind = op.get_bind()
    cipher = dialect_cipher(bind.dialect)
    rows = bind.execute(sa.select(USERS.c.id, USERS.c.first_name)).all()
    if rows and cipher is None:
        raise WrongKeyError("DATA_ENCRYPTION_KEY is needed to encrypt the names already stored")
    for user_id, name in rows:
        assert cipher is not None
        new = cipher.encrypt(name or "") if encrypt else cipher.decrypt(name)[:128]
        bind.execute(sa.update(USERS).where(USERS.c.id == user_id).values(first_name=new))


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.alter_column(
            "first_name",
            existing_type=sa.String(length=128),
            type_=sa.Text(),
            existing_nullable=False,
        )
    _convert_names(encrypt=True)


def downgrade() -> None:
    """Revert this revision (the names become plain text again)."""
    _convert_names(encrypt=False)
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.alter_column(
            "first_name",
            existing_type=sa.Text(),
            type_=sa.String(length=128),
            existing_nullable=False,
        )
