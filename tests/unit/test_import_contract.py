"""engine/ knows nothing of HTTP: the contracts in setup.cfg, checked with import-linter."""
from __future__ import annotations

from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[2]


def test_engine_never_imports_api_flask_or_marshmallow(monkeypatch):
    monkeypatch.chdir(ROOT)
    assert lint_imports(config_filename=str(ROOT / "setup.cfg")) == 0
