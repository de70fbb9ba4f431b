"""The organisation: a five-level tree of org units, the users who work in it, and the
router that offers a ready task in the right unit.

Pure: no database. The store keeps the chart in tables (engine.store.org_repository) and
hands the router a cached chart, so routing a task costs no query.

An org file (YAML) looks like:

    units:
      - {id: city, name: 示范市, level: city}
      - {id: county, name: 示范县, level: county, parent: city}
    users:
      - username: grid_a1
        display_name: 李网格
        password: jiahe-demo          # optional; hashed on import, never stored in clear
        memberships:
          - {role: grid_worker, org_unit: grid-a1}
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from engine.definitions.catalog import CASE_LEVEL, LEVELS, LaneRole
from engine.errors import DefinitionError, NotFound

log = logging.getLogger(__name__)

# The roles table of DOMAIN.md: key -> label shown to users.
ROLES = {
    "grid_worker": "网格员",
    "intake_clerk": "受理员",
    "village_mediator": "村(社区)调解员",
    "town_mediator": "乡镇调解员",
    "committee_mediator": "县市婚调委调解员",
    "legal_advisor": "法律顾问",
    "psychologist": "心理咨询师",
    "rights_officer": "妇联维权干部",
    "supervisor": "督办/主管",
    "process_designer": "流程设计员",
    "admin": "系统管理员",
}

# The five levels of the network (DOMAIN.md), top down: key -> label shown to users.
LEVEL_NAMES = {"city": "市", "county": "县（区）", "town": "乡镇（街道）", "village": "村（社区）", "grid": "网格"}


# -- units and the chart ------------------------------------------------------------------

@dataclass(frozen=True)
class OrgUnit:
    id: str
    name: str
    level: str
    parent: str | None = None


@dataclass(eq=False)
class OrgChart:
    """A validated forest of org units (normally one tree under the city).

    A root may sit at any level, so a deployment can start at a county; every child sits
    exactly one level below its parent.
    """

    units: dict[str, OrgUnit] = field(default_factory=dict)
    _children: dict[str, list[str]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        _validate(self.units)
        self._children = {unit_id: [] for unit_id in self.units}
        for unit in self.units.values():
            if unit.parent is not None:
                self._children[unit.parent].append(unit.id)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, OrgChart) and self.units == other.units

    @classmethod
    def of(cls, units: Iterable[OrgUnit]) -> OrgChart:
        """Build from a list, where a repeated id is an error rather than an overwrite."""
        units = list(units)
        _check_no_duplicates(units)
        return cls({u.id: u for u in units})

    @classmethod
    def from_dict(cls, raw: dict) -> OrgChart:
        return cls.of(parse_units(raw))

    @classmethod
    def load(cls, path: str | Path) -> OrgChart:
        return cls.from_dict(read_yaml(path))

    def merged(self, units: Iterable[OrgUnit]) -> OrgChart:
        """This chart with `units` added or replacing those with the same id, validated as
        a whole: a file may add a grid under a village that only the database knows."""
        return OrgChart({**self.units, **{u.id: u for u in units}})

    def unit(self, unit_id: str) -> OrgUnit:
        try:
            return self.units[unit_id]
        except KeyError:
            raise NotFound(f"org unit {unit_id} does not exist", org_unit=unit_id,
                           zh=f"组织单位 {unit_id} 不存在") from None

    def ancestors(self, unit_id: str) -> list[OrgUnit]:
        """The unit itself first, then its parent, up to the root."""
        chain = [self.unit(unit_id)]
        while chain[-1].parent is not None:
            chain.append(self.units[chain[-1].parent])
        return chain

    def ancestor_at(self, unit_id: str, level: str) -> OrgUnit | None:
        return next((u for u in self.ancestors(unit_id) if u.level == level), None)

    def is_within(self, unit_id: str, ancestor_id: str) -> bool:
        """Whether unit_id is ancestor_id or below it. An unknown unit is within nothing,
        so a jurisdiction check never lets through what the chart does not know."""
        if unit_id not in self.units or ancestor_id not in self.units:
            return False
        return any(u.id == ancestor_id for u in self.ancestors(unit_id))

    def children(self, unit_id: str) -> list[OrgUnit]:
        self.unit(unit_id)
        return [self.units[c] for c in self._children[unit_id]]

    def descendants(self, unit_id: str) -> list[OrgUnit]:
        """The unit itself and everything below it, parents before children."""
        found, pending = [], [self.unit(unit_id)]
        while pending:
            unit = pending.pop()
            found.append(unit)
            pending.extend(reversed(self.children(unit.id)))
        return found

    def roots(self) -> list[OrgUnit]:
        return [u for u in self.units.values() if u.parent is None]

    def parents_first(self) -> list[OrgUnit]:
        """Every unit, each after its parent: the order rows must be inserted in."""
        return [u for root in self.roots() for u in self.descendants(root.id)]


def parse_units(raw: dict) -> list[OrgUnit]:
    entries = (raw or {}).get("units") or []
    if not isinstance(entries, list):
        raise DefinitionError("org file: 'units' must be a list", zh="组织文件：units 应为列表")
    return [_unit(entry, index) for index, entry in enumerate(entries)]


def _unit(entry: object, index: int) -> OrgUnit:
    if not isinstance(entry, dict):
        raise DefinitionError(f"org file: unit #{index + 1} is not a mapping",
                              zh=f"组织文件：第 {index + 1} 个单位的格式不正确（应为映射）")
    unit_id = _text(entry.get("id"))
    if not unit_id:
        raise DefinitionError(f"org file: unit #{index + 1} has no id",
                              zh=f"组织文件：第 {index + 1} 个单位缺少 id")
    name = _text(entry.get("name"))
    if not name:
        raise DefinitionError(f"org unit {unit_id!r} has no name", unit=unit_id,
                              zh=f"组织单位「{unit_id}」缺少名称")
    return OrgUnit(id=unit_id, name=name, level=_text(entry.get("level")),
                   parent=_text(entry.get("parent")) or None)


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


# -- validation -----------------------------------------------------------------------------

def _validate(units: dict[str, OrgUnit]) -> None:
    for unit_id, unit in units.items():
        if unit_id != unit.id:
            raise DefinitionError(f"org unit {unit.id!r} is filed under the id {unit_id!r}", unit=unit.id,
                                  zh=f"组织单位「{unit.id}」被登记在另一个 id「{unit_id}」下")
        _check_level_known(unit)
        _check_parent_known(unit, units)
    _check_no_cycles(units)
    for unit in units.values():
        _check_level_below_parent(unit, units)


def _check_level_known(unit: OrgUnit) -> None:
    if unit.level not in LEVELS:
        raise DefinitionError(f"org unit {unit.id!r} has unknown level {unit.level!r}; "
                              f"levels are {', '.join(LEVELS)}", unit=unit.id,
                              zh=f"组织单位「{unit.id}」的层级「{unit.level}」未知；"
                                 f"层级应为 {'、'.join(LEVELS)}")


def _check_parent_known(unit: OrgUnit, units: dict[str, OrgUnit]) -> None:
    if unit.parent is not None and unit.parent not in units:
        raise DefinitionError(f"org unit {unit.id!r} names unknown parent {unit.parent!r}", unit=unit.id,
                              zh=f"组织单位「{unit.id}」的上级单位「{unit.parent}」不存在")


def _check_no_cycles(units: dict[str, OrgUnit]) -> None:
    # Checked before the levels so that a loop is reported as a loop, not as a level mismatch.
    for start in units.values():
        seen, unit = {start.id}, start
        while unit.parent is not None:
            if unit.parent in seen:
                raise DefinitionError(f"org unit {start.id!r} is its own ancestor "
                                      f"(cycle through {unit.parent!r})", unit=start.id,
                                      zh=f"组织单位「{start.id}」成了自己的上级"
                                         f"（经「{unit.parent}」形成循环）")
            seen.add(unit.parent)
            unit = units[unit.parent]


def _check_level_below_parent(unit: OrgUnit, units: dict[str, OrgUnit]) -> None:
    # Skipping a level (a grid straight under a town) is refused: routing climbs to the
    # ancestor at a lane's level, and a missing level would send the task elsewhere.
    if unit.parent is None:
        return
    parent = units[unit.parent]
    expected = next_level_down(parent.level)
    if unit.level != expected:
        wanted = f"must be {expected!r}, the next level down" if expected else "cannot have children"
        raise DefinitionError(f"org unit {unit.id!r} is at level {unit.level!r} under {parent.id!r} "
                              f"({parent.level}): a child of a {parent.level} {wanted}", unit=unit.id,
                              zh=f"组织单位「{unit.id}」位于「{parent.id}」（{parent.level}）之下，"
                                 f"层级为「{unit.level}」，" + (f"但下一级应为「{expected}」" if expected
                                                               else f"但 {parent.level} 不能有下级单位"))


def next_level_down(level: str) -> str | None:
    index = LEVELS.index(level) + 1
    return LEVELS[index] if index < len(LEVELS) else None


# -- users ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Membership:
    role: str
    org_unit: str


@dataclass(frozen=True)
class UserSpec:
    """A user as an org file describes her; the password, if any, is still in clear.
    An empty display name means "not given": a new user is then named by her username."""

    username: str
    display_name: str = ""
    password: str | None = field(default=None, repr=False)
    memberships: tuple[Membership, ...] = ()


def check_role(role: str) -> str:
    if role not in ROLES:
        raise DefinitionError(f"unknown role {role!r}; roles are {', '.join(ROLES)}", role=role,
                              zh=f"未知的角色「{role}」；角色应为 {'、'.join(ROLES)}")
    return role


def parse_users(raw: dict) -> list[UserSpec]:
    entries = (raw or {}).get("users") or []
    if not isinstance(entries, list):
        raise DefinitionError("org file: 'users' must be a list", zh="组织文件：users 应为列表")
    users = [_user(entry, index) for index, entry in enumerate(entries)]
    _check_unique_usernames(users)
    return users


def _user(entry: object, index: int) -> UserSpec:
    if not isinstance(entry, dict):
        raise DefinitionError(f"org file: user #{index + 1} is not a mapping",
                              zh=f"组织文件：第 {index + 1} 个用户的格式不正确（应为映射）")
    username = _text(entry.get("username"))
    if not username:
        raise DefinitionError(f"org file: user #{index + 1} has no username",
                              zh=f"组织文件：第 {index + 1} 个用户缺少用户名")
    password = entry.get("password")
    memberships = tuple(_membership(username, m) for m in entry.get("memberships") or [])
    return UserSpec(username=username, display_name=_text(entry.get("display_name")),
                    password=None if password is None else str(password), memberships=memberships)


def _membership(username: str, entry: object) -> Membership:
    if not isinstance(entry, dict):
        raise DefinitionError(f"user {username!r}: a membership must be a mapping of role and org_unit",
                              zh=f"用户「{username}」：每个岗位应为包含 role 和 org_unit 的映射")
    try:
        role = check_role(_text(entry.get("role")))
    except DefinitionError as exc:
        raise DefinitionError(f"user {username!r}: {exc.message}", user=username,
                              zh=f"用户「{username}」：{exc.zh or exc.message}") from None
    return Membership(role=role, org_unit=_text(entry.get("org_unit")))


def _check_unique_usernames(users: list[UserSpec]) -> None:
    seen: set[str] = set()
    for user in users:
        if user.username in seen:
            raise DefinitionError(f"user {user.username!r} is defined twice", user=user.username,
                                  zh=f"用户「{user.username}」重复定义")
        seen.add(user.username)


def check_memberships(users: Iterable[UserSpec], chart: OrgChart) -> None:
    for user in users:
        for m in user.memberships:
            if m.org_unit not in chart.units:
                raise DefinitionError(f"user {user.username!r}: membership {m.role} names unknown "
                                      f"org unit {m.org_unit!r}", user=user.username,
                                      zh=f"用户「{user.username}」的 {m.role} 岗位所在的组织单位"
                                         f"「{m.org_unit}」不存在")


@dataclass(eq=False)
class OrgFile:
    """What an org file holds: the chart (merged over a base chart, if given) and users."""

    chart: OrgChart
    users: list[UserSpec]

    @classmethod
    def from_dict(cls, raw: dict, base: OrgChart | None = None) -> OrgFile:
        if not isinstance(raw, dict):
            raise DefinitionError("org file: expected a mapping with 'units' and 'users'",
                                  zh="组织文件：应为包含 units 和 users 的映射")
        units = parse_units(raw)
        # Only duplicates are checked in the file alone: its units may name parents that
        # only the base chart knows.
        _check_no_duplicates(units)
        chart = (base or OrgChart()).merged(units)
        users = parse_users(raw)
        check_memberships(users, chart)
        return cls(chart=chart, users=users)

    @classmethod
    def load(cls, path: str | Path, base: OrgChart | None = None) -> OrgFile:
        return cls.from_dict(read_yaml(path), base)


def _check_no_duplicates(units: list[OrgUnit]) -> None:
    seen: set[str] = set()
    for unit in units:
        if unit.id in seen:
            raise DefinitionError(f"org unit {unit.id!r} is defined twice", unit=unit.id,
                                  zh=f"组织单位「{unit.id}」重复定义")
        seen.add(unit.id)


def read_yaml(path: str | Path) -> dict:
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise DefinitionError(f"{path}: cannot read: {exc.strerror}", file=str(path),
                              zh=f"{path}：无法读取：{exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise DefinitionError(f"{path}: not valid YAML: {exc}", file=str(path),
                              zh=f"{path}：不是有效的 YAML：{exc}") from exc
    if not isinstance(raw, dict):
        raise DefinitionError(f"{path}: expected a mapping with 'units' and 'users'", file=str(path),
                              zh=f"{path}：应为包含 units 和 users 的映射")
    return raw


# -- routing ----------------------------------------------------------------------------------

class HierarchyRouter:
    """Offers a task in the ancestor of the case's org unit at the lane's level.

    Never raises: a task must be offered somewhere, so when the chart cannot answer the
    task stays at the case's own unit (and a warning says why).
    """

    def __init__(self, chart: Callable[[], OrgChart]):
        # A provider, not a chart: the store caches the chart and swaps it after an import.
        self._chart = chart

    def route(self, instance, lane_role: LaneRole | None, data: dict) -> str | None:
        case_unit = instance.org_unit
        level = self._level(lane_role, data)
        if case_unit is None or level is None:
            return case_unit
        chart = self._chart()
        if case_unit not in chart.units:
            log.warning("case %s: org unit %r is not in the org chart; task stays there",
                        getattr(instance, "id", "?"), case_unit)
            return case_unit
        target = chart.ancestor_at(case_unit, level)
        if target is None:
            log.warning("case %s: org unit %r has no %s above it; task stays at the case's unit",
                        getattr(instance, "id", "?"), case_unit, level)
            return case_unit
        return target.id

    @staticmethod
    def _level(lane_role: LaneRole | None, data: dict) -> str | None:
        """The level to climb to, or None for "the case's own unit"."""
        level = lane_role.level if lane_role else CASE_LEVEL
        return handling_level(data) if level == CASE_LEVEL else level


# The triage decision grades handling 1/2/3 (DOMAIN.md, tiered handling): grid, village, town.
TIERS = {1: "grid", 2: "village", 3: "town"}


def handling_level(data: dict | None) -> str | None:
    """The case's current handling level from its data: a level name, or a tier 1-3."""
    value = (data or {}).get("handling_level")
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return TIERS.get(value)
    return value if value in LEVELS else None
