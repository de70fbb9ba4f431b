"""What an evidence package (engine.evidence) reads beside the audit chain and the documents:
the case's facts as its row holds them, and whether someone handled one of its tasks."""
from __future__ import annotations

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from engine.store.models import HumanTask, ProcessInstance, ProcessVersion
from engine.store.org_models import OrgUnitRow


def case_facts(session: Session, instance_id: str) -> dict | None:
    """The facts of the case as recorded on its row (no workflow is read), or None."""
    row = session.get(ProcessInstance, instance_id)
    if row is None:
        return None
    version = session.get(ProcessVersion, row.version_id)
    unit = session.get(OrgUnitRow, row.org_unit) if row.org_unit else None
    return {"id": row.id, "case_no": row.case_no, "process": row.process_key, "version_id": row.version_id,
            "version": version.version if version else None, "status": row.status,
            "org_unit": row.org_unit, "org_unit_name": unit.name if unit else None,
            "channel": row.channel, "dispute_type": row.dispute_type, "risk_colour": row.risk_colour,
            "level": row.level, "outcome": row.outcome, "created_at": row.created_at, "ended_at": row.ended_at,
            "retain_until": row.retain_until, "anonymised_at": row.anonymised_at}


def handled_by(session: Session, instance_id: str, username: str) -> bool:
    """True when she holds, or held, a task of the case: its assignee, or the one who ended it."""
    held = exists().where(HumanTask.instance_id == instance_id,
                          or_(HumanTask.assignee == username, HumanTask.ended_by == username))
    return bool(session.scalar(select(held)))
