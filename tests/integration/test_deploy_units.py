"""The production recipe in deploy/ holds: the systemd units are well-formed (systemd-analyze
verify, where the machine has it), every ExecStart runs an entry point that exists with
options it has, each long-running service restarts on failure and stops gracefully without
a pid file, and the environment example sets only variables the product reads."""
from __future__ import annotations

import importlib
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT
from tests.unit.test_docs_are_true import command_path_problems, environment_variables_read_by_the_product

UNITS = PROJECT_ROOT / "deploy" / "systemd"
ENV_EXAMPLE = PROJECT_ROOT / "deploy" / "jiahe.env.example"
INSTALLED_AT = "/srv/jiahe"  # where the units expect the project (and its .venv)
LONG_RUNNING = ("jiahe-api.service", "jiahe-worker@.service")


def unit(name: str) -> dict[str, list[tuple[str, str]]]:
    """A unit file's sections, each a list of (key, value) in order: keys may repeat."""
    sections: dict[str, list[tuple[str, str]]] = {}
    current = None
    for line in (UNITS / name).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], [])
        else:
            key, _, value = line.partition("=")
            current.append((key.strip(), value.strip()))
    return sections


def values(name: str, section: str, key: str) -> list[str]:
    return [v for k, v in unit(name).get(section, []) if k == key]


def test_the_recipe_has_the_api_the_templated_worker_and_their_target():
    assert {p.name for p in UNITS.iterdir()} >= {"jiahe.target", "jiahe-api.service", "jiahe-worker@.service"}


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed here")
def test_systemd_analyze_verify_finds_nothing_to_say(tmp_path):
    """The units as installed, with the project where this checkout is."""
    venv_bin = str(Path(sys.executable).parent)
    for path in UNITS.iterdir():
        text = path.read_text(encoding="utf-8").replace(f"{INSTALLED_AT}/.venv/bin", venv_bin)
        (tmp_path / path.name).write_text(text.replace(INSTALLED_AT, str(PROJECT_ROOT)), encoding="utf-8")
    names = [p.name.replace("@.", "@1.") for p in sorted(tmp_path.iterdir())]
    done = subprocess.run(["systemd-analyze", "verify", "--man=no", *[f"./{n}" for n in names]], cwd=tmp_path,
                          capture_output=True, text=True)
    assert (done.returncode, done.stdout + done.stderr) == (0, "")


def _exec_lines() -> list[tuple[str, list[str]]]:
    return [(path.name, shlex.split(command)) for path in sorted(UNITS.glob("*.service"))
            for command in values(path.name, "Service", "ExecStart")]


@pytest.mark.parametrize(("name", "argv"), _exec_lines(), ids=lambda v: v if isinstance(v, str) else " ".join(v[1:3]))
def test_every_exec_start_runs_an_entry_point_of_the_project_with_options_it_has(name, argv):
    program = Path(argv[0])
    assert program.parent == Path(INSTALLED_AT) / ".venv" / "bin"
    assert (Path(sys.executable).parent / program.name).is_file(), f"{program.name} is not installed in the venv"
    if program.name == "jiahe":
        assert command_path_problems(argv[1:]) == []
    else:
        assert program.name == "gunicorn"
        assert argv[1:3] == ["-c", "python:api.gunicorn_conf"] and argv[3] == "api:create_app()"
        assert importlib.import_module("api.gunicorn_conf").worker_class == "gthread"
        assert callable(importlib.import_module("api").create_app)


@pytest.mark.parametrize("name", LONG_RUNNING)
def test_each_long_running_service_restarts_on_failure_and_stops_gracefully(name):
    service = dict(unit(name)["Service"])
    assert service["Restart"] == "on-failure" and service["KillSignal"] == "SIGTERM"
    # SIGTERM to the main process only: its evaluation processes live until it is done.
    assert service["KillMode"] == "mixed" and int(service["TimeoutStopSec"]) >= 30
    assert "PIDFile" not in service and service["Type"] in {"notify", "exec", "simple"}
    assert service["User"] == "jiahe" and service["EnvironmentFile"] == "/etc/jiahe/jiahe.env"
    assert service["WorkingDirectory"] == INSTALLED_AT
    assert values(name, "Unit", "PartOf") == ["jiahe.target"] and values(name, "Install", "WantedBy") == ["jiahe.target"]


def test_gunicorn_gets_longer_to_stop_than_it_gives_its_requests():
    graceful = importlib.import_module("api.gunicorn_conf").graceful_timeout
    assert int(dict(unit("jiahe-api.service")["Service"])["TimeoutStopSec"]) > graceful


def test_the_environment_example_sets_only_variables_the_product_reads_and_no_timer_thread():
    assignments = [line.lstrip("#").split("=", 1)[0] for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
                   if "=" in line and line.lstrip("#").split("=", 1)[0].isupper()]
    assert "DATABASE_URL" in assignments and "JIAHE_KEY_DIR" in assignments
    assert sorted(set(assignments) - environment_variables_read_by_the_product()) == []
    assert "JIAHE_TIMER_WORKER" not in assignments  # the worker units fire the timers


def test_jiahe_run_runs_commands_as_the_units_run_them():
    """deploy/jiahe-run: set-up commands with the services' user, directory and environment
    (so their audit events are signed with the same key)."""
    script = PROJECT_ROOT / "deploy" / "jiahe-run"
    assert subprocess.run(["sh", "-n", str(script)]).returncode == 0
    text = script.read_text(encoding="utf-8")
    worker = dict(unit("jiahe-worker@.service")["Service"])
    assert f"--uid={worker['User']}" in text and f"--working-directory={worker['WorkingDirectory']}" in text
    assert f"EnvironmentFile={worker['EnvironmentFile']}" in text and f"StateDirectory={worker['StateDirectory']}" in text
    assert f"{INSTALLED_AT}/.venv/bin/jiahe \"$@\"" in text and script.stat().st_mode & 0o111
