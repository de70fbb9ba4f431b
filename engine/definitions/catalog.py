"""The process catalog: which processes exist and which role and level each lane stands for.

It lives in processes/catalog.yaml, next to the diagrams, so designers edit it with them:

    roles:
      grid_worker: 网格员
    processes:
      dispute_case:
        name: 婚姻家庭纠纷调处
        commitments: true          # lint: every path keeps 有来必受、有理必果、有果必公
        lanes:
          网格员: {role: grid_worker, level: grid}

A lane is looked up by its name first, then by its id. `level` is one of LEVELS, or `case`
for "the org unit the case currently sits at". A lane given as `ladder` (调解员: ladder) stands
for whoever mediates at the case's current tier of its region profile (engine/definitions/
ladder.py): the role and level come from the case's `mediation_tier` when the task is offered.
A process that mediates by a ladder names its profile: `ladder: three_tier`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from engine.errors import DefinitionError

LEVELS = ("city", "county", "town", "village", "grid")
CASE_LEVEL = "case"
LADDER = "ladder"  # a lane's role and level: those of the case's current mediation tier


@dataclass(frozen=True)
class LaneRole:
    role: str
    level: str = CASE_LEVEL

    @property
    def by_ladder(self) -> bool:
        return self.role == LADDER

    def resolved(self, data: dict) -> LaneRole:
        """A ladder lane as the role and level of the case's current tier (itself otherwise).
        A case without a tier (it never entered the ladder) keeps the lane unresolved: the
        task stays at the case's unit, offered to no role but supervisors'."""
        if not self.by_ladder:
            return self
        tier = (data or {}).get("mediation_tier")
        if isinstance(tier, dict) and tier.get("role") and tier.get("level") in LEVELS:
            return LaneRole(role=str(tier["role"]), level=tier["level"])
        return self


@dataclass
class ProcessEntry:
    key: str
    name: str = ""
    lanes: dict[str, LaneRole] = field(default_factory=dict)
    # A case process must keep the four commitments (lint checks every path); see DOMAIN.md.
    commitments: bool = False
    ladder: str | None = None  # the region profile (processes/ladders/<ladder>.yaml) it mediates by
    # 保管期限 in years after a case ends, where its data sets no `retention_until` (engine.retention)
    retention_years: int | None = None

    def lane_role(self, lane_name: str | None, lane_id: str | None = None) -> LaneRole | None:
        for candidate in (lane_name, lane_id):
            if candidate and candidate in self.lanes:
                return self.lanes[candidate]
        return None


@dataclass
class Catalog:
    roles: dict[str, str] = field(default_factory=dict)
    processes: dict[str, ProcessEntry] = field(default_factory=dict)

    def entry(self, process_key: str) -> ProcessEntry:
        return self.processes.get(process_key) or ProcessEntry(process_key)

    def lane_role(self, process_key: str, lane_name: str | None, lane_id: str | None = None):
        return self.entry(process_key).lane_role(lane_name, lane_id)

    @classmethod
    def from_dict(cls, raw: dict) -> Catalog:
        roles = dict(raw.get("roles") or {})
        processes = {
            key: _process_entry(key, body or {}, roles) for key, body in (raw.get("processes") or {}).items()
        }
        return cls(roles=roles, processes=processes)

    @classmethod
    def load(cls, path: str | Path) -> Catalog:
        path = Path(path)
        if not path.exists():
            return cls()
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise DefinitionError(f"{path}: not valid YAML: {exc}", file=str(path),
                                  zh=f"{path}：不是有效的 YAML：{exc}") from exc
        return cls.from_dict(raw)

    def to_dict(self) -> dict:
        return {
            "roles": dict(self.roles),
            "processes": {
                key: {
                    "name": entry.name,
                    "commitments": entry.commitments,
                    "lanes": {lane: {"role": lr.role, "level": lr.level} for lane, lr in entry.lanes.items()},
                    **({"ladder": entry.ladder} if entry.ladder else {}),
                    **({"retention_years": entry.retention_years} if entry.retention_years else {}),
                }
                for key, entry in self.processes.items()
            },
        }


def _process_entry(key: str, body: dict, roles: dict[str, str]) -> ProcessEntry:
    lanes = {}
    for lane, spec in (body.get("lanes") or {}).items():
        spec = {"role": spec} if isinstance(spec, str) else dict(spec or {})
        role, level = spec.get("role"), spec.get("level", CASE_LEVEL)
        if role == LADDER:  # `调解员: ladder`, or a stored bundle's {role: ladder, level: ladder}
            lanes[str(lane)] = LaneRole(role=LADDER, level=LADDER)
            continue
        if roles and role not in roles:
            raise DefinitionError(f"catalog: lane {lane!r} of {key} names unknown role {role!r}",
                                  zh=f"流程目录：{key} 的泳道「{lane}」使用了未知的角色「{role}」")
        if level not in LEVELS + (CASE_LEVEL,):
            raise DefinitionError(f"catalog: lane {lane!r} of {key} names unknown level {level!r}",
                                  zh=f"流程目录：{key} 的泳道「{lane}」使用了未知的层级「{level}」")
        lanes[str(lane)] = LaneRole(role=role, level=level)
    ladder = body.get("ladder")
    return ProcessEntry(key=key, name=body.get("name", ""), lanes=lanes,
                        commitments=bool(body.get("commitments", False)), ladder=str(ladder) if ladder else None,
                        retention_years=_retention_years(key, body.get("retention_years")))


def _retention_years(key: str, value) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 100:
        raise DefinitionError(f"catalog: retention_years of {key} must be a whole number of years from 1 to 100, "
                              f"not {value!r}",
                              zh=f"流程目录：{key} 的保管期限 retention_years 应为 1–100 的整数年，而不是 {value!r}")
    return value
