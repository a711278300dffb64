"""Encryption at rest of the words people write: Fernet tokens under keys of our own.

A column of type ``EncryptedText`` holds a Fernet token (AES-128-CBC with an HMAC-SHA256,
so a changed or foreign value is refused, never shown). Handlers read and write plain
``str``: the column encrypts on the way in and decrypts on the way out with the cipher
the engine carries (``attach_cipher``), so each engine has its own keys and nothing is
kept in a module global. The first key encrypts; every key decrypts (for rotation).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncEngine

_DIALECT_ATTRIBUTE = "kindbreak_cipher"
TOKEN_PREFIX = "gAAAAA"  # Fernet's version byte and the high bytes of its timestamp


class WrongKeyError(ValueError):
    """A key is missing, or does not open the stored data."""


def new_key() -> str:
    """A fresh random key, as text for ``DATA_ENCRYPTION_KEY``."""
    return Fernet.generate_key().decode("ascii")


class Cipher:
    """Encrypts under the first key, decrypts under any of them."""

    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise WrongKeyError("no encryption key given")
        fernets = [Fernet(k.encode("ascii")) for k in keys]
        self._newest = fernets[0]
        self._fernet = MultiFernet(fernets)
        self.key_count = len(keys)

    def is_newest(self, token: str) -> bool:
        """Whether ``token`` is already encrypted under the first key."""
        try:
            self._newest.decrypt(token.encode("ascii"))
        except (InvalidToken, UnicodeError):
            return False
        return True

    def encrypt(self, text: str) -> str:
        """The token for ``text``."""
        return self._fernet.encrypt(text.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        """The text of ``token``; ``WrongKeyError`` if no key opens it or it was changed."""
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeError):
            raise WrongKeyError("a stored value does not open with DATA_ENCRYPTION_KEY") from None

    def rotate(self, token: str) -> str:
        """The same text, encrypted again under the first key."""
        try:
            return self._fernet.rotate(token.encode("ascii")).decode("ascii")
        except (InvalidToken, UnicodeError):
            raise WrongKeyError("a stored value does not open with DATA_ENCRYPTION_KEY") from None


def attach_cipher(engine: AsyncEngine | sa.engine.Engine, cipher: Cipher | None) -> None:
    """Give the engine's encrypted columns their keys."""
    dialect = engine.dialect
    setattr(dialect, _DIALECT_ATTRIBUTE, cipher)


def dialect_cipher(dialect: Dialect) -> Cipher | None:
    """The cipher an engine (through its dialect) carries, if any."""
    found = getattr(dialect, _DIALECT_ATTRIBUTE, None)
    return found if isinstance(found, Cipher) else None


def _required(dialect: Dialect) -> Cipher:
    cipher = dialect_cipher(dialect)
    if cipher is None:  # never write plain text, never show a token
        raise WrongKeyError("DATA_ENCRYPTION_KEY is needed to read or write this column")
    return cipher


class EncryptedText(sa.types.TypeDecorator[str]):
    """Free text a person wrote: stored as a Fernet token, read back as the text."""

    impl = sa.Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        """Encrypt before storing."""
        if value is None:
            return None
        return _required(dialect).encrypt(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        """Decrypt after reading."""
        if value is None:
            return None
        return _required(dialect).decrypt(value)


def encrypted_columns(metadata: sa.MetaData) -> Iterator[tuple[sa.Table, sa.Column[str]]]:
    """Every encrypted column of every table (so tables added later are covered too)."""
    for table in metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, EncryptedText):
                yield table, column
