"""SQLAlchemy models: one row per instance plus the projections that queries need.

Task lists, timers and message routing query these projections; nothing in a list or a
report ever deserializes a workflow.
"""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (
    JSON,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UTCDateTime(TypeDecorator):
    """Stores naive UTC, returns aware UTC, so SQLite and PostgreSQL behave alike."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored: pass a timezone-aware time")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return value.replace(tzinfo=timezone.utc) if value is not None else None


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime, dict: JSON}


class ProcessVersion(Base):
    __tablename__ = "process_version"
    # Not unique by content: deploying an earlier version's content again (a roll back) makes
    # it the latest under a new number.
    __table_args__ = (UniqueConstraint("process_key", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    process_key: Mapped[str] = mapped_column(String(100), index=True)
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200), default="")
    content_hash: Mapped[str] = mapped_column(String(64))
    bundle: Mapped[dict] = mapped_column(JSON)
    deployed_at: Mapped[datetime]
    deployed_by: Mapped[str] = mapped_column(String(100), default="system")


# Indexes the migrations create where the database allows, and so not in the models: case
# search (q) by case number and summary, ix_process_instance_text, is pg_trgm's GIN index of
# their trigrams on PostgreSQL where the extension is installed or this user may create it
# (migration 0017), a plain index on SQLite, scanned instead of the table. Schema comparisons
# leave these out (migrations/env.py).
OPTIONAL_INDEXES = frozenset({"ix_process_instance_text"})


class ProcessInstance(Base):
    __tablename__ = "process_instance"
    __table_args__ = (
        UniqueConstraint("case_no", name="uq_process_instance_case_no"),
        # case lists (engine.store.case_queries), read newest first per org unit and status; then
        # the id and the columns filters test, so that a list is read and counted on it alone
        Index("ix_process_instance_listed", "org_unit", "status", "created_at", "case_no", "id", "risk_colour",
              "process_key", "channel", "ready_due_at"),
        # the same for case lists by risk: newest first per org unit and colour
        Index("ix_process_instance_by_risk", "org_unit", "risk_colour", "created_at", "case_no", "id", "status",
              "process_key", "channel", "ready_due_at"),
        # the same for case lists by due time: soonest due first per org unit and status, and the
        # cases without a due task (null) newest first
        Index("ix_process_instance_due", "org_unit", "status", "ready_due_at", "created_at", "case_no", "id",
              "risk_colour", "process_key", "channel"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    process_key: Mapped[str] = mapped_column(String(100), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("process_version.id"))
    status: Mapped[str] = mapped_column(String(20), index=True)
    org_unit: Mapped[str | None] = mapped_column(String(64), index=True)
    business_key: Mapped[str | None] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(300), default="")
    # Case facts copied from the workflow data after every change, for lists, filters and
    # reports (never deserialize a workflow to answer a query).
    case_no: Mapped[str | None] = mapped_column(String(40))
    channel: Mapped[str | None] = mapped_column(String(32), index=True)
    dispute_type: Mapped[str | None] = mapped_column(String(40))
    risk_colour: Mapped[str | None] = mapped_column(String(16), index=True)
    level: Mapped[int | None] = mapped_column(Integer)
    outcome: Mapped[str | None] = mapped_column(String(40))
    summary: Mapped[str | None] = mapped_column(Text)
    serialized: Mapped[bytes] = mapped_column(LargeBinary)
    row_version: Mapped[int] = mapped_column(Integer, nullable=False)
    next_due_at: Mapped[datetime | None] = mapped_column(index=True)
    # The earliest due time of the case's ready human tasks (None when none is due): case lists
    # sort by it and find the overdue cases on their indexes instead of asking the tasks of each
    # case. Written with the task rows in the same transaction (repository.project_ready_due).
    ready_due_at: Mapped[datetime | None]
    waits_signature: Mapped[str] = mapped_column(Text, default="")
    open_task_ids: Mapped[list] = mapped_column(JSON, default=list)
    # Head of this instance's audit chain (see AuditHead for streams without an instance row).
    commitments: Mapped[list] = mapped_column(JSON, default=list)  # kinds recorded once (see CommitmentRecord)
    audit_seq: Mapped[int] = mapped_column(Integer, default=0)
    audit_hash: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    created_by: Mapped[str] = mapped_column(String(100))
    # The instance whose thrown message started this one (messaging); None when started otherwise.
    origin_instance_id: Mapped[str | None] = mapped_column(String(36), index=True)
    # 保管期限: the day the case's personal information may be kept until (ISO date), from its
    # data (`retention_until`) or the catalog's default years after it ended; then the retention
    # job anonymises it (engine.retention) unless a legal hold stands.
    retain_until: Mapped[str | None] = mapped_column(String(10), index=True)
    anonymised_at: Mapped[datetime | None]

    __mapper_args__ = {"version_id_col": row_version}


class HumanTask(Base):
    """Projection of a ready (or finished) user/manual task, for task lists."""

    __tablename__ = "human_task"
    __table_args__ = (
        # assignee last: the group list asks for unassigned tasks, and only after due_at does it
        # keep PostgreSQL reading each (role, unit) in due order
        Index("ix_human_task_group", "state", "role", "org_unit", "due_at", "assignee"),
        # the totals of group and supervised lists: a count over this narrower index reads about
        # half the pages (on PostgreSQL its equal keys share one entry); org_unit before role so
        # that a supervised list (units, any role) counts on it too
        Index("ix_human_task_offered", "state", "org_unit", "role", "assignee"),
        Index("ix_human_task_assignee", "state", "assignee", "due_at"),
        # supervised lists, read one org unit at a time in due order
        Index("ix_human_task_supervised", "state", "org_unit", "due_at"),
        # done lists, read backwards (most recently ended first); the narrower one for their
        # total, which PostgreSQL counts about twice as fast
        Index("ix_human_task_done", "state", "ended_by", "ended_at"),
        Index("ix_human_task_ended_by", "state", "ended_by"),
        # a case's open tasks: the earliest due time of its ready ones (ProcessInstance.ready_due_at),
        # the figures a case list shows of each case on its page
        Index("ix_human_task_of_case", "instance_id", "state", "due_at", "id"),
        # ready tasks, soonest first, and their cases (reminders)
        Index("ix_human_task_due", "state", "due_at", "instance_id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    instance_id: Mapped[str] = mapped_column(ForeignKey("process_instance.id"), index=True)
    process_key: Mapped[str] = mapped_column(String(100))
    task_spec: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(300), default="")
    lane: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str | None] = mapped_column(String(64))
    level: Mapped[str | None] = mapped_column(String(16))
    org_unit: Mapped[str | None] = mapped_column(String(64))
    assignee: Mapped[str | None] = mapped_column(String(100))
    state: Mapped[str] = mapped_column(String(16))
    due_at: Mapped[datetime | None]
    deadline_basis: Mapped[str | None] = mapped_column(String(300))
    priority: Mapped[int] = mapped_column(Integer, default=0)
    form: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    ended_by: Mapped[str | None] = mapped_column(String(100))


class MessageSubscription(Base):
    """A waiting message catch event, with the correlation values it expects."""

    __tablename__ = "message_subscription"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    instance_id: Mapped[str] = mapped_column(ForeignKey("process_instance.id"), index=True)
    task_id: Mapped[str] = mapped_column(String(36))
    message_name: Mapped[str] = mapped_column(String(200), index=True)
    correlation: Mapped[str] = mapped_column(Text, default="")


class MessageOutbox(Base):
    """Messages thrown by an instance, delivered after its transaction commits.

    Kept in the same transaction as the throw, so a crash between commit and delivery
    loses nothing: the worker delivers what is left.
    """

    __tablename__ = "message_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source_instance_id: Mapped[str] = mapped_column(String(36), index=True)
    message_name: Mapped[str] = mapped_column(String(200))
    payload: Mapped[dict] = mapped_column(JSON)
    correlations: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime]
    delivered_at: Mapped[datetime | None] = mapped_column(index=True)
    result: Mapped[str | None] = mapped_column(Text)


class CommitmentRecord(Base):
    """One kept (or late) commitment of a case: 有来必受、有受必理、有理必果、有果必公.

    kind: received | accepted | handler_assigned | outcome_recorded | feedback_given.
    Reports count these; on_time is None where no deadline applied.
    """

    __tablename__ = "commitment_record"
    __table_args__ = (Index("ix_commitment_kind_at", "kind", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    instance_id: Mapped[str] = mapped_column(ForeignKey("process_instance.id"), index=True)
    process_key: Mapped[str] = mapped_column(String(100))
    org_unit: Mapped[str | None] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime]
    deadline: Mapped[datetime | None]
    on_time: Mapped[bool | None]
    basis: Mapped[str | None] = mapped_column(String(300))
    element_id: Mapped[str | None] = mapped_column(String(200))


class Incident(Base):
    __tablename__ = "incident"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    instance_id: Mapped[str] = mapped_column(ForeignKey("process_instance.id"), index=True)
    task_id: Mapped[str | None] = mapped_column(String(36))
    element_id: Mapped[str | None] = mapped_column(String(200))
    message: Mapped[str] = mapped_column(Text)
    line: Mapped[int | None] = mapped_column(Integer)
    source_line: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[str | None] = mapped_column(String(100))


class AuditHead(Base):
    """The last link of a chain that has no instance row (the "system" stream). Instances
    keep theirs in audit_seq/audit_hash. Without a head, deleting the newest events of a
    chain would go unseen."""

    __tablename__ = "audit_head"

    stream: Mapped[str] = mapped_column(String(36), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))


class AuditEvent(Base):
    """Append-only; each event carries the hash of the previous event of its stream.

    A stream is an instance id, or "system" for deployments and administration.
    """

    __tablename__ = "audit_event"
    __table_args__ = (UniqueConstraint("stream", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    stream: Mapped[str] = mapped_column(String(36), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime]
    type: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(100))
    task_id: Mapped[str | None] = mapped_column(String(36))
    data: Mapped[dict] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    # The event's personal information (names, contacts, addresses, narratives), kept apart so
    # that retention can erase it and leave the chain whole: the hash covers `personal_digest`,
    # an HMAC of `personal` under the event's own `personal_key`; erasing both keeps the digest.
    personal: Mapped[dict | None] = mapped_column(JSON)
    personal_key: Mapped[str | None] = mapped_column(String(64))
    personal_digest: Mapped[str | None] = mapped_column(String(64))


class CaseCounter(Base):
    """Next case number per year: 案件编号 JH-2026-000123 runs without gaps in its year."""

    __tablename__ = "case_counter"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    value: Mapped[int] = mapped_column(Integer)


class ApiToken(Base):
    """A bearer token; only its SHA-256 is stored, so a leaked table grants nothing."""

    __tablename__ = "api_token"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(String(100), index=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class TaskDraft(Base):
    __tablename__ = "task_draft"

    task_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    username: Mapped[str] = mapped_column(String(100), primary_key=True)
    data: Mapped[dict] = mapped_column(JSON)
    saved_at: Mapped[datetime]


class TaskComment(Base):
    __tablename__ = "task_comment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    task_id: Mapped[str] = mapped_column(String(36), index=True)
    instance_id: Mapped[str] = mapped_column(String(36), index=True)
    username: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime]


class PublicReceipt(Base):
    """What a person who filed online (网) gets back, to quote later instead of a login."""

    __tablename__ = "public_receipt"

    receipt: Mapped[str] = mapped_column(String(64), primary_key=True)
    instance_id: Mapped[str] = mapped_column(ForeignKey("process_instance.id"), index=True)
    created_at: Mapped[datetime]


class RateCounter(Base):
    """A rate limit's counter for one key and window (login attempts, public intakes), kept
    in the database so that every API process counts against the same number."""

    __tablename__ = "rate_counter"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[float] = mapped_column(Float, index=True)  # seconds since the epoch, as `limits` counts


class IdempotentRequest(Base):
    """A request sent with an Idempotency-Key: the fingerprint of what was sent, and what it
    did, written in the same transaction as the change, so that a retry gets the original
    answer and a different request under the same key is refused."""

    __tablename__ = "idempotent_request"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of scope, caller and key
    fingerprint: Mapped[str] = mapped_column(String(64))
    instance_id: Mapped[str] = mapped_column(String(36), index=True)
    task_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime]


class SensitiveRead(Base):
    """Who was sent which sensitive fields of a case in clear, when, and by which way (a case
    or task page, the timeline, an explicit reveal): PIPL need-to-know, read per case by its
    supervisors. Kept beside the case's audit chain rather than in it, so that reading a case
    never waits for the lock its writers hold."""

    __tablename__ = "sensitive_read"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    instance_id: Mapped[str] = mapped_column(String(36), index=True)
    username: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime]
    via: Mapped[str] = mapped_column(String(40))
    fields: Mapped[list] = mapped_column(JSON)
    reason: Mapped[str | None] = mapped_column(Text)


class Notification(Base):
    """One message in a user's in-app inbox (通知), written in the transaction of the change
    that caused it, so that none is lost and none tells of a change that rolled back. It
    names the case number, the task and its deadline, never a party's details."""

    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_inbox", "username", "read_at", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(40))
    urgent: Mapped[bool] = mapped_column(default=False)
    instance_id: Mapped[str | None] = mapped_column(String(36))
    task_id: Mapped[str | None] = mapped_column(String(36))
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    read_at: Mapped[datetime | None]


class TaskReminder(Base):
    """Where an open task stands in its deadline reminders (临期提醒, 逾期督办): the next time
    one is due and how many were sent. Workers move it on with a compare-and-set, so however
    many run, each reminder is written once."""

    __tablename__ = "task_reminder"

    task_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    stage: Mapped[str] = mapped_column(String(16))  # due_soon | overdue
    rounds: Mapped[int] = mapped_column(Integer, default=0)
    next_at: Mapped[datetime] = mapped_column(index=True)


class NotificationDelivery(Base):
    """One notification on its way out to one endpoint (a WeCom or DingTalk robot, email, an SMS
    gateway): the transactional outbox. Written with the notification; sent by the worker with
    retries; the endpoint is named, its address and secrets stay in the configuration file.
    `fingerprint` keeps a group endpoint from getting the same message once per member."""

    __tablename__ = "notification_delivery"
    __table_args__ = (UniqueConstraint("endpoint", "fingerprint", name="uq_delivery_endpoint_fingerprint"),
                      Index("ix_delivery_due", "state", "next_attempt_at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    notification_id: Mapped[int] = mapped_column(ForeignKey("notification.id"), index=True)
    endpoint: Mapped[str] = mapped_column(String(200))
    fingerprint: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16), default="pending")  # pending | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    claimed_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None]


class NotificationPreference(Base):
    """One person's say over what reaches her outside Jiahe: her quiet hours (red alerts ignore
    them), whether her own channels get anything, and the kinds she does not want sent out.
    The in-app inbox keeps everything."""

    __tablename__ = "notification_preference"

    username: Mapped[str] = mapped_column(String(100), primary_key=True)
    quiet_start: Mapped[str | None] = mapped_column(String(5))
    quiet_end: Mapped[str | None] = mapped_column(String(5))
    outside: Mapped[bool] = mapped_column(default=True)
    muted: Mapped[list] = mapped_column(JSON, default=list)


class DeliveryAttempt(Base):
    """Each try at sending a delivery: when, whether the endpoint took it, and what it said."""

    __tablename__ = "delivery_attempt"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("notification_delivery.id"), index=True)
    at: Mapped[datetime]
    ok: Mapped[bool]
    error: Mapped[str | None] = mapped_column(Text)


class LegalHold(Base):
    """A legal hold (诉讼保全/证据保全) on a case: while one stands, retention does not
    anonymise it, whatever its 保管期限 says."""

    __tablename__ = "legal_hold"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    instance_id: Mapped[str] = mapped_column(ForeignKey("process_instance.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    placed_by: Mapped[str] = mapped_column(String(100))
    placed_at: Mapped[datetime]
    released_by: Mapped[str | None] = mapped_column(String(100))
    released_at: Mapped[datetime | None]
    release_reason: Mapped[str | None] = mapped_column(Text)


class CaseDocument(Base):
    """A document of a case: one generated from a template (调解协议书, 处理意见书, ...) or an
    uploaded signed scan. The bytes live in the file store (engine.store.files) under their
    SHA-256, never in this row; the audit event of its making carries the same hash."""

    __tablename__ = "case_document"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    instance_id: Mapped[str] = mapped_column(ForeignKey("process_instance.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # generated | uploaded
    template: Mapped[str | None] = mapped_column(String(100))
    task_id: Mapped[str | None] = mapped_column(String(36))
    title: Mapped[str] = mapped_column(String(300))
    filename: Mapped[str] = mapped_column(String(300))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]
    erased_at: Mapped[datetime | None]  # retention deleted the bytes; the row and hash stay
