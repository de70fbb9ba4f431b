"""The organisation in the database: import an org file, read the chart, manage users.

Import is an upsert and only ever adds or changes: units, users and memberships that the
file does not mention stay as they are (a unit may still have cases and tasks pointing at
it). The single-step operations of the admin API (create or deactivate a user, grant or
revoke a membership, add or rename a unit) each write their own audit event.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Callable, Collection, Iterable
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session

from engine.errors import Conflict, FieldError, NotFound, ValidationFailed
from engine.org import (
    LEVEL_NAMES,
    ROLES,
    Membership,
    OrgChart,
    OrgFile,
    OrgUnit,
    UserSpec,
    check_memberships,
    check_role,
    next_level_down,
)
from engine.store import repository as repo
from engine.store import token_repository
from engine.store.db import Store
from engine.store.org_models import AppUser, MembershipRow, OrgUnitRow

OrgSource = dict | OrgFile | tuple[OrgChart, list[UserSpec]] | str | Path


@dataclass
class ImportSummary:
    units_added: int = 0
    units_updated: int = 0
    users_added: int = 0
    users_updated: int = 0
    memberships_added: int = 0

    @property
    def changed(self) -> bool:
        return any(asdict(self).values())

    @property
    def chart_changed(self) -> bool:
        return bool(self.units_added or self.units_updated)

    def __str__(self) -> str:
        return (f"units: {self.units_added} added, {self.units_updated} updated; "
                f"users: {self.users_added} added, {self.users_updated} updated; "
                f"memberships: {self.memberships_added} added")


# -- the chart and its cache ---------------------------------------------------------------

class _Generation:
    """Counts chart changes made by this process, so caches know when to reload."""

    def __init__(self) -> None:
        self._value = 0
        self._lock = threading.Lock()

    @property
    def value(self) -> int:
        return self._value

    def bump(self) -> None:
        with self._lock:
            self._value += 1


chart_generation = _Generation()


def load_chart(session: Session) -> OrgChart:
    rows = session.scalars(select(OrgUnitRow).order_by(OrgUnitRow.id))  # children in a stable order
    return OrgChart.of(OrgUnit(id=r.id, name=r.name, level=r.level, parent=r.parent_id) for r in rows)


class ChartCache:
    """The org chart, read once and kept until this process imports a change.

    Other processes do not tell us of their imports: give max_age (seconds) where several
    API processes share a database, so that their charts catch up after a while.
    """

    def __init__(self, store: Store, *, max_age: float | None = None):
        self._store = store
        self._max_age = max_age
        self._chart: OrgChart | None = None
        self._generation = -1
        self._loaded_at = 0.0
        self._lock = threading.Lock()

    def get(self) -> OrgChart:
        if self._stale():
            with self._lock:
                if self._stale():  # another thread may have reloaded while we waited
                    self._reload()
        return self._chart

    def invalidate(self) -> None:
        self._generation = -1

    def _stale(self) -> bool:
        if self._chart is None or self._generation != chart_generation.value:
            return True
        return self._max_age is not None and time.monotonic() - self._loaded_at > self._max_age

    def _reload(self) -> None:
        generation = chart_generation.value  # read first: a change made meanwhile reloads again
        with self._store.read() as session:
            self._chart = load_chart(session)
        self._generation, self._loaded_at = generation, time.monotonic()


# -- import ----------------------------------------------------------------------------------

ImportCheck = Callable[[Session, OrgFile], None]


def import_org(store: Store, source: OrgSource, *, actor: str = "admin",
               now: datetime | None = None, check: ImportCheck | None = None) -> ImportSummary:
    """Upsert an org file (a path, its parsed YAML, an OrgFile or a (chart, users) pair).

    `check` sees the validated file before anything is written, in the same transaction,
    and raises to refuse it (the admin API checks the importer's jurisdiction there)."""
    now = now or datetime.now(timezone.utc)
    with store.write() as session:
        summary = import_into(session, source, now=now, check=check)
        if summary.changed:
            repo.append_audit(session, "system", at=now, type_="org_imported", actor=actor,
                              data=asdict(summary), postgres=store.is_postgres)
    if summary.chart_changed:
        chart_generation.bump()
    return summary


def import_into(session: Session, source: OrgSource, *, now: datetime,
                check: ImportCheck | None = None) -> ImportSummary:
    org = _org_file(source, load_chart(session))
    if check is not None:
        check(session, org)
    summary = ImportSummary()
    _upsert_units(session, org.chart, summary)
    _upsert_users(session, org.users, now, summary)
    return summary


def _org_file(source: OrgSource, base: OrgChart) -> OrgFile:
    # Validated over what the database already holds, so a file may add to a known village.
    if isinstance(source, (str, Path)):
        return OrgFile.load(source, base)
    if isinstance(source, dict):
        return OrgFile.from_dict(source, base)
    chart, users = (source.chart, source.users) if isinstance(source, OrgFile) else source
    merged = base.merged(chart.units.values())
    check_memberships(users, merged)
    return OrgFile(chart=merged, users=list(users))


def _upsert_units(session: Session, chart: OrgChart, summary: ImportSummary) -> None:
    existing = {row.id: row for row in session.scalars(select(OrgUnitRow))}
    for unit in chart.parents_first():
        if unit.id not in existing:
            session.add(OrgUnitRow(id=unit.id, name=unit.name, level=unit.level, parent_id=unit.parent))
            summary.units_added += 1
    # New units first: a known unit may be moved under one of them.
    session.flush()
    for unit in chart.units.values():
        row = existing.get(unit.id)
        if row is not None and _unit_of(row) != unit:
            row.name, row.level, row.parent_id = unit.name, unit.level, unit.parent
            summary.units_updated += 1


def _unit_of(row: OrgUnitRow) -> OrgUnit:
    return OrgUnit(id=row.id, name=row.name, level=row.level, parent=row.parent_id)


def _upsert_users(session: Session, specs: list[UserSpec], now: datetime, summary: ImportSummary) -> None:
    names = [s.username for s in specs]
    existing = {u.username: u for u in session.scalars(select(AppUser).where(AppUser.username.in_(names)))}
    for spec in specs:
        user = existing.get(spec.username)
        if user is None:
            user = _new_user(session, spec.username, spec.display_name, spec.password, now)
            summary.users_added += 1
        elif _update_user(user, spec.display_name, spec.password):
            summary.users_updated += 1
        summary.memberships_added += _add_memberships(user, spec.memberships)


def _new_user(session: Session, username: str, display_name: str | None, password: str | None,
              now: datetime) -> AppUser:
    user = AppUser(username=username, display_name=display_name or username, active=True, created_at=now,
                   password_hash=hash_password(password) if password is not None else None)
    session.add(user)
    return user


def _update_user(user: AppUser, display_name: str | None, password: str | None) -> bool:
    """Apply what is given; True if anything changed. A password that the stored hash
    already matches is left alone, so re-importing a file is a no-op."""
    changed = False
    if display_name and display_name != user.display_name:
        user.display_name, changed = display_name, True
    if password is not None and not password_matches(user.password_hash, password):
        user.password_hash, changed = hash_password(password), True
    return changed


def _add_memberships(user: AppUser, memberships: Iterable[Membership]) -> int:
    held = {(m.role, m.org_unit) for m in user.memberships}
    added = 0
    for m in memberships:
        if (m.role, m.org_unit) not in held:
            user.memberships.append(MembershipRow(role=m.role, org_unit=m.org_unit))
            held.add((m.role, m.org_unit))
            added += 1
    return added


# -- users -----------------------------------------------------------------------------------

def users(session: Session) -> list[AppUser]:
    """Every user with her memberships (loaded in one more query)."""
    return list(session.scalars(select(AppUser).order_by(AppUser.username)))


def memberships_of(session: Session, username: str) -> list[Membership]:
    stmt = (select(MembershipRow).where(MembershipRow.username == username)
            .order_by(MembershipRow.id))
    return [Membership(role=m.role, org_unit=m.org_unit) for m in session.scalars(stmt)]


def add_user(session: Session, username: str, *, role: str, org_unit: str, display_name: str | None = None,
             password: str | None = None, actor: str = "admin", now: datetime | None = None) -> ImportSummary:
    """Create the user if new and give her the membership (role, org_unit). For a known
    user only what is given changes: a second membership, a new name or password."""
    now = now or datetime.now(timezone.utc)
    username = _checked_username(username)
    check_role(role)
    if session.get(OrgUnitRow, org_unit) is None:
        raise NotFound(f"org unit {org_unit} does not exist", org_unit=org_unit,
                       zh=f"组织单位 {org_unit} 不存在")
    if password is not None and not password:
        raise ValidationFailed("the password must not be empty",
                               [FieldError("password", "must not be empty", zh="不能为空")],
                               zh="密码不能为空")
    summary = ImportSummary()
    spec = UserSpec(username, display_name or "", password, (Membership(role, org_unit),))
    _upsert_users(session, [spec], now, summary)
    if summary.changed:
        repo.append_audit(session, "system", at=now, type_="user_changed", actor=actor,
                          postgres=session.get_bind().dialect.name == "postgresql",
                          data={"username": username, "role": role, "org_unit": org_unit,
                                "password_set": password is not None, **asdict(summary)})
    return summary


def _checked_username(username: str) -> str:
    username = (username or "").strip()
    if not username or len(username) > 100:
        raise ValidationFailed("a username has 1 to 100 characters",
                               [FieldError("username", "must have 1 to 100 characters",
                                           zh="应为 1 至 100 个字符")],
                               zh="用户名应为 1 至 100 个字符")
    return username


# -- administration: one audited change at a time ---------------------------------------------

def search_users(session: Session, *, q: str = "", units: Collection[str] | None = None,
                 with_unassigned: bool = False, offset: int = 0, limit: int = 20) -> tuple[list[AppUser], int]:
    """A page of the users whose username or display name contains `q` and who hold a
    membership in `units` (None: anywhere; with_unassigned: or none at all), and the total."""
    stmt = select(AppUser)
    if q:
        pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(or_(AppUser.username.ilike(pattern, escape="\\"),
                              AppUser.display_name.ilike(pattern, escape="\\")))
    if units is not None:
        stmt = stmt.where(_member_in(units, with_unassigned))
    total = session.scalar(select(func.count()).select_from(stmt.subquery()))
    page = session.scalars(stmt.order_by(AppUser.username).offset(offset).limit(limit))
    return list(page), total or 0


def _member_in(units: Collection[str], with_unassigned: bool):
    own = MembershipRow.username == AppUser.username
    member = exists().where(own, MembershipRow.org_unit.in_(sorted(units)))
    return or_(member, ~exists().where(own)) if with_unassigned else member


def existing_user(session: Session, username: str) -> AppUser:
    user = session.get(AppUser, username)
    if user is None:
        raise NotFound(f"user {username} does not exist", user=username, zh=f"用户 {username} 不存在")
    return user


def create_user(session: Session, spec: UserSpec, *, actor: str, now: datetime) -> AppUser:
    """A new user with her memberships; Conflict when the username is taken."""
    username = _checked_username(spec.username)
    if session.get(AppUser, username) is not None:
        raise Conflict(f"user {username} already exists", user=username, zh=f"用户 {username} 已存在")
    for index, membership in enumerate(spec.memberships):
        _check_membership(session, membership, prefix=f"memberships.{index}.")
    user = _new_user(session, username, spec.display_name, spec.password, now)
    _add_memberships(user, spec.memberships)
    _audit(session, "user_created", actor, now, username=username, password_set=spec.password is not None,
           memberships=[asdict(m) for m in spec.memberships])
    return user


def update_user(session: Session, username: str, *, actor: str, now: datetime, display_name: str | None = None,
                password: str | None = None, active: bool | None = None) -> AppUser:
    """Apply what is given. A new password or a deactivation also ends her sessions: a
    token taken with the old password, or by a departed worker, must stop working now."""
    user = existing_user(session, username)
    changed = _apply_profile(user, display_name, active)
    if password is not None:
        user.password_hash = hash_password(password)
        changed["password_set"] = True
    if password is not None or active is False:
        token_repository.revoke_all(session, username, now=now)
    if changed:
        _audit(session, "user_updated", actor, now, username=username, **changed)
    return user


def _apply_profile(user: AppUser, display_name: str | None, active: bool | None) -> dict:
    changed = {}
    if display_name is not None and display_name != user.display_name:
        user.display_name = changed["display_name"] = display_name
    if active is not None and active != user.active:
        user.active = changed["active"] = active
    return changed


def grant_membership(session: Session, username: str, membership: Membership, *, actor: str,
                     now: datetime) -> AppUser:
    user = existing_user(session, username)
    _check_membership(session, membership)
    if not _add_memberships(user, [membership]):
        raise Conflict(f"user {username} already holds {membership.role} at {membership.org_unit}",
                       user=username, zh=f"用户 {username} 已在 {membership.org_unit} 担任 {membership.role}")
    _audit(session, "membership_granted", actor, now, username=username, **asdict(membership))
    return user


def revoke_membership(session: Session, username: str, membership: Membership, *, actor: str,
                      now: datetime) -> AppUser:
    user = existing_user(session, username)
    row = next((r for r in user.memberships if (r.role, r.org_unit) == (membership.role, membership.org_unit)), None)
    if row is None:
        raise NotFound(f"user {username} holds no {membership.role} membership at {membership.org_unit}",
                       user=username,
                       zh=f"用户 {username} 在 {membership.org_unit} 没有 {membership.role} 岗位")
    user.memberships.remove(row)
    session.delete(row)
    _audit(session, "membership_revoked", actor, now, username=username, **asdict(membership))
    return user


def _check_membership(session: Session, membership: Membership, *, prefix: str = "") -> None:
    # Field errors named as the request names them, so a form can point at the wrong entry.
    if membership.role not in ROLES:
        raise _invalid(f"{prefix}role", f"unknown role {membership.role!r}",
                       zh=f"未知的角色「{membership.role}」")
    if session.get(OrgUnitRow, membership.org_unit) is None:
        raise _invalid(f"{prefix}org_unit", f"unknown org unit {membership.org_unit!r}",
                       zh=f"组织单位「{membership.org_unit}」不存在")


def add_unit(session: Session, unit: OrgUnit, *, actor: str, now: datetime) -> OrgUnit:
    """A new unit under a known parent, at the next level down: an org file's rules, checked
    here one field at a time. New roots come only from an org file (jiahe org import)."""
    if session.get(OrgUnitRow, unit.id) is not None:
        raise Conflict(f"org unit {unit.id} already exists", org_unit=unit.id,
                       zh=f"组织单位 {unit.id} 已存在")
    parent = session.get(OrgUnitRow, unit.parent) if unit.parent else None
    if parent is None:
        raise _invalid("parent", f"unknown parent org unit {unit.parent!r}",
                       zh=f"上级组织单位「{unit.parent}」不存在")
    expected = next_level_down(parent.level)
    if unit.level != expected:
        wanted = f"must be {expected!r}, the next level down" if expected else "cannot have children"
        parent_level = LEVEL_NAMES.get(parent.level, parent.level)
        raise _invalid("level", f"a unit under {parent.id} ({parent.level}) {wanted}",
                       zh=f"上级单位「{parent.name}」是{parent_level}，"
                          + (f"下级单位的层级应为{LEVEL_NAMES[expected]}" if expected
                             else f"{parent_level}之下不能再设单位"))
    session.add(OrgUnitRow(id=unit.id, name=unit.name, level=unit.level, parent_id=unit.parent))
    _audit(session, "org_unit_added", actor, now, **asdict(unit))
    return unit


def rename_unit(session: Session, unit_id: str, name: str, *, actor: str, now: datetime) -> OrgUnit:
    row = session.get(OrgUnitRow, unit_id)
    if row is None:
        raise NotFound(f"org unit {unit_id} does not exist", org_unit=unit_id,
                       zh=f"组织单位 {unit_id} 不存在")
    if row.name != name:
        _audit(session, "org_unit_renamed", actor, now, id=unit_id, name=name, previous_name=row.name)
        row.name = name
    return _unit_of(row)


def _invalid(field_name: str, message: str, zh: str | None = None) -> ValidationFailed:
    return ValidationFailed(message, [FieldError(field_name, message, "organisation", zh=zh)], zh=zh)


def _audit(session: Session, type_: str, actor: str, now: datetime, **data) -> None:
    repo.append_audit(session, "system", at=now, type_=type_, actor=actor, data=data,
                      postgres=session.get_bind().dialect.name == "postgresql")


def verify_password(session: Session, username: str, password: str) -> bool:
    """True only for an active user whose stored hash matches."""
    return password_check(session, username, password) == "ok"


def password_check(session: Session, username: str, password: str) -> str:
    """"ok", "wrong", or "inactive": the password is right but her account is deactivated,
    which only someone who knows her password learns. One hash in every case, so the
    answer's timing does not tell whether the username exists."""
    user = session.get(AppUser, username)
    if user is None or user.password_hash is None:
        password_matches(_dummy_hash(), password)
        return "wrong"
    if not password_matches(user.password_hash, password):
        return "wrong"
    return "ok" if user.active else "inactive"


# -- password hashing (standard library only) --------------------------------------------------

# scrypt's "interactive login" cost (16 MiB, tens of milliseconds). The parameters are
# stored in every hash, so raising them later leaves existing hashes verifiable.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
_SALT_BYTES, _KEY_BYTES = 16, 32


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(_SALT_BYTES)
    key = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(key)}"


def password_matches(stored: str | None, password: str) -> bool:
    try:
        scheme, n, r, p, salt, key = (stored or "").split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(key)
        actual = _scrypt(password, base64.b64decode(salt), int(n), int(r), int(p), len(expected))
    except (ValueError, TypeError):  # malformed or foreign hash: no match, never a crash
        return False
    return hmac.compare_digest(actual, expected)


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, length: int = _KEY_BYTES) -> bytes:
    # maxmem above the 128*n*r bytes scrypt needs; the default (32 MiB) refuses larger n.
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p,
                          maxmem=256 * n * r + 1024 * 1024, dklen=length)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


_dummy: list[str] = []


def _dummy_hash() -> str:
    if not _dummy:
        _dummy.append(hash_password(secrets.token_hex(8)))
    return _dummy[0]
