"""Any edit, deletion or reordering of audit rows is detected and the first broken event named."""
from __future__ import annotations

from sqlalchemy import delete, select, update

from engine.runtime.auditing import verify_audit
from engine.store.models import AuditEvent
from tests.integration.conftest import ready


def _case_with_history(runtime):
    view = runtime.start("five_steps", actor="clerk", org_unit="g")
    for name in ("step_1", "step_2"):
        view = runtime.complete(ready(view, name).id, {"note": f"{name} 记录"}, actor="w")
    return view.id


def _events(runtime, instance_id):
    with runtime.store.read() as s:
        return s.scalars(select(AuditEvent).where(AuditEvent.stream == instance_id)
                         .order_by(AuditEvent.seq)).all()


def _tamper(runtime, stmt):
    with runtime.store.write() as s:
        s.execute(stmt)


def test_an_intact_trail_verifies(runtime):
    instance_id = _case_with_history(runtime)
    report = verify_audit(runtime.store)
    assert report.ok and report.events >= 7
    assert verify_audit(runtime.store, instance_id).ok


def test_an_edited_event_is_named(runtime):
    instance_id = _case_with_history(runtime)
    target = _events(runtime, instance_id)[3]
    _tamper(runtime, update(AuditEvent).where(AuditEvent.id == target.id).values(actor="someone-else"))
    [broken] = verify_audit(runtime.store, instance_id).broken
    assert broken.seq == target.seq and "edited" in broken.reason


def test_edited_submitted_data_is_named(runtime):
    instance_id = _case_with_history(runtime)
    target = [e for e in _events(runtime, instance_id) if e.type == "task_completed"][0]
    _tamper(runtime, update(AuditEvent).where(AuditEvent.id == target.id)
            .values(data={"name": "step_1", "data": {"note": "篡改"}}))
    [broken] = verify_audit(runtime.store, instance_id).broken
    assert broken.seq == target.seq


def test_a_deleted_event_is_named(runtime):
    instance_id = _case_with_history(runtime)
    events = _events(runtime, instance_id)
    _tamper(runtime, delete(AuditEvent).where(AuditEvent.id == events[2].id))
    [broken] = verify_audit(runtime.store, instance_id).broken
    assert broken.seq == events[3].seq and "deleted" in broken.reason


def test_deleting_the_newest_event_is_detected_by_the_chain_head(runtime):
    instance_id = _case_with_history(runtime)
    last = _events(runtime, instance_id)[-1]
    _tamper(runtime, delete(AuditEvent).where(AuditEvent.id == last.id))
    [broken] = verify_audit(runtime.store, instance_id).broken
    assert broken.seq == last.seq and "head" in broken.reason


def test_reordered_events_are_named(runtime):
    instance_id = _case_with_history(runtime)
    a, b = _events(runtime, instance_id)[1:3]
    _tamper(runtime, update(AuditEvent).where(AuditEvent.id == a.id).values(seq=-1))
    _tamper(runtime, update(AuditEvent).where(AuditEvent.id == b.id).values(seq=a.seq))
    _tamper(runtime, update(AuditEvent).where(AuditEvent.id == a.id).values(seq=b.seq))
    [broken] = verify_audit(runtime.store, instance_id).broken
    assert broken.seq == a.seq


def test_tampering_with_one_case_leaves_other_cases_verified(runtime):
    tampered = _case_with_history(runtime)
    clean = _case_with_history(runtime)
    target = _events(runtime, tampered)[0]
    _tamper(runtime, update(AuditEvent).where(AuditEvent.id == target.id).values(type="forged"))
    report = verify_audit(runtime.store)
    assert [b.stream for b in report.broken] == [tampered]
    assert verify_audit(runtime.store, clean).ok
