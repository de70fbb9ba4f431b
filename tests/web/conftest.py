"""The web app's own checks, run from pytest so that one run covers everything. They need
Node.js and web/node_modules, which scripts/bootstrap provides (scripts/test runs it first)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "web"


def node_environment() -> dict:
    """PATH as scripts/bootstrap leaves it: the Node.js it installed into .venv, if any, first."""
    venv_bin = str(Path(sys.prefix) / "bin")
    return {**os.environ, "PATH": f"{venv_bin}{os.pathsep}{os.environ.get('PATH', '')}"}


@pytest.fixture(scope="session")
def run_in_web():
    """Runs a command in web/; fails the test with its output when the command fails."""
    environment = node_environment()
    if not shutil.which("npm", path=environment["PATH"]) or not (WEB / "node_modules").is_dir():
        pytest.fail("Node.js or web/node_modules is missing: run `bash scripts/bootstrap`")

    def run(*command: str, timeout: float = 600) -> subprocess.CompletedProcess:
        return subprocess.run(command, cwd=WEB, env=environment, capture_output=True, text=True, timeout=timeout)

    return run
