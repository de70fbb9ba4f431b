"""gunicorn's settings for Jiahe's web server:

    gunicorn -c python:api.gunicorn_conf 'api:create_app()'

Threaded workers (gthread: a live notification stream holds a thread, not a process), as
many processes as JIAHE_WEB_WORKERS and threads each as JIAHE_WEB_THREADS, on JIAHE_BIND.

Metrics (api.metrics): every worker writes its counts to files in one directory that a
scrape adds up. The master starts each run with an empty one: PROMETHEUS_MULTIPROC_DIR's
old files removed, or, when it is unset, a new temporary directory removed again at exit.
A worker that dies keeps its counts in its files until the next start (child_exit tells
the library, which drops what it kept only for live processes).

The master imports this module and so the package `api`, but never prometheus_client before
it has set the variable (the library picks its storage when it is first imported).
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"

bind = os.environ.get("JIAHE_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("JIAHE_WEB_WORKERS", "2"))
worker_class = "gthread"
threads = int(os.environ.get("JIAHE_WEB_THREADS", "8"))
keepalive = 5  # seconds an idle connection from the reverse proxy stays open
graceful_timeout = 30  # on SIGTERM, seconds running requests get to finish
# No gunicornc control socket (gunicorn 25.1+): it would sit in $HOME, which the service user
# has none of, and two servers on one host would share its path. Reload with SIGHUP.
control_socket_disable = True
_made_dir: list[str] = []  # the temporary directory this master made, removed at exit


def on_starting(server) -> None:
    """Master start: an empty directory for the workers' metric files."""
    path = os.environ.get(MULTIPROCESS_DIR)
    if path:
        Path(path).mkdir(parents=True, exist_ok=True)
        for old in Path(path).glob("*.db"):
            old.unlink()
    else:
        path = tempfile.mkdtemp(prefix="jiahe-metrics-")
        _made_dir.append(path)
        os.environ[MULTIPROCESS_DIR] = path
    server.log.info("metrics of the workers in %s", path)


def child_exit(server, worker) -> None:
    """A worker ended (or was killed): its counts stay, its live-only values go."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server) -> None:
    for path in _made_dir:
        shutil.rmtree(path, ignore_errors=True)
