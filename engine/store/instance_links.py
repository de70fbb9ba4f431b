"""Links between instances: which instances a message from one instance started
(process_instance.origin_instance_id)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.store.models import ProcessInstance

_LINKED = (ProcessInstance.id, ProcessInstance.process_key, ProcessInstance.case_no, ProcessInstance.status,
           ProcessInstance.org_unit, ProcessInstance.created_at)


def started_from(session: Session, instance_id: str) -> list[tuple]:
    """(id, process_key, case_no, status, org_unit, created_at) of each instance a message
    from `instance_id` started, oldest first (case numbers break ties within one instant)."""
    stmt = (select(*_LINKED).where(ProcessInstance.origin_instance_id == instance_id)
            .order_by(ProcessInstance.created_at, ProcessInstance.case_no, ProcessInstance.id))
    return [tuple(row) for row in session.execute(stmt)]
