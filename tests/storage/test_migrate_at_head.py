"""A database already at the newest revision starts without importing Alembic."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from alembic.script import ScriptDirectory

from bot.storage.db import alembic_config, bundled_head

REPO = Path(__file__).resolve().parents[2]


def test_the_bundled_head_is_alembics_head() -> None:
    assert bundled_head() == ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_a_second_start_does_not_import_alembic(tmp_path: Path) -> None:
    code = (
        "import asyncio, sys\n"
        "from bot.storage.db import create_engine, migrate\n"
        f"engine = create_engine('sqlite:///{tmp_path / 'db.sqlite3'}')\n"
        "asyncio.run(migrate(engine))\n"
        "print('alembic' in sys.modules)\n"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", code], cwd=REPO, check=True, capture_output=True, text=True
        ).stdout.split()[-1]
        for _ in range(2)
    ]
    assert runs == ["True", "False"]  # created by Alembic, then found at the head
