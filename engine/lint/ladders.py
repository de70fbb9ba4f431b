"""Region profiles (processes/ladders/*.yaml) against the catalog and their organisation.

A tier is mediated by a role at an org level: the role must be one the catalog knows, the
organisation the profile is tried with (`org:`) must have units at that level — else every
case reaching the tier would sit at the case's own unit with nobody to take it — and someone
of that role there, or above it. Tiers climb the network (grid -> ... -> city), so a ladder has
at most five tiers and at most fifty rounds (the bound the diagram declares with maxRounds).
"""
from __future__ import annotations

from pathlib import Path

from engine.definitions.catalog import LADDER, LEVELS, Catalog
from engine.definitions.ladder import LADDER_DIR, PROFILE_ENV, Ladder, LadderError, active_profile_key
from engine.errors import DefinitionError
from engine.lint.findings import Finding, error, warning


def lint_ladders(root: Path | None, catalog: Catalog | None, ladders: dict[str, Ladder],
                 broken: dict[str, LadderError], catalog_file: str = "catalog.yaml") -> list[Finding]:
    findings = [error("ladder-invalid", exc.message, file=_file(root, key)) for key, exc in sorted(broken.items())]
    if catalog is not None:
        findings += _catalog_names(catalog, ladders, broken, catalog_file)
    for key, ladder in sorted(ladders.items()):
        findings += _profile(root, key, ladder, catalog)
    return findings


def _catalog_names(catalog: Catalog, ladders, broken, catalog_file: str) -> list[Finding]:
    findings = []
    for key, entry in catalog.processes.items():
        follows = any(lane.by_ladder for lane in entry.lanes.values())
        running = active_profile_key(entry.ladder) if entry.ladder else None
        if follows and not entry.ladder:
            findings.append(error("ladder-missing", f"{key}: a lane follows the mediation ladder ({LADDER}) but the "
                                  f"process names no region profile (ladder: <profile in {LADDER_DIR}>)",
                                  file=catalog_file))
        if running and running not in ladders and running not in broken:
            source = f"{PROFILE_ENV}={running}" if running != entry.ladder else f"ladder: {running}"
            findings.append(error("ladder-unknown", f"{key}: {source} names a region profile that is not in "
                                  f"{LADDER_DIR} (there: {', '.join(sorted(ladders)) or 'none'})", file=catalog_file))
    return findings


def _profile(root: Path | None, key: str, ladder: Ladder, catalog: Catalog | None) -> list[Finding]:
    file, text = _file(root, key), _text(root, key)
    findings = []
    previous = -1
    for tier in ladder.tiers:
        line = _line_of(text, f"id: {tier.id}")
        rank = LEVELS[::-1].index(tier.level)
        if rank <= previous:
            findings.append(error("ladder-order", f"tier {tier.id} ({tier.level}) does not sit above the tier before "
                                  f"it: a ladder climbs {' -> '.join(LEVELS[::-1])}", file=file, line=line))
        previous = max(previous, rank)
        if catalog is not None and catalog.roles and tier.role not in catalog.roles:
            findings.append(error("ladder-role-unknown", f"tier {tier.id}: role {tier.role!r} is not in the catalog's "
                                  f"roles", file=file, line=line))
    return findings + _against_org(root, ladder, file, text)


def _against_org(root: Path | None, ladder: Ladder, file: str, text: str) -> list[Finding]:
    if root is None:
        return []
    if not ladder.org:
        return [warning("ladder-org-missing", "the profile names no organisation (org: <org file>): its tiers' "
                        "levels cannot be checked", file=file)]
    path = root / ladder.org
    try:
        from engine.org import OrgFile

        org = OrgFile.load(path)
    except (DefinitionError, OSError) as exc:
        message = getattr(exc, "message", None) or str(exc)
        return [error("ladder-org-missing", f"org: {ladder.org} cannot be read: {message}", file=file,
                      line=_line_of(text, "org:"))]
    findings = []
    levels = {unit.level for unit in org.chart.units.values()}
    for tier in ladder.tiers:
        line = _line_of(text, f"id: {tier.id}")
        if tier.level not in levels:
            findings.append(error("ladder-level-missing", f"tier {tier.id}: {ladder.org} has no unit at level "
                                  f"{tier.level}, so nobody could mediate there", file=file, line=line))
        elif not _someone_mediates(org, tier):
            findings.append(warning("ladder-nobody", f"tier {tier.id}: nobody in {ladder.org} has the role "
                                    f"{tier.role} at a {tier.level} unit or above it", file=file, line=line))
    return findings


def _someone_mediates(org, tier) -> bool:
    at_or_above = set(LEVELS[: LEVELS.index(tier.level) + 1])
    return any(m.role == tier.role and org.chart.units.get(m.org_unit) is not None
               and org.chart.units[m.org_unit].level in at_or_above
               for user in org.users for m in user.memberships)


def _file(root: Path | None, key: str) -> str:
    return str((root / LADDER_DIR if root is not None else LADDER_DIR) / f"{key}.yaml")


def _text(root: Path | None, key: str) -> str:
    if root is None:
        return ""
    try:
        return (root / LADDER_DIR / f"{key}.yaml").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def _line_of(text: str, needle: str) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    return None
