"""Rewrites by someone who can write the database but holds no key: deleting the newest event
and fixing the head, editing an event and rehashing the rest, erasing a case's history. The
audit key finds the rehash; a signed checkpoint finds the truncation and the erasure; a case
with no events is flagged on its own. Intake records are court evidence (SPC 2022 rules on
protection orders, Art. 6), so none of these may pass `jiahe audit verify`."""
from __future__ import annotations

import json
from dataclasses import replace

import pytest
from sqlalchemy import delete, select, text, update

from engine.audit import GENESIS, AuditRecord, event_hash
from engine.errors import NotFound
from engine.runtime import checkpoints
from engine.runtime.auditing import rekey_legacy, verify_audit
from engine.store.models import AuditEvent, ProcessInstance
from tests.integration.conftest import ready


def _case(runtime) -> str:
    view = runtime.start("five_steps", actor="clerk", org_unit="g")
    for name in ("step_1", "step_2", "step_3"):
        view = runtime.complete(ready(view, name).id, {"note": f"{name} 记录"}, actor="w")
    return view.id


def _events(store, stream) -> list[AuditEvent]:
    with store.read() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.stream == stream).order_by(AuditEvent.seq)))


def _write(store, *statements) -> None:
    with store.write() as session:
        for statement in statements:
            session.execute(statement.execution_options(synchronize_session=False))


def _head(store, instance_id, seq, digest):
    return update(ProcessInstance).where(ProcessInstance.id == instance_id).values(audit_seq=seq, audit_hash=digest)


def _checkpoint(runtime, tmp_path, key_dir):
    path = checkpoints.write(checkpoints.take(runtime.store, runtime.clock.now(), key_dir), tmp_path / "cp.json")
    return checkpoints.load(path)


def _as_record(event: AuditEvent) -> AuditRecord:
    return AuditRecord(event.stream, event.seq, event.at, event.type, event.actor, event.task_id, event.data,
                       event.prev_hash, event.hash, event.personal, event.personal_key, event.personal_digest)


def test_deleting_the_newest_event_and_fixing_the_head_is_found_by_the_checkpoint(runtime, tmp_path, key_dir):
    case = _case(runtime)
    signed = _checkpoint(runtime, tmp_path, key_dir)
    events = _events(runtime.store, case)
    newest, previous = events[-1], events[-2]
    _write(runtime.store, delete(AuditEvent).where(AuditEvent.id == newest.id),
           _head(runtime.store, case, previous.seq, previous.hash))
    assert verify_audit(runtime.store, case).ok  # the chain alone cannot tell: it looks like an older head
    report = verify_audit(runtime.store, case, signed)
    [broken] = report.broken
    assert broken.seq == newest.seq and "cut short since the checkpoint" in broken.reason


def test_editing_an_event_and_rehashing_the_rest_without_the_key_is_found(runtime):
    case = _case(runtime)
    events = [_as_record(e) for e in _events(runtime.store, case)]
    target = next(i for i, e in enumerate(events) if e.type == "task_completed")
    prev = events[target - 1].hash
    statements = []
    for index, record in enumerate(events[target:], start=target):
        data = {**record.data, "data": {"note": "篡改后的记录"}} if index == target else record.data
        digest = event_hash(record.stream, record.seq, record.at, record.type, record.actor, record.task_id, data,
                            prev, key=None)  # the attacker's best: SHA-256 without the key
        statements.append(update(AuditEvent).where(AuditEvent.stream == case, AuditEvent.seq == record.seq)
                          .values(data=data, prev_hash=prev, hash=digest))
        prev = digest
    _write(runtime.store, *statements, _head(runtime.store, case, events[-1].seq, prev))
    [broken] = verify_audit(runtime.store, case).broken
    assert broken.seq == events[target].seq and "without the audit key" in broken.reason


def test_erasing_a_cases_history_is_flagged_and_erasing_the_case_too_is_found_by_the_checkpoint(
        runtime, tmp_path, key_dir):
    kept, erased, gone = _case(runtime), _case(runtime), _case(runtime)
    signed = _checkpoint(runtime, tmp_path, key_dir)
    _write(runtime.store, delete(AuditEvent).where(AuditEvent.stream == erased), _head(runtime.store, erased, 0, ""))
    [broken] = verify_audit(runtime.store).broken
    assert broken.stream == erased and "has no audit events" in broken.reason
    _write(runtime.store, delete(AuditEvent).where(AuditEvent.stream == gone))
    with runtime.store.write() as session:
        for table in ("human_task", "commitment_record", "message_subscription", "incident"):
            session.execute(text(f"DELETE FROM {table} WHERE instance_id = :i"), {"i": gone})
        session.execute(delete(ProcessInstance).where(ProcessInstance.id == gone))
    report = verify_audit(runtime.store, checkpoint=signed)
    assert {link.stream for link in report.broken} == {erased, gone}
    assert "erased or cut short since the checkpoint" in next(b for b in report.broken if b.stream == gone).reason
    assert verify_audit(runtime.store, kept, signed).ok


def test_a_checkpoint_that_was_edited_or_signed_with_another_key_is_refused(runtime, tmp_path, key_dir):
    _case(runtime)
    path = checkpoints.write(checkpoints.take(runtime.store, runtime.clock.now(), key_dir), tmp_path / "cp.json")
    document = json.loads(path.read_text())
    stream = next(iter(document["heads"]))
    document["heads"][stream][0] -= 1  # pretend the chain was shorter
    path.write_text(json.dumps(document))
    with pytest.raises(checkpoints.CheckpointInvalid):
        checkpoints.load(path)
    other = checkpoints.write(checkpoints.take(runtime.store, runtime.clock.now(), tmp_path / "other-keys"),
                              tmp_path / "other.json")
    with pytest.raises(checkpoints.CheckpointInvalid):
        checkpoints.load(other)


def test_verifying_one_case_takes_its_number_or_id_and_an_unknown_one_is_not_found(runtime):
    case = _case(runtime)
    with runtime.store.read() as session:
        number = session.get(ProcessInstance, case).case_no
    assert verify_audit(runtime.store, number).ok and verify_audit(runtime.store, case).streams == 1
    with pytest.raises(NotFound):
        verify_audit(runtime.store, "JH-1999-000001")


def test_chains_from_before_audit_keys_move_to_the_key_once_and_broken_ones_stay_broken(runtime):
    legacy, damaged = _case(runtime), _case(runtime)
    for stream in (legacy, damaged):  # as an older Jiahe wrote them: plain SHA-256, personal data inline
        prev, statements = GENESIS, []
        for event in _events(runtime.store, stream):
            record = replace(_as_record(event), prev_hash=prev)
            digest = event_hash(record.stream, record.seq, record.at, record.type, record.actor, record.task_id,
                                record.full_data, prev, key=None)
            statements.append(update(AuditEvent).where(AuditEvent.id == event.id).values(
                data=record.full_data, personal=None, personal_key=None, personal_digest=None,
                prev_hash=prev, hash=digest))
            prev = digest
        _write(runtime.store, *statements, _head(runtime.store, stream, len(statements), prev))
    target = _events(runtime.store, damaged)[1]
    _write(runtime.store, update(AuditEvent).where(AuditEvent.id == target.id).values(actor="someone"))
    assert {link.stream for link in verify_audit(runtime.store).broken} == {legacy, damaged}

    report = rekey_legacy(runtime.store)
    assert report.rekeyed == [legacy] and [link.stream for link in report.broken] == [damaged]
    assert verify_audit(runtime.store, legacy).ok and not verify_audit(runtime.store, damaged).ok
    assert rekey_legacy(runtime.store).rekeyed == []
    runtime.complete(ready(runtime.instance(legacy), "step_4").id, {"note": "升级后继续"}, actor="w")
    assert verify_audit(runtime.store, legacy).ok
