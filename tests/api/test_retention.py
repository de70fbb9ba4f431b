"""Retention (保管期限): when a case's period ends its personal information is anonymised,
while every statistic stays the same and every audit chain still verifies (PIPL Art. 19, 47);
a legal hold keeps a case as it is until released. Played on the demo's half-year of history."""
from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.demo_history import seed_history
from engine.personal_data import ERASED
from engine.retention import Retention
from engine.runtime.auditing import verify_audit
from engine.store.models import AuditEvent, CaseDocument, ProcessInstance

SUPERVISOR = "supervisor_county"
YEARS_31 = timedelta(days=366 * 31)


@pytest.fixture
def seeded(api):
    seed_history(api.services.runtime, api.services.store, api.clock.now())
    return api


def _statistics(api) -> dict:
    start = (api.clock.now() - timedelta(days=200)).date().isoformat()
    end = (api.clock.now() + timedelta(days=1)).date().isoformat()
    period = {"from": start, "to": end}
    reports = {f"summary/{g}": ("summary", {"group_by": g}) for g in
               ("channel", "dispute_type", "level", "risk_colour", "org_unit", "month", "status", "outcome")}
    reports |= {"commitments": ("commitments", {"breakdown": "org_unit"}), "services": ("services", {}),
                "heatmap": ("heatmap", {})}
    figures = {}
    for name, (path, params) in reports.items():
        response = api.get(f"/api/v1/reports/{path}", SUPERVISOR, query_string={**period, **params})
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        body.pop("generated_at", None)
        figures[name] = body
    return figures


def _finished_dispute(api) -> ProcessInstance:
    with api.services.store.read() as session:
        return session.scalars(select(ProcessInstance).where(
            ProcessInstance.process_key == "dispute_case", ProcessInstance.status == "completed",
            ProcessInstance.retain_until.is_not(None)).order_by(ProcessInstance.case_no)).first()


def _run_retention_in(api, later: timedelta):
    now = api.clock.now()
    api.clock.set(now + later)
    try:
        return Retention(api.services.runtime, api.services.files).run(limit=100_000)
    finally:
        api.clock.set(now)


def _names_in(api, case_id: str) -> list[str]:
    detail = api.get(f"/api/v1/cases/{case_id}", SUPERVISOR).get_json()
    return [p.get("name") for p in detail["data"].get("parties") or []]


def test_every_finished_case_has_a_retention_period_and_open_ones_none_yet(seeded):
    with seeded.services.store.read() as session:
        rows = session.execute(select(ProcessInstance.status, ProcessInstance.retain_until)).all()
    finished = [until for status, until in rows if status in ("completed", "terminated")]
    assert finished and all(finished)
    assert all(until is None for status, until in rows if status == "running")


def test_past_its_period_a_case_is_anonymised_with_every_statistic_unchanged_and_the_chain_intact(seeded):
    api = seeded
    case = _finished_dispute(api)
    names = _names_in(api, case.id)
    assert names and all(names) and ERASED not in names
    before = _statistics(api)

    done = _run_retention_in(api, YEARS_31)

    assert case.id in {c.instance_id for c in done.anonymised}
    assert _statistics(api) == before
    assert verify_audit(api.services.store).ok
    assert set(_names_in(api, case.id)) == {ERASED}
    detail = api.get(f"/api/v1/cases/{case.id}", SUPERVISOR).get_json()
    assert detail["dispute_type"] == case.dispute_type and detail["outcome"] == case.outcome
    with api.services.store.read() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.stream == case.id)).all()
    assert any(e.personal_digest for e in events) and not any(e.personal for e in events)
    assert events[-1].type == "case_anonymised" and events[-1].data["values"] > 0
    timeline = json.dumps(api.get(f"/api/v1/cases/{case.id}/timeline", SUPERVISOR).get_json(), ensure_ascii=False)
    assert all(name not in timeline for name in names)


def test_nothing_is_anonymised_before_its_period_ends(seeded):
    case = _finished_dispute(seeded)
    until = case.retain_until
    done = _run_retention_in(seeded, timedelta(days=1))
    assert case.id not in {c.instance_id for c in done.anonymised}
    assert ERASED not in _names_in(seeded, case.id), until


def test_a_legal_hold_keeps_the_case_until_it_is_released(seeded):
    api = seeded
    case = _finished_dispute(api)
    placed = api.post(f"/api/v1/cases/{case.id}/legal-holds", SUPERVISOR, json={"reason": "当事人已起诉，法院调取证据"})
    assert placed.status_code == 201, placed.get_json()
    held = api.get(f"/api/v1/cases/{case.id}/retention", SUPERVISOR).get_json()
    assert held["held"] and held["retain_until"] == case.retain_until and held["anonymised_at"] is None
    assert held["may_hold"] and held["may_export"]

    done = _run_retention_in(api, YEARS_31)
    assert case.id not in {c.instance_id for c in done.anonymised} and done.anonymised
    assert ERASED not in _names_in(api, case.id)

    hold_id = placed.get_json()["id"]
    released = api.post(f"/api/v1/cases/{case.id}/legal-holds/{hold_id}/release", SUPERVISOR,
                        json={"reason": "判决已生效"})
    assert released.status_code == 200 and released.get_json()["released_by"] == SUPERVISOR
    again = api.post(f"/api/v1/cases/{case.id}/legal-holds/{hold_id}/release", SUPERVISOR, json={"reason": "再次"})
    assert again.status_code == 409
    done = _run_retention_in(api, YEARS_31)
    assert [c.instance_id for c in done.anonymised] == [case.id]
    types = [e["type"] for e in api.get(f"/api/v1/cases/{case.id}/timeline", SUPERVISOR).get_json()["items"]]
    assert types[-3:] == ["legal_hold_placed", "legal_hold_released", "case_anonymised"]


def test_only_supervisors_place_holds_and_read_the_report(seeded):
    case = _finished_dispute(seeded)
    refused = seeded.post(f"/api/v1/cases/{case.id}/legal-holds", "mediator_a", json={"reason": "x"})
    assert refused.status_code in (403, 404)
    blank = seeded.post(f"/api/v1/cases/{case.id}/legal-holds", SUPERVISOR, json={"reason": "  "})
    assert blank.status_code == 422
    assert seeded.get("/api/v1/reports/retention", "mediator_a").status_code == 403


def test_the_report_lists_what_was_anonymised_when_and_what_comes_due(seeded):
    api = seeded
    case = _finished_dispute(api)
    now = api.clock.now()
    api.clock.set(now + YEARS_31)
    try:
        Retention(api.services.runtime, api.services.files).run(limit=100_000)
        report = api.get("/api/v1/reports/retention", SUPERVISOR).get_json()
    finally:
        api.clock.set(now)
    row = next(r for r in report["anonymised"] if r["id"] == case.id)
    assert row["case_no"] == case.case_no and row["retain_until"] == case.retain_until and row["values"] > 0
    soon = api.get("/api/v1/reports/retention", SUPERVISOR).get_json()
    assert soon["anonymised"] == [] and all(r["retain_until"] for r in soon["coming_due"])


def test_the_documents_of_an_anonymised_case_leave_the_file_store_and_their_hashes_stay(seeded):
    api = seeded
    case = _finished_dispute(api)
    files = api.services.files
    digest = files.put(f"调解协议书 {case.case_no} 张某某".encode())
    with api.services.store.write() as session:
        session.add(CaseDocument(id=str(uuid.uuid4()), instance_id=case.id, kind="uploaded", title="签字扫描件",
                                 filename="scan.pdf", media_type="application/pdf", size=10, sha256=digest,
                                 created_by=SUPERVISOR, created_at=api.clock.now()))
    done = _run_retention_in(api, YEARS_31)
    assert next(c for c in done.anonymised if c.instance_id == case.id).documents == 1
    assert not files.exists(digest)
    with api.services.store.read() as session:
        document = session.scalars(select(CaseDocument).where(CaseDocument.instance_id == case.id)).one()
    assert document.erased_at is not None and document.sha256 == digest


def test_events_from_before_personal_parts_are_split_and_the_chain_rehashed_intact(seeded):
    """An older Jiahe kept personal data inside each event's hashed data: anonymising such a
    case moves it out, erases it, and rehashes the chain under the audit key."""
    api = seeded
    case = _finished_dispute(api)
    names = _names_in(api, case.id)
    _rewrite_as_before_personal_parts(api.services.store, case.id)
    assert verify_audit(api.services.store, case.id).ok
    assert names[0] in json.dumps(_event_data(api, case.id), ensure_ascii=False)

    done = _run_retention_in(api, YEARS_31)

    anonymised = next(c for c in done.anonymised if c.instance_id == case.id)
    assert anonymised.rehashed_from is not None
    assert verify_audit(api.services.store, case.id).ok
    assert all(name not in json.dumps(_event_data(api, case.id), ensure_ascii=False) for name in names)


def _event_data(api, case_id: str) -> list:
    with api.services.store.read() as session:
        return [[e.data, e.personal] for e in session.scalars(
            select(AuditEvent).where(AuditEvent.stream == case_id).order_by(AuditEvent.seq))]


def _rewrite_as_before_personal_parts(store, case_id: str) -> None:
    from engine.audit import GENESIS, event_hash
    from engine.store import repository as repo

    with store.write() as session:
        key = repo.audit_key(session)
        prev = GENESIS
        for event in session.scalars(select(AuditEvent).where(AuditEvent.stream == case_id)
                                     .order_by(AuditEvent.seq)):
            data = repo.audit_record(event).full_data
            event.data, event.personal, event.personal_key, event.personal_digest = data, None, None, None
            event.prev_hash = prev
            event.hash = prev = event_hash(event.stream, event.seq, event.at, event.type, event.actor, event.task_id,
                                           data, prev, key=key)
        instance = session.get(ProcessInstance, case_id)
        instance.audit_hash = prev


def test_a_case_that_ended_before_periods_were_kept_takes_its_own_then_its_processs(seeded):
    """Cases finished before the row kept a 保管期限: a dispute case takes the one its closing
    set in its data (10 or 30 years by type and risk); a case whose data set none takes its
    process's retention_years from the catalog as deployed, counted from the day it ended."""
    from sqlalchemy import update

    api = seeded
    with api.services.store.read() as session:
        dispute = _finished_dispute(api)
        other = session.scalars(select(ProcessInstance).where(
            ProcessInstance.process_key == "dispute_case", ProcessInstance.status == "running")
            .order_by(ProcessInstance.case_no)).first()
    # Ended without its closing step, so its data sets no period: the catalog's 10 years.
    other = api.services.runtime.terminate(other.id, actor=SUPERVISOR, reason="当事人撤回")
    with api.services.store.read() as session:
        other = session.get(ProcessInstance, other.id)
    kept = {dispute.id: dispute.retain_until, other.id: other.retain_until}
    with api.services.store.write() as session:
        session.execute(update(ProcessInstance).where(ProcessInstance.id.in_(list(kept)))
                        .values(retain_until=None).execution_options(synchronize_session=False))

    _run_retention_in(api, timedelta(days=1))

    with api.services.store.read() as session:
        restored = {row.id: row for row in session.scalars(select(ProcessInstance)
                                                           .where(ProcessInstance.id.in_(list(kept))))}
    assert restored[dispute.id].retain_until == kept[dispute.id]
    ended = restored[other.id].ended_at.date()
    assert other.retain_until == restored[other.id].retain_until == ended.replace(year=ended.year + 10).isoformat()
