"""An org file checked entry by entry, every problem a field error at its path.

OrgFile.from_dict stops at the first problem and names it in prose; an administrator
uploading a file wants all of them at once, each at the entry to fix (`units.3.parent`,
`users.0.memberships.1.role`, in the dotted form the rest of the API uses). This runs over
the chart the database already holds, so a file may add a grid to a village it does not
repeat. Pure: no database.
"""
from __future__ import annotations

from dataclasses import dataclass

from engine.definitions.catalog import LEVELS
from engine.errors import DefinitionError, FieldError
from engine.org import LEVEL_NAMES, ROLES, OrgChart, OrgFile, next_level_down

VALIDATOR = "org_file"


@dataclass(frozen=True)
class _Entry:
    """A unit entry that is well-formed enough to be placed in the tree."""

    index: int
    id: str
    level: str
    parent: str | None


def org_file_errors(raw: dict, base: OrgChart) -> list[FieldError]:
    """Every problem of the parsed org file `raw` over `base`; none when it would import."""
    errors: list[FieldError] = []
    entries = _unit_entries(raw.get("units"), base, errors)
    known = set(base.units) | {e.id for e in entries}
    _user_entries(raw.get("users"), known, errors)
    if errors:
        return errors
    try:  # what the entry checks cannot see: a known unit moved so that its children no longer fit
        OrgFile.from_dict(raw, base)
    except DefinitionError as exc:
        errors.append(_error("units", exc.message, exc.zh or exc.message))
    return errors


# -- units --------------------------------------------------------------------------------------

def _unit_entries(units: object, base: OrgChart, errors: list[FieldError]) -> list[_Entry]:
    if units is None:
        return []
    if not isinstance(units, list):
        errors.append(_error("units", "must be a list of units", "应为单位列表"))
        return []
    entries, seen = [], set()
    for index, raw in enumerate(units):
        entry = _unit_entry(raw, f"units.{index}", index, seen, errors)
        if entry is not None:
            entries.append(entry)
            seen.add(entry.id)
    _place_units(entries, base, errors)
    return entries


def _unit_entry(raw: object, path: str, index: int, seen: set[str], errors: list[FieldError]) -> _Entry | None:
    if not isinstance(raw, dict):
        errors.append(_error(path, "must be a mapping of id, name, level and parent",
                             "应为包含 id、name、level、parent 的映射"))
        return None
    unit_id, level = _text(raw.get("id")), _text(raw.get("level"))
    if not _text(raw.get("name")):
        errors.append(_error(f"{path}.name", "the unit has no name", "缺少单位名称"))
    if not unit_id:
        errors.append(_error(f"{path}.id", "the unit has no id", "缺少单位编号（id）"))
        return None
    if unit_id in seen:
        errors.append(_error(f"{path}.id", f"org unit {unit_id!r} is defined twice",
                             f"组织单位「{unit_id}」重复定义"))
        return None
    if level not in LEVELS:
        errors.append(_error(f"{path}.level", f"unknown level {level!r}; levels are {', '.join(LEVELS)}",
                             f"层级「{level}」未知；层级应为 " + "、".join(f"{k}（{v}）" for k, v in LEVEL_NAMES.items())))
        return None
    return _Entry(index, unit_id, level, _text(raw.get("parent")) or None)


def _place_units(entries: list[_Entry], base: OrgChart, errors: list[FieldError]) -> None:
    """Parents known, no loops, each unit one level below its parent (file over database)."""
    levels = {u.id: u.level for u in base.units.values()} | {e.id: e.level for e in entries}
    parents = {u.id: u.parent for u in base.units.values()} | {e.id: e.parent for e in entries}
    for entry in entries:
        path = f"units.{entry.index}"
        if entry.parent is None:
            continue
        if entry.parent not in levels:
            errors.append(_error(f"{path}.parent", f"unknown parent org unit {entry.parent!r}",
                                 f"上级单位「{entry.parent}」不存在"))
        elif _in_loop(entry.id, parents):
            errors.append(_error(f"{path}.parent", f"org unit {entry.id!r} would be its own ancestor",
                                 f"组织单位「{entry.id}」会成为自己的上级（循环）"))
        else:
            _check_level(entry, levels[entry.parent], path, errors)


def _in_loop(unit_id: str, parents: dict[str, str | None]) -> bool:
    seen, current = {unit_id}, parents.get(unit_id)
    while current is not None:
        if current in seen:
            return True
        seen.add(current)
        current = parents.get(current)
    return False


def _check_level(entry: _Entry, parent_level: str, path: str, errors: list[FieldError]) -> None:
    expected = next_level_down(parent_level)
    if entry.level == expected:
        return
    parent_name = LEVEL_NAMES[parent_level]
    if expected is None:
        errors.append(_error(f"{path}.parent", f"a {parent_level} cannot have units below it",
                             f"上级单位「{entry.parent}」是{parent_name}，{parent_name}之下不能再设单位"))
    else:
        errors.append(_error(f"{path}.level", f"must be {expected!r}, one level below its parent ({parent_level})",
                             f"上级单位「{entry.parent}」是{parent_name}，本单位的层级应为"
                             f"{expected}（{LEVEL_NAMES[expected]}）"))


# -- users --------------------------------------------------------------------------------------

def _user_entries(users: object, units: set[str], errors: list[FieldError]) -> None:
    if users is None:
        return
    if not isinstance(users, list):
        errors.append(_error("users", "must be a list of users", "应为用户列表"))
        return
    seen: set[str] = set()
    for index, raw in enumerate(users):
        _user_entry(raw, f"users.{index}", seen, units, errors)


def _user_entry(raw: object, path: str, seen: set[str], units: set[str], errors: list[FieldError]) -> None:
    if not isinstance(raw, dict):
        errors.append(_error(path, "must be a mapping of username, display_name, password and memberships",
                             "应为包含 username、display_name、password、memberships 的映射"))
        return
    username = _text(raw.get("username"))
    if not username:
        errors.append(_error(f"{path}.username", "the user has no username", "缺少用户名"))
    elif username in seen:
        errors.append(_error(f"{path}.username", f"user {username!r} is defined twice", f"用户「{username}」重复定义"))
    seen.add(username)
    memberships = raw.get("memberships") or []
    if not isinstance(memberships, list):
        errors.append(_error(f"{path}.memberships", "must be a list of memberships", "应为岗位列表"))
        return
    for index, membership in enumerate(memberships):
        _membership_entry(membership, f"{path}.memberships.{index}", units, errors)


def _membership_entry(raw: object, path: str, units: set[str], errors: list[FieldError]) -> None:
    if not isinstance(raw, dict):
        errors.append(_error(path, "must be a mapping of role and org_unit", "应为包含 role 和 org_unit 的映射"))
        return
    role, unit = _text(raw.get("role")), _text(raw.get("org_unit"))
    if role not in ROLES:
        errors.append(_error(f"{path}.role", f"unknown role {role!r}; roles are {', '.join(ROLES)}",
                             f"未知的角色「{role}」；角色应为 " + "、".join(f"{k}（{v}）" for k, v in ROLES.items())))
    if unit not in units:
        errors.append(_error(f"{path}.org_unit", f"unknown org unit {unit!r}", f"组织单位「{unit}」不存在"))


def _error(path: str, message: str, zh: str) -> FieldError:
    return FieldError(path, message, VALIDATOR, zh=zh)


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()
