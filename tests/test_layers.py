"""The layers of the tree: imports run one way, from handlers down to the pure core.

handlers -> flow -> ui, delivery -> storage -> core. ``bot/app.py`` (the wiring) and the
entry points may import anything; nothing but the wiring, the demo and the tests imports
the emulator, and the emulator imports nothing else of the product.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
WIRING = {
    "bot.app",
    "bot.__main__",
    "bot.demo",
    "bot.jobs",
    "bot.metrics",
    "bot.rotate",
    "bot.webhook",
}
# settings, time, the typed context and the pool of worker processes
SHARED = {"bot.config", "bot.clock", "bot.context", "bot.workers"}
CORE = {"bot.core"}
STORAGE = CORE | {"bot.storage", "bot.config", "bot.clock"}
DELIVERY = STORAGE | {"bot.delivery"}
UI = CORE | {"bot.ui", "bot.workers"}
FLOW = DELIVERY | UI | SHARED | {"bot.flow"}
HANDLERS = FLOW | {"handlers"}
# what each part of the tree may import from the product (by prefix)
ALLOWED: dict[str, set[str]] = {
    "bot.core": CORE,
    "bot.storage": STORAGE,
    "bot.delivery": DELIVERY,
    "bot.ui": UI,
    "bot.flow": FLOW,
    "bot.context": {"bot.config", "bot.clock", "bot.storage", "bot.workers"},
    "bot.config": {"bot.config"},  # its own parts
    "bot.logs": {"bot.config"},
    "bot.clock": set(),
    "bot.workers": set(),
    "bot.crisis": CORE,
    "bot.emulator": {"bot.emulator"},
    "handlers": HANDLERS,
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _product_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            if node.module in {"bot", "handlers"}:
                found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in found if name.split(".")[0] in {"bot", "handlers"}}


def _modules() -> list[Path]:
    return sorted(
        p
        for folder in ("bot", "handlers")
        for p in (ROOT / folder).rglob("*.py")
        if "migrations" not in p.parts
    )


def _rule(module: str) -> set[str] | None:
    for prefix in sorted(ALLOWED, key=len, reverse=True):
        if module == prefix or module.startswith(prefix + "."):
            return ALLOWED[prefix]
    return None


def _allowed(name: str, allowed: set[str]) -> bool:
    return name in {"bot", "handlers"} or any(
        name == prefix or name.startswith(prefix + ".") for prefix in allowed
    )


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_run_one_way(path: Path) -> None:
    module = _module_name(path)
    if module in WIRING or module in {"bot", "handlers"}:
        return
    allowed = _rule(module)
    assert allowed is not None, f"{module} belongs to no layer: give it one in tests/test_layers.py"
    wrong = sorted(n for n in _product_imports(path) if not _allowed(n, allowed))
    assert not wrong, f"{module} imports {wrong}, above its layer"


def test_only_the_wiring_the_demo_and_tests_import_the_emulator() -> None:
    users = {
        _module_name(p)
        for p in _modules()
        if any(n.startswith("bot.emulator") for n in _product_imports(p))
        and not _module_name(p).startswith("bot.emulator")
    }
    assert users <= {"bot.demo", "bot.app"}, users


def test_every_module_is_small_enough_to_read() -> None:
    sizes = {
        str(p.relative_to(ROOT)): len(p.read_text(encoding="utf-8").splitlines())
        for p in _modules()
    }
    too_long = {name: n for name, n in sizes.items() if n > 350}
    assert not too_long, too_long
