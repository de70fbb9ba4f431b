"""Region profiles: the mediation ladder a deployment runs, as data (processes/ladders/*.yaml).

Federations do not share one network (DOMAIN.md, "Regions differ"): Yangcun mediates grid ->
village -> town once each; Yichang climbs four committee tiers to the city; Jiangyin's "331"
lets the village and the town try three times each before the city tries once. A profile says
which tiers exist, at which org level and by which role each mediates, how many failed attempts
a tier allows before the case moves up, each attempt's deadline with its legal basis, and what
happens after the last tier:

    name: 三级调解（网格—村—镇）
    org: processes/org/demo.yaml        # an organisation that has every tier's level
    entry: {1: grid, 2: village, 3: town} # triage grade (risk_triage.dmn `level`) -> first tier
    tiers:
      - {id: grid, name: 网格员现场调解, role: grid_worker, level: grid, attempts: 1,
         deadline: P7D, warning: P5D, basis: ...}
    after_last: litigation

The catalog names the profile a process runs (`ladder: three_tier`); JIAHE_LADDER_PROFILE
names another for the whole deployment. Deploy copies the profile into the process's bundle,
so a change of ladder is a new version, and a case keeps the ladder it started with (the
runtime gives it the profile as `mediation_ladder`).
"""
from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

from engine.calendar import parse_duration
from engine.definitions.catalog import LEVELS
from engine.errors import DefinitionError

LADDER_DIR = Path("processes") / "ladders"
PROFILE_ENV = "JIAHE_LADDER_PROFILE"
# What a case whose last tier failed is offered: guidance to court with legal aid (人民调解法第26条).
AFTER_LAST = ("litigation",)
TRIAGE_GRADES = (1, 2, 3)


@dataclass(frozen=True)
class Tier:
    id: str
    name: str
    role: str
    level: str
    attempts: int
    deadline: str
    warning: str
    basis: str
    expert_consultation: bool = False


@dataclass(frozen=True)
class Ladder:
    key: str
    name: str
    tiers: tuple[Tier, ...]
    entry: dict[int, str] = field(default_factory=dict)
    after_last: str = "litigation"
    source: str = ""
    org: str = ""

    def org_file(self, project_root: Path) -> Path | None:
        """The organisation file it names, under `project_root`, when it names one that exists."""
        path = Path(project_root) / self.org if self.org else None
        return path if path is not None and path.is_file() else None

    def to_case_data(self) -> dict:
        """What a case carries: the tiers in order and where each triage grade enters."""
        return {"key": self.key, "name": self.name, "after_last": self.after_last,
                "entry": {str(grade): tier for grade, tier in sorted(self.entry.items())},
                "tiers": [asdict(t) for t in self.tiers]}


class LadderError(DefinitionError):
    """A profile that cannot be read; lint reports it as a finding on the file."""


def active_profile_key(catalog_key: str | None) -> str | None:
    """The profile the deployment runs: JIAHE_LADDER_PROFILE, else the one the catalog names."""
    return (os.environ.get(PROFILE_ENV) or "").strip() or catalog_key


def read_ladders(folder: Path) -> tuple[dict[str, Ladder], dict[str, LadderError]]:
    """Every profile in `folder` by key (its file stem), and apart those that cannot be read."""
    ladders, broken = {}, {}
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else ():
        try:
            ladders[path.stem] = load_ladder(path)
        except LadderError as exc:
            broken[path.stem] = exc
    return ladders, broken


def load_ladder(path: Path) -> Ladder:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise LadderError(f"{path.name}: not valid YAML: {exc}", file=str(path),
                          zh=f"{path.name}：不是有效的 YAML：{exc}") from exc
    return ladder_from_dict(path.stem, raw, file=str(path))


def ladder_from_dict(key: str, raw: dict, file: str = "") -> Ladder:
    def fail(message: str, zh: str):
        raise LadderError(f"{file or key}: {message}", file=file, zh=f"{file or key}：{zh}")

    if not isinstance(raw, dict):
        fail("expected a mapping with 'tiers'", "应为包含 tiers 的映射")
    tiers_raw = raw.get("tiers")
    if not isinstance(tiers_raw, list) or not tiers_raw:
        fail("'tiers' must list at least one tier", "tiers 至少要列出一级调解")
    tiers = tuple(_tier(i, spec, fail) for i, spec in enumerate(tiers_raw, start=1))
    ids = [t.id for t in tiers]
    if len(set(ids)) != len(ids):
        fail(f"tier ids repeat: {', '.join(ids)}", f"调解层级的 id 重复：{', '.join(ids)}")
    entry = _entry(raw.get("entry"), ids, fail)
    after_last = raw.get("after_last", "litigation")
    if after_last not in AFTER_LAST:
        fail(f"after_last must be one of {', '.join(AFTER_LAST)}, not {after_last!r}",
             f"after_last 只能是 {', '.join(AFTER_LAST)}，而不是「{after_last}」")
    return Ladder(key=key, name=str(raw.get("name") or key), tiers=tiers, entry=entry, after_last=after_last,
                  source=str(raw.get("source") or ""), org=str(raw.get("org") or ""))


def _tier(position: int, spec, fail) -> Tier:
    if not isinstance(spec, dict):
        fail(f"tier {position} must be a mapping", f"第 {position} 级调解应为映射")
    missing = [k for k in ("id", "name", "role", "level", "deadline", "warning", "basis") if not spec.get(k)]
    if missing:
        fail(f"tier {position} lacks {', '.join(missing)}", f"第 {position} 级调解缺少 {', '.join(missing)}")
    if spec["level"] not in LEVELS:
        fail(f"tier {spec['id']}: level {spec['level']!r} is not one of {', '.join(LEVELS)}",
             f"调解层级 {spec['id']} 的 level「{spec['level']}」不是 {', '.join(LEVELS)} 之一")
    attempts = spec.get("attempts", 1)
    if not isinstance(attempts, int) or isinstance(attempts, bool) or not 1 <= attempts <= 10:
        fail(f"tier {spec['id']}: attempts must be a whole number from 1 to 10",
             f"调解层级 {spec['id']} 的 attempts 应为 1 到 10 的整数")
    deadline, warning = _duration(spec, "deadline", fail), _duration(spec, "warning", fail)
    if warning >= deadline:
        fail(f"tier {spec['id']}: the warning ({spec['warning']}) must come before the deadline ({spec['deadline']})",
             f"调解层级 {spec['id']} 的督办提醒（{spec['warning']}）应早于时限（{spec['deadline']}）")
    return Tier(id=str(spec["id"]), name=str(spec["name"]), role=str(spec["role"]), level=spec["level"],
                attempts=attempts, deadline=str(spec["deadline"]), warning=str(spec["warning"]),
                basis=str(spec["basis"]), expert_consultation=bool(spec.get("expert_consultation", False)))


def _duration(spec: dict, name: str, fail):
    try:
        return parse_duration(spec[name])
    except (ValueError, TypeError):
        fail(f"tier {spec['id']}: {name} {spec[name]!r} is not an ISO 8601 duration such as P30D",
             f"调解层级 {spec['id']} 的 {name}「{spec[name]}」不是 ISO 8601 时长（如 P30D）")


def _entry(raw, ids: list[str], fail) -> dict[int, str]:
    """Where each triage grade starts; a grade not named starts at the first tier."""
    if raw is None:
        return {grade: ids[0] for grade in TRIAGE_GRADES}
    if not isinstance(raw, dict):
        fail("'entry' must map triage grades 1-3 to tier ids", "entry 应把风险分级 1-3 映射到调解层级 id")
    entry = {}
    for grade, tier_id in raw.items():
        if str(grade) not in {str(g) for g in TRIAGE_GRADES}:
            fail(f"entry: {grade!r} is not a triage grade (1, 2 or 3)", f"entry：「{grade}」不是风险分级（1、2、3）")
        if tier_id not in ids:
            fail(f"entry: grade {grade} names tier {tier_id!r}, which the profile does not have",
                 f"entry：分级 {grade} 指向不存在的调解层级「{tier_id}」")
        entry[int(grade)] = tier_id
    for grade in TRIAGE_GRADES:
        entry.setdefault(grade, ids[0])
    return entry


def find_ladder(project_root: Path, key: str | None) -> Ladder | None:
    """The profile `key` of the project at `project_root`, if it is there and can be read."""
    path = Path(project_root) / LADDER_DIR / f"{key}.yaml"
    try:
        return load_ladder(path) if key and path.is_file() else None
    except LadderError:
        return None  # lint and deploy name why


def running_ladder(project_root: Path, process_key: str = "dispute_case") -> Ladder | None:
    """The profile the deployment at `project_root` runs for `process_key`, if it can be read."""
    from engine.definitions.catalog import Catalog

    root = Path(project_root)
    return find_ladder(root, active_profile_key(Catalog.load(root / "processes" / "catalog.yaml")
                                                .entry(process_key).ladder))
