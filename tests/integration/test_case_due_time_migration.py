"""Migration 0018 gives the cases already stored their due time: the earliest of their ready
tasks', as the runtime keeps it from then on."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from alembic import command
from sqlalchemy import insert, select

from engine.store.migrate import alembic_config, current_revision
from engine.store.models import HumanTask, ProcessInstance, ProcessVersion

AT = datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)


def test_upgrading_fills_in_the_due_time_of_every_case_from_its_ready_tasks(store):
    command.downgrade(alembic_config(store), "0017")
    cases = {"waiting": [("ready", 5), ("ready", 2), ("ready", None), ("completed", 1), ("cancelled", 0)],
             "suspended": [("suspended", 1)], "undated": [("ready", None)], "idle": []}
    with store.engine.begin() as conn:
        version = conn.execute(insert(ProcessVersion.__table__).values(
            process_key="dispute_case", version=1, name="纠纷", content_hash="abc", bundle={}, deployed_at=AT,
            deployed_by="designer").returning(ProcessVersion.__table__.c.id)).scalar()
        for case_id, tasks in cases.items():
            conn.execute(insert(ProcessInstance.__table__).values(
                id=case_id, process_key="dispute_case", version_id=version, status="running", title="",
                serialized=b"\0", row_version=1, waits_signature="", open_task_ids=[], commitments=[], audit_seq=0,
                audit_hash="", created_at=AT, updated_at=AT, created_by="clerk"))
            for n, (state, days) in enumerate(tasks):
                conn.execute(insert(HumanTask.__table__).values(
                    id=f"{case_id}-{n}", instance_id=case_id, process_key="dispute_case", task_spec="step",
                    state=state, due_at=None if days is None else AT + timedelta(days=days), created_at=AT))
    command.upgrade(alembic_config(store), "head")
    assert current_revision(store) is not None
    with store.read() as session:
        due = dict(session.execute(select(ProcessInstance.id, ProcessInstance.ready_due_at)).all())
    assert due == {"waiting": AT + timedelta(days=2), "suspended": None, "undated": None, "idle": None}
