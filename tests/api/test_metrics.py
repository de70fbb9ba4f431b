"""GET /metrics: only with the metrics token; requests counted per endpoint, never per path;
tasks completed per process; incidents, timers and the outboxes read from the database.

Counts live in this test process (no PROMETHEUS_MULTIPROC_DIR here) and add up over the whole
run, so the tests compare before and after; tests/integration/test_metrics_gunicorn.py checks
the counts of several gunicorn processes."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

from api import create_app, metrics
from api.worker import one_pass
from engine.clock import ManualClock
from engine.runtime.deployment import deploy_project
from engine.runtime.runtime import Runtime
from engine.store import org_repository
from tests.api.cases_support import INTAKE, NO_RISK
from tests.api.conftest import DEMO_ORG, ROOT, Api
from tests.api.task_support import SCREENING, start_case, task_id
from tests.conftest import FIXTURES

TOKEN = "metrics-token-for-the-tests"
MONITOR = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def office(store, tmp_path, monkeypatch):
    """The app with a metrics token, and a WeCom robot for grid_a1 that nothing here sends to."""
    monkeypatch.setattr(org_repository, "SCRYPT_N", 2**8)
    notify = tmp_path / "notify.yaml"
    robot = {"name": "li-wecom", "kind": "wecom", "url": "http://127.0.0.1:9/never-called"}
    notify.write_text(yaml.safe_dump({"users": {"grid_a1": [robot]}}), encoding="utf-8")
    clock = ManualClock(datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc))
    app = create_app({"TESTING": True, "JIAHE_PROJECT_ROOT": str(ROOT), "START_TIMER_WORKER": False,
                      "METRICS_TOKEN": TOKEN, "NOTIFY_CONFIG": str(notify)}, clock=clock, store=store)
    services = app.extensions["jiahe"]
    org_repository.import_org(services.store, DEMO_ORG)
    services.charts.invalidate()
    deploy_project(services.runtime, ROOT, actor="designer")
    return Api(app=app, client=app.test_client(), clock=clock, tokens={})


@pytest.fixture
def fixture_runtime(office):
    """The test fixtures' processes (a failing script, a timer, messages) on the same database."""
    runtime = Runtime(office.services.store, clock=office.clock)
    deploy_project(runtime, FIXTURES, actor="designer")
    return runtime


def scrape(api) -> dict[tuple, float]:
    """Every sample of GET /metrics by (name, sorted labels)."""
    response = api.client.get("/metrics", headers=MONITOR)
    assert response.status_code == 200, response.data
    assert response.mimetype == "text/plain"
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(response.get_data(as_text=True))
            for sample in family.samples}


def value(samples: dict, name: str, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_metrics_answer_only_to_the_metrics_token(office):
    assert office.client.get("/metrics").status_code == 401
    assert office.client.get("/metrics").headers["WWW-Authenticate"] == "Bearer"
    assert office.client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert office.client.get("/metrics", headers={"Authorization": TOKEN}).status_code == 401
    # A user's login is not the monitoring system's token, an administrator's neither.
    assert office.get("/metrics", "admin").status_code == 401
    assert office.get("/metrics", "admin").get_json()["error"]["code"] == "unauthorized"
    assert "jiahe_open_tasks" in office.client.get("/metrics", headers=MONITOR).get_data(as_text=True)


def test_metrics_are_off_while_no_token_is_set(office):
    office.app.config["METRICS_TOKEN"] = None
    response = office.client.get("/metrics", headers=MONITOR)
    assert response.status_code == 404
    assert "JIAHE_METRICS_TOKEN" in response.get_json()["error"]["message"]


def test_the_openapi_document_says_metrics_need_the_token(office):
    operation = office.client.get("/api/openapi.json").get_json()["paths"]["/metrics"]["get"]
    assert operation["security"] == [{"metricsToken": []}]
    assert {"200", "401", "404"} <= set(operation["responses"])


def test_a_request_is_counted_under_its_endpoint_never_its_path(office):
    first, second = start_case(office), start_case(office)
    endpoint = office.app.url_map.bind("localhost").match(f"/api/v1/cases/{first.id}")[0]
    series = {"endpoint": endpoint, "method": "GET", "status": "2xx"}
    before = scrape(office)
    for case in (first, second):
        assert office.get(f"/api/v1/cases/{case.id}", "clerk").status_code == 200
    after = scrape(office)
    count = "jiahe_http_request_duration_seconds_count"
    assert value(after, count, **series) - value(before, count, **series) == 2
    assert value(after, "jiahe_http_request_duration_seconds_bucket", le="+Inf", **series) == value(after, count, **series)
    assert not [key for key in after if any(first.id in v or second.id in v for _, v in key[1])]


def test_a_refused_request_is_counted_under_its_status_class(office):
    series = {"endpoint": "system.metrics", "method": "GET", "status": "4xx"}
    before = value(scrape(office), "jiahe_http_request_duration_seconds_count", **series)
    office.client.get("/metrics")
    assert value(scrape(office), "jiahe_http_request_duration_seconds_count", **series) == before + 1


def test_unknown_methods_are_counted_as_other_so_the_series_stay_few(office):
    office.client.open("/healthz", method="BREW")
    office.client.open("/healthz", method="WHEN")
    methods = {dict(labels)["method"] for name, labels in scrape(office)
               if name == "jiahe_http_request_duration_seconds_count"}
    assert "other" in methods and not methods & {"BREW", "WHEN"}
    assert not [key for key in metrics._request_series if key[1] in ("BREW", "WHEN")]


def test_a_completed_task_counts_for_its_process(office):
    case = start_case(office)
    before = value(scrape(office), "jiahe_tasks_completed_total", process="dispute_case")
    task = task_id(office, case.id, "screen_risk")
    response = office.post(f"/api/v1/tasks/{task}/complete", "clerk", json={"data": SCREENING["blue"]})
    assert response.status_code == 200, response.get_json()
    assert value(scrape(office), "jiahe_tasks_completed_total", process="dispute_case") == before + 1


def test_a_refused_completion_counts_nothing(office):
    case = start_case(office)
    before = value(scrape(office), "jiahe_tasks_completed_total", process="dispute_case")
    task = task_id(office, case.id, "screen_risk")
    assert office.post(f"/api/v1/tasks/{task}/complete", "clerk", json={"data": {}}).status_code == 422
    assert value(scrape(office), "jiahe_tasks_completed_total", process="dispute_case") == before


def test_a_completion_counts_only_once_its_transaction_commits(office):
    runtime = office.services.runtime
    case = start_case(office)
    before = value(scrape(office), "jiahe_tasks_completed_total", process="dispute_case")
    task = task_id(office, case.id, "screen_risk")
    with pytest.raises(RuntimeError), runtime.changing_task(task, "clerk") as (change, task_row):
        runtime.complete_in(change, task_row, SCREENING["blue"])
        raise RuntimeError("the caller's next step fails: the whole transaction rolls back")
    assert value(scrape(office), "jiahe_tasks_completed_total", process="dispute_case") == before
    runtime.complete(task, SCREENING["blue"], actor="clerk")  # as an escalation does, without a form
    assert value(scrape(office), "jiahe_tasks_completed_total", process="dispute_case") == before + 1


def test_every_status_is_reported_and_an_incident_shows_at_once(office, fixture_runtime):
    before = scrape(office)
    assert {value(before, "jiahe_instances", status=s) for s in ("incident", "suspended", "terminated")} == {0}
    broken = fixture_runtime.start("scripted", actor="clerk", org_unit="g", data={"amount": 5, "parties": 0})
    assert broken.status == "incident"
    assert value(scrape(office), "jiahe_instances", status="incident") == 1


def test_a_due_timer_shows_how_late_it_is_until_a_worker_pass_fires_it(office, fixture_runtime):
    view = fixture_runtime.start("deadline", actor="clerk", org_unit="v")
    office.clock.advance(timedelta(days=25, seconds=90))  # its first timer fell due 90 s ago
    late = scrape(office)
    assert value(late, "jiahe_due_timers") == 1
    assert value(late, "jiahe_timer_lag_seconds") == 90
    fired = value(late, "jiahe_timers_fired_total")
    assert one_pass(fixture_runtime).fired == 1
    done = scrape(office)
    assert (value(done, "jiahe_due_timers"), value(done, "jiahe_timer_lag_seconds")) == (0, 0)
    assert value(done, "jiahe_timers_fired_total") == fired + 1
    assert fixture_runtime.instance(view.id).next_due_at > office.clock.now()


def test_a_notification_waiting_for_its_channel_is_outbox_depth(office):
    assert value(scrape(office), "jiahe_outbox_pending", outbox="notifications") == 0
    runtime = office.services.runtime
    case = runtime.start("dispute_case", actor="clerk", org_unit="grid-a1", data={"channel": "phone", **INTAKE})
    runtime.complete(task_id(office, case.id, "screen_risk"), NO_RISK, actor="clerk")
    runtime.complete(task_id(office, case.id, "accept_case"), {"decision": "accept"}, actor="clerk")
    assert value(scrape(office), "jiahe_outbox_pending", outbox="notifications") == 1  # grid_a1's mediation


def test_a_message_without_a_receiver_is_outbox_depth_until_one_waits(office, fixture_runtime):
    fixture_runtime.start("messaging_sender", actor="c", org_unit="g",
                          data={"case_ref": "LATE", "ruling": "驳回", "household_id": "H-2"})
    assert value(scrape(office), "jiahe_outbox_pending", outbox="messages") == 1
    fixture_runtime.start("messaging_receiver", actor="c", org_unit="g", data={"case_ref": "LATE"})
    assert value(scrape(office), "jiahe_outbox_pending", outbox="messages") == 0
