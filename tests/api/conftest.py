"""API tests: the real app (create_app) on a fresh database — a SQLite file, and PostgreSQL
where it answers — with the demo organisation imported and the shipped processes deployed.
Time is a ManualClock, so tests travel instead of sleeping."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pytest

from api import create_app
from engine.clock import ManualClock
from engine.runtime.deployment import deploy_project
from engine.store import org_repository

ROOT = Path(__file__).resolve().parents[2]
DEMO_ORG = ROOT / "processes" / "org" / "demo.yaml"
PASSWORD = "jiahe-demo"

# Demo users by role (processes/org/demo.yaml): the first one listed for each role.
USERS = {
    "grid_worker": "grid_a1", "grid_worker_b": "grid_b1", "intake_clerk": "clerk", "village_mediator": "mediator_a",
    "village_mediator_b": "mediator_b", "town_mediator": "town_mediator", "legal_advisor": "lawyer",
    "psychologist": "psychologist", "rights_officer": "rights_officer", "supervisor_village": "supervisor_a",
    "supervisor_town": "supervisor_town", "supervisor_county": "supervisor_county",
    "process_designer": "designer", "admin": "admin",
}


@dataclass
class Api:
    app: object
    client: object
    clock: ManualClock
    tokens: dict

    @property
    def services(self):
        return self.app.extensions["jiahe"]

    def token(self, username: str) -> str:
        if username not in self.tokens:
            response = self.client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
            assert response.status_code == 200, response.get_json()
            self.tokens[username] = response.get_json()["token"]
        return self.tokens[username]

    def as_(self, username: str) -> dict:
        return {"Authorization": f"Bearer {self.token(username)}"}

    def get(self, url, user=None, **kw):
        return self.client.get(url, headers=self.as_(user) if user else {}, **kw)

    def post(self, url, user=None, json=None, headers=None, **kw):
        return self.client.post(url, json=json, headers={**(self.as_(user) if user else {}), **(headers or {})}, **kw)

    def put(self, url, user=None, json=None, **kw):
        return self.client.put(url, json=json, headers=self.as_(user) if user else {}, **kw)


@pytest.fixture
def api(store, tmp_path, monkeypatch):
    """The app on the `store` fixture's database (SQLite file or a PostgreSQL schema).

    Hashes use a low scrypt cost here (stored in each hash, so verification follows it):
    the real cost would spend about a second per test on the demo import alone."""
    monkeypatch.setattr(org_repository, "SCRYPT_N", 2**8)
    clock = ManualClock(datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc))
    app = create_app({"TESTING": True, "JIAHE_PROJECT_ROOT": str(ROOT), "START_TIMER_WORKER": False},
                     clock=clock, store=store)
    services = app.extensions["jiahe"]
    org_repository.import_org(services.store, DEMO_ORG)
    services.charts.invalidate()
    deploy_project(services.runtime, ROOT, actor="designer")
    return Api(app=app, client=app.test_client(), clock=clock, tokens={})
