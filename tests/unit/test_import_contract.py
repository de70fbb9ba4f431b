"""engine/ knows nothing of HTTP: the contracts in setup.cfg, checked with import-linter.

import-linter configures logging with dictConfig, which disables every logger that exists
already; it runs in its own process so that the loggers other tests read stay enabled."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def test_engine_never_imports_api_flask_or_marshmallow():
    result = subprocess.run([str(LINT_IMPORTS), "--config", str(ROOT / "setup.cfg")], cwd=ROOT,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken." in result.stdout
