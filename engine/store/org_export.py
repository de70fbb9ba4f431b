"""The organisation as an org file (the format of engine.org and `jiahe org import`), so that
an export imported again changes nothing, and imported elsewhere rebuilds the same chart.

No passwords: the database holds only their hashes, and an org file's `password` is clear
text. Importing the file where a user exists leaves her password as it is; where she is new
she has none and cannot log in until an administrator sets one. Nor the `active` flag, which
the format does not have: deactivating someone is done on the admin page, one person at a time.
"""
from __future__ import annotations

from collections.abc import Collection

import yaml
from sqlalchemy.orm import Session

from engine.org import OrgUnit
from engine.store.org_models import AppUser
from engine.store.org_repository import load_chart, users

HEADER = ("# 组织文件（jiahe org import 的格式）。不含密码：导入时已有用户的密码保持不变，\n"
          "# 新用户没有密码，须由系统管理员设置后方可登录。\n"
          "# An org file (the `jiahe org import` format). No passwords: importing it keeps the\n"
          "# passwords of existing users; a new user has none until an administrator sets one.\n")


def export_org(session: Session, units: Collection[str] | None = None) -> dict:
    """The units in `units` (None: all), parents first, and the users who hold a membership
    there with those memberships; with None also the users who hold none."""
    chart = load_chart(session)
    chosen = [u for u in chart.parents_first() if units is None or u.id in units]
    people = [entry for user in users(session) if (entry := _user_entry(user, units)) is not None]
    return {"units": [_unit_entry(u) for u in chosen], "users": people}


def org_file_text(org: dict) -> str:
    return HEADER + yaml.safe_dump(org, allow_unicode=True, sort_keys=False, width=120)


def _unit_entry(unit: OrgUnit) -> dict:
    entry = {"id": unit.id, "name": unit.name, "level": unit.level}
    if unit.parent is not None:
        entry["parent"] = unit.parent
    return entry


def _user_entry(user: AppUser, units: Collection[str] | None) -> dict | None:
    held = [{"role": m.role, "org_unit": m.org_unit} for m in user.memberships
            if units is None or m.org_unit in units]
    if not held and (units is not None or user.memberships):
        return None
    return {"username": user.username, "display_name": user.display_name, "memberships": held}
