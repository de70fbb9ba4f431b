"""/metrics under a real gunicorn with two worker processes, started as production starts it
(`gunicorn -c python:api.gunicorn_conf 'api:create_app()'`) on a SQLite database the command
line prepared: every request counted once whichever worker answered it and whichever answers
the scrape, a worker killed hard respawned with its counts kept, and SIGTERM a clean exit."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from prometheus_client.mmap_dict import MmapedDict
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import PROJECT_ROOT

TOKEN = "gunicorn-metrics-token"
REQUESTS = 200
HEALTHZ = {"endpoint": "system.healthz", "method": "GET", "status": "2xx"}

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads worker processes from /proc")


@dataclass
class Server:
    base: str
    process: subprocess.Popen
    log: Path

    def output(self) -> str:
        return self.log.read_text("utf-8", "replace")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _command(name: str) -> list[str]:
    script = Path(sys.executable).with_name(name)
    return [str(script)] if script.exists() else [sys.executable, "-m", {"jiahe": "api.cli"}.get(name, name)]


def _environment(tmp_path: Path, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "PROMETHEUS_MULTIPROC_DIR", "GUNICORN_CMD_ARGS")}
    env.update(JIAHE_DB_PATH=str(tmp_path / "jiahe.sqlite3"), JIAHE_KEY_DIR=str(tmp_path / "keys"),
               JIAHE_FILES_DIR=str(tmp_path / "files"), JIAHE_PROJECT_ROOT=str(PROJECT_ROOT),
               JIAHE_METRICS_TOKEN=TOKEN, JIAHE_WEB_WORKERS="2", JIAHE_WEB_THREADS="2",
               JIAHE_BIND=f"127.0.0.1:{_free_port()}", PYTHONUNBUFFERED="1", **extra)
    return env


def _start(tmp_path: Path, env: dict) -> Server:
    subprocess.run([*_command("jiahe"), "db", "upgrade"], cwd=PROJECT_ROOT, env=env, check=True, capture_output=True)
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as sink:  # a file, not a pipe: a full pipe would block the server
        process = subprocess.Popen([*_command("gunicorn"), "-c", "python:api.gunicorn_conf", "api:create_app()"],
                                   cwd=PROJECT_ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT)
    server = Server(f"http://{env['JIAHE_BIND']}", process, log)
    _wait_until_answering(server)
    return server


def _wait_until_answering(server: Server) -> None:
    while server.process.poll() is None:
        try:
            if _get(server, "/healthz") == 200:
                return
        except (urllib.error.URLError, ConnectionError):
            pass
        time.sleep(0.2)
    pytest.fail(f"gunicorn exited with {server.process.returncode}:\n{server.output()}")


def _stop(server: Server) -> int:
    server.process.send_signal(signal.SIGTERM)
    return server.process.wait()  # graceful_timeout in api.gunicorn_conf bounds it


@pytest.fixture
def started(tmp_path):
    servers: list[Server] = []

    def start(**extra: str) -> Server:
        servers.append(_start(tmp_path, _environment(tmp_path, **extra)))
        return servers[-1]

    yield start
    for server in servers:
        if server.process.poll() is None:
            server.process.kill()
            server.process.wait()


def _get(server: Server, path: str, headers: dict | None = None) -> int:
    """One request on a connection of its own (urllib closes it), so any worker may take it."""
    request = urllib.request.Request(server.base + path, headers=headers or {})
    with urllib.request.urlopen(request) as response:
        response.read()
        return response.status


def _scrape(server: Server) -> dict[tuple, float]:
    request = urllib.request.Request(server.base + "/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    with urllib.request.urlopen(request) as response:
        text = response.read().decode()
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def _healthz_count(server: Server) -> float:
    key = ("jiahe_http_request_duration_seconds_count", tuple(sorted(HEALTHZ.items())))
    return _scrape(server).get(key, 0.0)


def _send_healthz(server: Server, count: int) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        assert set(pool.map(lambda _: _get(server, "/healthz"), range(count))) == {200}


def _workers(master: int) -> set[int]:
    """The master's child processes, from /proc."""
    children = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if int(fields[1]) == master and fields[0] != "Z":
            children.add(int(stat.parent.name))
    return children


def _processes_that_counted_healthz(directory: Path) -> set[int]:
    pids = set()
    for path in directory.glob("histogram_*.db"):
        for key, value, _, _ in MmapedDict.read_all_values_from_file(str(path)):
            if '"system.healthz"' in key and "_bucket" in key and value > 0:  # buckets kept uncumulated
                pids.add(int(path.stem.split("_")[1]))
    return pids


def test_requests_to_several_workers_are_counted_once_each_and_sigterm_exits_cleanly(started, tmp_path):
    directory = tmp_path / "metrics"
    directory.mkdir()
    (directory / "histogram_1.db").write_bytes(b"left over from the last run")
    # At most 4 connections a worker (gunicorn's own variable): 8 clients at once keep both busy.
    server = started(PROMETHEUS_MULTIPROC_DIR=str(directory), GUNICORN_CMD_ARGS="--worker-connections 4")
    assert not (directory / "histogram_1.db").exists()
    before, sent = _healthz_count(server), 0
    # On a busy machine one worker may take a whole batch: send batches until both have counted.
    while len(_processes_that_counted_healthz(directory)) < 2 and sent < 10 * REQUESTS:
        _send_healthz(server, REQUESTS)
        sent += REQUESTS
    assert len(_processes_that_counted_healthz(directory)) >= 2, "one worker took every request"
    for _ in range(3):  # whichever worker answers the scrape
        assert _healthz_count(server) == before + sent
    assert _stop(server) == 0, server.output()


def test_a_worker_killed_hard_is_replaced_and_its_counts_stay(started):
    server = started()  # PROMETHEUS_MULTIPROC_DIR unset: the master makes a directory of its own
    _send_healthz(server, REQUESTS)
    counted = _healthz_count(server)
    assert counted >= REQUESTS
    workers = _workers(server.process.pid)
    assert len(workers) == 2, server.output()
    victim = min(workers)
    os.kill(victim, signal.SIGKILL)
    while server.process.poll() is None and (victim in _workers(server.process.pid)
                                             or len(_workers(server.process.pid)) < 2):
        time.sleep(0.2)
    assert server.process.poll() is None, server.output()
    assert _healthz_count(server) == counted  # /metrics answers, the dead worker's counts with it
    _send_healthz(server, REQUESTS)
    assert _healthz_count(server) == counted + REQUESTS
    made = [line.rsplit(" ", 1)[-1] for line in server.output().splitlines() if "metrics of the workers in" in line]
    assert _stop(server) == 0, server.output()
    assert made and not Path(made[0]).exists()  # its own directory removed at exit
