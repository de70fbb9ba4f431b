"""The SQL behind case lists, case facts and public receipts.

Lists read the case facts projected onto the instance row and the human-task projection;
none of this loads or deserializes a workflow (not even the serialized column).

A list page is one SELECT, read on the driver (engine.store.rows.fetch) as task lists are
(engine.store.task_queries): the page's cases with their facts, and the list's total as a
scalar subquery. A page is merged from heads, each read straight off an index, so that it
costs about heads x per_page index entries, not a sort of every case she sees: newest first,
the first page x per_page cases of every org unit and status she sees, along
ix_process_instance_listed (org unit, status, created, case number, id, then the columns the
filters test, so that filters are tested on the index); by risk, of every org unit and colour,
along ix_process_instance_by_risk; by due time, of every org unit and status, the cases with a
ready task due, soonest first, and those without one, newest first, along
ix_process_instance_due. A case's due time is the earliest of its ready tasks', projected onto
its row (ready_due_at, written with its task rows): whether a case is overdue is tested on the
index too, and only in the statuses whose cases can have ready tasks. A list whose heads would
be more than MAX_HEADS sorts every case that matches. Filters are tested on the rows a head
reads, so a rare one (a text search, the overdue cases among the many young ones) reads
further. The total is counted only so far (engine.store.page_totals), so that it too costs
the same with a thousand cases or a million. A statement is built and compiled once
per shape of filter and page, with every value a named parameter.
"""
from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timezone

from sqlalchemy import (
    Boolean,
    String,
    and_,
    bindparam,
    case,
    func,
    literal_column,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

from engine.store import page_totals
from engine.store import repository as repo
from engine.store import rows as driver
from engine.store.models import CommitmentRecord, HumanTask, ProcessInstance, PublicReceipt

# Worst first: the order supervisors triage in (DOMAIN.md, risk screening).
RISK_ORDER = {"red": 0, "orange": 1, "yellow": 2, "blue": 3, "green": 4}
SORTS = ("created_at", "due_at", "risk")
# Every status the runtime gives a case. A newest-first list without a status filter reads one
# head per org unit and each of these, and one for any other status (empty unless one is added).
STATUSES = ("running", "suspended", "incident", "completed", "terminated")
# The statuses whose cases have no ready task, so never a due time nor an overdue one: a
# suspended case's tasks are suspended (the supervisor stopped its clock), a finished case's
# are done or cancelled.
NEVER_READY = ("suspended", "completed", "terminated")
# A list with more heads than this sorts its cases in one piece (SQLite allows 500 terms in a
# compound SELECT).
MAX_HEADS = 200

_FACTS = (ProcessInstance.id, ProcessInstance.case_no, ProcessInstance.process_key, ProcessInstance.version_id,
          ProcessInstance.status, ProcessInstance.org_unit, ProcessInstance.channel, ProcessInstance.dispute_type,
          ProcessInstance.risk_colour, ProcessInstance.level, ProcessInstance.outcome, ProcessInstance.summary,
          ProcessInstance.created_at, ProcessInstance.updated_at, ProcessInstance.ended_at,
          ProcessInstance.next_due_at, ProcessInstance.row_version)
_FACT_NAMES = tuple(column.key for column in _FACTS)
_CASE = ProcessInstance.__table__.c
_TASK = HumanTask.__table__.c


@dataclass(frozen=True)
class CaseRow:
    """A case as lists show it: the facts on the instance row plus its open-task figures."""

    id: str
    case_no: str | None
    process_key: str
    version_id: int
    status: str
    org_unit: str | None
    channel: str | None
    dispute_type: str | None
    risk_colour: str | None
    level: int | None
    outcome: str | None
    summary: str | None
    created_at: datetime
    updated_at: datetime
    ended_at: datetime | None
    next_due_at: datetime | None
    row_version: int
    open_tasks: int = 0
    due_at: datetime | None = None  # the earliest due time among its ready tasks
    overdue: bool = False


@dataclass(frozen=True)
class CaseFilter:
    """What a case list asks for. `units` is the jurisdiction, already narrowed by any
    org-unit filter; an empty set matches nothing."""

    units: frozenset[str]
    now: datetime
    statuses: tuple[str, ...] = ()
    processes: tuple[str, ...] = ()
    risks: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    overdue: bool | None = None
    q: str | None = None
    sort: str = "created_at"
    page: int = 1
    per_page: int = 20


# -- lists ----------------------------------------------------------------------------------

def search(session: Session, f: CaseFilter) -> tuple[list[CaseRow], int]:
    """A page of cases and the total: exact up to page_totals.count_limit(page, per_page), and above it
    when more cases match (not how many more)."""
    shape, params = _shape_of(f)
    if not shape.units:
        return [], 0
    if shape.q:
        keys = _text_matches_of(session, params["q"])
        if len(keys) <= page_totals.TOTAL_CAP:
            return _among(session, shape, params, keys, f.now)
    found = driver.fetch(session, _page_statement(shape), params)
    if found:
        total = found[0][-1]
    elif f.page == 1:
        return [], 0
    else:
        total = driver.fetch(session, _count_statement(shape), params)[0][0]
    return _with_stats(session, [values[:-1] for values in found], f.now), total


def _with_stats(session: Session, found: list, now: datetime) -> list[CaseRow]:
    stats = task_stats(session, [values[0] for values in found], now)
    return [_case_row(dict(zip(_FACT_NAMES, values, strict=True)), stats.get(values[0])) for values in found]


def _among(session: Session, shape: _Shape, params: dict, keys: list, now: datetime) -> tuple[list[CaseRow], int]:
    """A text search that few cases match: those of them the list holds, sorted, and the
    exact total; then the page's facts."""
    others = _conditions(replace(shape, q=False))
    ids = session.scalars(select(_CASE.id).where(_RowKey().in_(keys), *others).order_by(*_order(shape.sort)),
                          params).all()
    on_page = ids[(shape.page - 1) * shape.per_page:shape.page * shape.per_page]
    found = {values[0]: tuple(values) for values in session.execute(select(*_FACTS).where(_CASE.id.in_(on_page)))}
    return _with_stats(session, [found[case_id] for case_id in on_page], now), len(ids)


@dataclass(frozen=True)
class _Shape:
    """Which filters a list has and how many values each takes, its sort and page, but not the
    values: the statements are built and compiled once per shape."""

    units: int
    statuses: int = 0
    processes: int = 0
    risks: int = 0
    channels: int = 0
    overdue: bool | None = None
    q: bool = False
    sort: str = "created_at"
    page: int = 1
    per_page: int = 20

    def heads(self, i: int) -> list[tuple]:
        """A merged list's heads in its i-th org unit, each as (condition, rank, order). Newest
        first: one per status asked for, else one per known status (of those with ready tasks,
        for the overdue cases) and one for any other. By risk: one per colour of RISK_ORDER, one
        for none and one for any other colour, ranked as _order ranks them. By due time: of each
        such status, its cases with a ready task due, soonest first, ranked by their due time,
        and those without one, newest first (unless all are to be overdue)."""
        unit = _CASE.org_unit == bindparam(f"unit_{i}")
        if self.sort == "risk":
            colour = _CASE.risk_colour
            known = [(and_(unit, colour == literal_column(f"'{name}'")), rank) for name, rank in RISK_ORDER.items()]
            last = len(RISK_ORDER)
            heads = [*known, (and_(unit, colour.is_(None)), last),
                     (_other_than(unit, colour, tuple(RISK_ORDER)), last)]
            return [(condition, literal_column(str(rank)), _newest(_CASE)) for condition, rank in heads]
        if self.sort == "due_at":
            return [head for status, condition in self._statuses(unit) for head in self._due_heads(status, condition)]
        return [(condition, literal_column("0"), _newest(_CASE)) for _, condition in self._statuses(unit)]

    def _statuses(self, unit) -> list[tuple]:
        """(status or None where not known when the statement is built, condition) per head."""
        if self.statuses:
            return [(None, and_(unit, _CASE.status == bindparam(f"status_{j}"))) for j in range(self.statuses)]
        known = [s for s in STATUSES if not (self.overdue and s in NEVER_READY)]
        return [*((s, and_(unit, _CASE.status == literal_column(f"'{s}'"))) for s in known),
                (None, _other_than(unit, _CASE.status, STATUSES))]

    def _due_heads(self, status: str | None, condition) -> list[tuple]:
        """The overdue cases are the first of the due ones: whether a case is overdue bounds
        the range of due times a head reads."""
        due = _CASE.ready_due_at
        bound = {None: due.is_not(None), True: due < bindparam("now"), False: due >= bindparam("now")}[self.overdue]
        heads = [] if status in NEVER_READY else [(and_(condition, bound), due, [due.asc(), *_newest(_CASE)])]
        if not self.overdue:  # a case without a due task is never overdue
            heads.append((and_(condition, due.is_(None)), null().cast(due.type), _newest(_CASE)))
        return heads

    @property
    def merged(self) -> bool:
        return self.units * len(self.heads(0)) <= MAX_HEADS


def _shape_of(f: CaseFilter) -> tuple[_Shape, dict]:
    params: dict = {"now": f.now} if f.overdue is not None else {}
    statuses = set(f.statuses) - set(NEVER_READY) if f.overdue else set(f.statuses)
    # overdue cases of none but the statuses that have no ready task: none
    units = sorted(f.units) if statuses or not f.statuses else []
    lists = {"unit": units, "status": sorted(statuses), "process": sorted(set(f.processes)),
             "risk": sorted(set(f.risks)), "channel": sorted(set(f.channels))}
    for name, values in lists.items():
        params |= {f"{name}_{j}": value for j, value in enumerate(values)}
    if f.q:
        params["q"] = f"%{_escape_like(f.q.strip())}%"
    shape = _Shape(units=len(lists["unit"]), statuses=len(lists["status"]), processes=len(lists["process"]),
                   risks=len(lists["risk"]), channels=len(lists["channel"]), overdue=f.overdue, q=bool(f.q),
                   sort=f.sort if f.sort in SORTS else "created_at", page=f.page, per_page=f.per_page)
    return shape, params


def _conditions(shape: _Shape, *, heads: bool = False) -> list:
    """The list's conditions; with heads=True, those a head adds to its own (org unit, and
    status or colour)."""
    status = _Unindexed(_CASE.status) if heads and shape.sort == "risk" else _CASE.status
    conditions = [] if heads else [*_in(_CASE.org_unit, "unit", shape.units)]
    conditions += [] if heads and shape.sort != "risk" else [*_in(status, "status", shape.statuses)]
    conditions += [*_in(_Unindexed(_CASE.process_key), "process", shape.processes),
                   *_in(_Unindexed(_CASE.risk_colour), "risk", shape.risks),
                   *_in(_Unindexed(_CASE.channel), "channel", shape.channels)]
    # by due time, a head bounds the due times it reads instead (_Shape._due_heads)
    if shape.overdue is not None and not (heads and shape.sort == "due_at"):
        conditions.append(_overdue(shape) if shape.overdue else _not_overdue(shape))
    if shape.q:
        conditions.append(_text_matches())
    return conditions


def _text_matches():
    """The case number or the summary holds the search text (:q, a LIKE pattern), in any case."""
    pattern = bindparam("q", type_=_CASE.summary.type)
    return or_(_Insensitive(_CASE.case_no, pattern), _Insensitive(_CASE.summary, pattern))


class _Insensitive(FunctionElement):
    """column ILIKE pattern. On SQLite, LIKE as it is: it ignores the case of ASCII letters as
    ILIKE's lower() LIKE lower() would (neither folds other letters), without two function
    calls per row of a scan."""

    inherit_cache = True
    type = Boolean()


@compiles(_Insensitive)
def _ilike(element, compiler, **kw):
    column, pattern = element.clauses
    return compiler.process(column.ilike(pattern, escape="\\"), **kw)


@compiles(_Insensitive, "sqlite")
def _like(element, compiler, **kw):
    column, pattern = element.clauses
    return compiler.process(column.like(pattern, escape="\\"), **kw)


def _text_matches_of(session: Session, pattern: str) -> list:
    """The cases that match the search text, as _RowKey, if at most page_totals.TOTAL_CAP do (else one
    more): a list is then read from them (_among); else newest first like any list, testing
    the text on each case a head reads, as enough of them match. PostgreSQL plans this for the
    text at hand, never with a prepared statement's generic plan: the trigram index
    (ix_process_instance_text) for a rare text, a scan that stops early for a common one;
    SQLite scans ix_process_instance_text instead of the table, whose rows carry the
    serialized workflows."""
    connection = session.connection()
    sql, positional = _text_matches_sql(connection.dialect, page_totals.TOTAL_CAP)
    cursor = connection.connection.cursor()
    try:
        if connection.dialect.name == "postgresql":
            cursor.execute(sql, {"q": pattern}, prepare=False)
        else:
            cursor.execute(sql, (pattern,) * positional if positional else {"q": pattern})
        return [row[0] for row in cursor.fetchall()]
    finally:
        cursor.close()


@functools.lru_cache(maxsize=4)
def _text_matches_sql(dialect, cap: int) -> tuple[str, int]:
    """The SQL of the first cap + 1 cases that match :q, and how many positional parameters
    it takes (0: named ones)."""
    compiled = (select(_RowKey()).select_from(ProcessInstance.__table__).where(_text_matches())
                .limit(_number(cap + 1)).offset(_number(0)).compile(dialect=dialect))
    return compiled.string, len(compiled.positiontup or ()) if compiled.positional else 0


class _RowKey(FunctionElement):
    """A case row's key for a text search: the id; SQLite's rowid, which its entries in
    ix_process_instance_text hold (the id would have it read the table)."""

    inherit_cache = True
    type = String()


@compiles(_RowKey)
def _the_id(element, compiler, **kw):
    return compiler.process(_CASE.id, **kw)


@compiles(_RowKey, "sqlite")
def _the_rowid(element, compiler, **kw):
    return "process_instance.rowid"


def _in(column, name: str, n: int) -> list:
    """column IN (:name_0, ...): a filter of n values; none when n is 0 (no filter)."""
    return [column.in_([bindparam(f"{name}_{j}") for j in range(n)])] if n else []


class _Unindexed(FunctionElement):
    """A column that SQLite is not to look up in its own index (SQLite's unary +): it tests a
    list's filters on ix_process_instance_listed, as PostgreSQL does, instead of reading every
    case of one colour, process or channel from their single-column indexes and sorting them."""

    inherit_cache = True

    def __init__(self, column):
        super().__init__(column)
        self.type = column.type


@compiles(_Unindexed)
def _as_is(element, compiler, **kw):
    return compiler.process(element.clauses, **kw)


@compiles(_Unindexed, "sqlite")
def _unary_plus(element, compiler, **kw):
    return "+" + compiler.process(element.clauses, **kw)


def _other_than(unit, column, values: tuple[str, ...]):
    """In the unit, column is none of `values`: as ranges between them, each with the unit, so
    that both databases read each range from the index (and nothing where no other value is
    stored); NOT IN would read every entry of the unit."""
    known = [literal_column(f"'{value}'") for value in sorted(values)]
    gaps = [and_(column > low, column < high) for low, high in zip(known, known[1:], strict=False)]
    return or_(*(and_(unit, arm) for arm in (column < known[0], *gaps, column > known[-1])))


def _overdue(shape: _Shape):
    """A ready task of the case is past its due time (only ready tasks run late: a suspended
    case's clock is stopped by the supervisor)."""
    return _due_time(shape) < bindparam("now")


def _not_overdue(shape: _Shape):
    due = _due_time(shape)
    return or_(due.is_(None), due >= bindparam("now"))


def _due_time(shape: _Shape):
    """The case's due time. Only a list by due time has SQLite read it off
    ix_process_instance_due; the others test it on their own index, read in their own order,
    instead of sorting every overdue case of a unit and status."""
    return _CASE.ready_due_at if shape.sort == "due_at" else _Unindexed(_CASE.ready_due_at)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@functools.lru_cache(maxsize=256)
def _count_statement(shape: _Shape):
    return select(_total(shape))


def _total(shape: _Shape):
    """How many cases match, counted to one past count_limit: COUNT(*) over a LIMIT, so it
    stops reading there."""
    first = (select(literal_column("1")).select_from(ProcessInstance.__table__).where(*_conditions(shape))
             .limit(_number(page_totals.count_limit(shape.page, shape.per_page) + 1)).offset(_number(0)).subquery())
    return select(func.count()).select_from(first).scalar_subquery()


@functools.lru_cache(maxsize=256)
def _page_statement(shape: _Shape):
    total = _total(shape).label("total")
    offset = _number((shape.page - 1) * shape.per_page)
    if not shape.merged:
        return (select(*_FACTS, total).where(*_conditions(shape)).order_by(*_order(shape.sort))
                .limit(_number(shape.per_page)).offset(offset))
    merged = _merged_heads(shape)
    on_page = (select(merged).order_by(*_merged_order(shape, merged.c))
               .limit(_number(shape.per_page)).offset(offset).subquery())
    return (select(*_FACTS, total).join_from(on_page, ProcessInstance, ProcessInstance.id == on_page.c.id)
            .order_by(*_merged_order(shape, on_page.c)))


def _merged_order(shape: _Shape, columns) -> list:
    first = columns.due.asc().nulls_last() if shape.sort == "due_at" else columns.rank
    return [first, *_newest(columns)]


@functools.lru_cache(maxsize=256)
def _merged_heads(shape: _Shape):
    """The first page x per_page cases of each head of each org unit, in its order, each with
    its head's rank (by due time, its due time): read along ix_process_instance_listed (org
    unit, status), ix_process_instance_by_risk (org unit, colour) or ix_process_instance_due
    (org unit, status, due time)."""
    others = _conditions(shape, heads=True)
    rank = "due" if shape.sort == "due_at" else "rank"
    heads = [select(_CASE.id, _CASE.created_at, _CASE.case_no, ranked.label(rank))
             .where(head, *others).order_by(*order)
             .limit(_number(shape.page * shape.per_page)).offset(_number(0)).subquery()
             for i in range(shape.units) for head, ranked, order in shape.heads(i)]
    return union_all(*[select(head) for head in heads]).subquery() if len(heads) > 1 else heads[0]


def _number(value: int):
    """An integer written into the SQL, as task lists do: PostgreSQL keeps the generic plan
    of the statement psycopg prepares."""
    return literal_column(str(int(value)))


def _newest(columns) -> list:
    """Newest first. Case numbers rise with registration: they order cases registered in the
    same instant; every case has its own (the id only orders rows without one), and the id is
    taken the same way round as they are, so that a head is read straight off its index,
    backwards, and a merge takes from each head only what the page needs."""
    return [columns.created_at.desc(), columns.case_no.desc(), columns.id.desc()]


def _order(sort: str) -> list:
    newest = _newest(_CASE)
    if sort == "due_at":
        return [_CASE.ready_due_at.asc().nulls_last(), *newest]
    if sort == "risk":
        ranks = [(_CASE.risk_colour == literal_column(f"'{colour}'"), literal_column(str(rank)))
                 for colour, rank in RISK_ORDER.items()]
        return [case(*ranks, else_=literal_column(str(len(RISK_ORDER)))), *newest]
    return newest


def task_stats(session: Session, instance_ids: Iterable[str], now: datetime) -> dict[str, tuple]:
    """(open task count, earliest ready due time, any ready task overdue) per instance."""
    ids = list(instance_ids)
    if not ids:
        return {}
    is_ready = HumanTask.state == "ready"
    late = case((and_(is_ready, HumanTask.due_at < now), 1), else_=0)
    stmt = (select(HumanTask.instance_id, func.count(),
                   func.min(case((is_ready, HumanTask.due_at), else_=None)), func.max(late))
            .where(HumanTask.instance_id.in_(ids), HumanTask.state.in_(repo.OPEN_TASK_STATES))
            .group_by(HumanTask.instance_id))
    return {row[0]: (row[1], _aware(row[2]), bool(row[3])) for row in session.execute(stmt)}


def _aware(value):
    # Aggregates may come back without the column's type on some dialects: always aware UTC.
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value


def _case_row(facts: dict, stats: tuple | None) -> CaseRow:
    open_tasks, due_at, overdue = stats or (0, None, False)
    return CaseRow(**facts, open_tasks=open_tasks, due_at=due_at, overdue=overdue)


# -- one case ---------------------------------------------------------------------------------

def case_row(session: Session, case_id: str, now: datetime) -> CaseRow | None:
    row = session.execute(select(*_FACTS).where(ProcessInstance.id == case_id)).first()
    if row is None:
        return None
    return _case_row(row._asdict(), task_stats(session, [case_id], now).get(case_id))


def first_commitments(session: Session, case_id: str) -> dict[str, datetime]:
    """When each commitment kind was first kept for the case."""
    stmt = (select(CommitmentRecord.kind, func.min(CommitmentRecord.at))
            .where(CommitmentRecord.instance_id == case_id).group_by(CommitmentRecord.kind))
    return {kind: _aware(at) for kind, at in session.execute(stmt)}


# -- public receipts --------------------------------------------------------------------------

def ensure_receipt(session: Session, case_id: str, new_receipt: str, *, now: datetime,
                   postgres: bool) -> tuple[str, datetime]:
    """The case's receipt, creating it with `new_receipt` when it has none yet.

    The instance row is locked first so that two retries of one submission cannot both
    find no receipt and hand out two different ones."""
    repo.instance_for_update(session, case_id, postgres)
    existing = session.scalars(select(PublicReceipt).where(PublicReceipt.instance_id == case_id)
                               .order_by(PublicReceipt.created_at)).first()
    if existing is not None:
        return existing.receipt, existing.created_at
    session.add(PublicReceipt(receipt=new_receipt, instance_id=case_id, created_at=now))
    session.flush()
    return new_receipt, now


def case_id_by_receipt(session: Session, receipt: str) -> str | None:
    return session.scalar(select(PublicReceipt.instance_id).where(PublicReceipt.receipt == receipt))
