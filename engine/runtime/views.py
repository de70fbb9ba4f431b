"""Plain read models handed out by the runtime (no SQLAlchemy objects leak out)."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class TaskView:
    id: str
    instance_id: str
    process_key: str
    name: str
    title: str
    lane: str | None
    role: str | None
    level: str | None
    org_unit: str | None
    assignee: str | None
    state: str
    due_at: datetime | None
    priority: int
    form: str | None
    created_at: datetime
    deadline_basis: str | None = None
    ended_at: datetime | None = None
    ended_by: str | None = None

    @classmethod
    def of(cls, row) -> TaskView:
        return cls(id=row.id, instance_id=row.instance_id, process_key=row.process_key, name=row.task_spec,
                   title=row.title, lane=row.lane, role=row.role, level=row.level, org_unit=row.org_unit,
                   assignee=row.assignee, state=row.state, due_at=row.due_at, priority=row.priority,
                   form=row.form, created_at=row.created_at, ended_at=row.ended_at, ended_by=row.ended_by,
                   deadline_basis=row.deadline_basis)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class IncidentView:
    id: int
    task_id: str | None
    element_id: str | None
    message: str
    line: int | None
    source_line: str | None
    created_at: datetime

    @classmethod
    def of(cls, row) -> IncidentView:
        return cls(row.id, row.task_id, row.element_id, row.message, row.line, row.source_line, row.created_at)


@dataclass(frozen=True)
class InstanceView:
    id: str
    process_key: str
    version: int
    status: str
    org_unit: str | None
    business_key: str | None
    title: str
    row_version: int
    created_at: datetime
    updated_at: datetime
    ended_at: datetime | None
    next_due_at: datetime | None
    data: dict = field(default_factory=dict)
    tasks: list[TaskView] = field(default_factory=list)  # the open ones; history: Runtime.task_history
    incidents: list[IncidentView] = field(default_factory=list)
    created: bool = True
    origin_id: str | None = None  # the instance whose message started this one (Runtime.started_from: the reverse)

    def ready_task(self, name: str) -> TaskView | None:
        return next((t for t in self.tasks if t.name == name and t.state == "ready"), None)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class LinkedInstanceView:
    """An instance as seen from one it is linked to (e.g. started by a message from it)."""

    id: str
    process_key: str
    case_no: str | None
    status: str
    org_unit: str | None
    created_at: datetime

    def to_dict(self) -> dict:
        return asdict(self)
