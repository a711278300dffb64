"""privacy: consent, and the words people wrote encrypted at rest

Revision ID: 0006
Revises: 0005

Words stored before this revision were plain text. They are encrypted here, in the same
transaction as the upgrade, under the newest ``DATA_ENCRYPTION_KEY``: after it no plain
text is left, so the bot never needs to tell plain and encrypted values apart. An
upgrade of a database that holds words needs the key (the bot stops with one line if it
is missing); an empty database needs none.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.storage.encryption import WrongKeyError, dialect_cipher

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# the free-text columns as they were at 0005: (table, primary key columns, text columns)
WORDS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("mood_ratings", ("id",), ("note",)),
    ("breaks", ("id",), ("difficulty", "need")),
    ("conversations", ("user_id",), ("held_note",)),
    ("screen_hits", ("id",), ("held_text",)),
    (
        "safety_plans",
        ("user_id",),
        (
            "warning_signs",
            "coping",
            "distractions",
            "people",
            "professionals",
            "environment",
            "reasons",
        ),
    ),
    ("practice_answers", ("id",), ("text",)),
    ("phrases", ("id",), ("text",)),
    ("gratitude_entries", ("id",), ("text",)),
)


def _encrypt_words(encrypt: bool) -> None:
    bind = op.get_bind()
    cipher = dialect_cipher(bind.dialect)
    for name, keys, columns in WORDS:
        for column in columns:
            table = sa.table(name, *(sa.column(k) for k in keys), sa.column(column, sa.Text))
            value = table.c[column]
            rows = bind.execute(
                sa.select(*(table.c[k] for k in keys), value).where(value.is_not(None))
            )
            for *ids, text in rows.all():
                if cipher is None:
                    raise WrongKeyError(
                        "DATA_ENCRYPTION_KEY is needed to encrypt the words already stored"
                    )
                new = cipher.encrypt(text) if encrypt else cipher.decrypt(text)
                where = [table.c[k] == v for k, v in zip(keys, ids, strict=True)]
                bind.execute(sa.update(table).where(*where).values({column: new}))


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("consented_at", sa.DateTime(timezone=True), nullable=True))
    _encrypt_words(encrypt=True)


def downgrade() -> None:
    """Revert this revision (the words become plain text again)."""
    _encrypt_words(encrypt=False)
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("consented_at")
