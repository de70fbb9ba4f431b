"""The engine objects one app works with, built once per app."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from api.ratelimit import RateLimits
from engine.clock import Clock
from engine.org import OrgChart
from engine.runtime.runtime import Runtime
from engine.store import Store
from engine.store.files import FileStore
from engine.store.org_repository import ChartCache


@dataclass
class Services:
    store: Store
    runtime: Runtime
    charts: ChartCache
    clock: Clock
    project_root: Path
    limits: RateLimits
    files: FileStore  # documents and uploaded scans (JIAHE_FILES_DIR)

    def chart(self) -> OrgChart:
        return self.charts.get()


def services() -> Services:
    return current_app.extensions["jiahe"]
