"""Who may see and do what: roles and jurisdiction (no HTTP, no database).

A user acts on the org units of her memberships and everything below them, never beside or
above (DOMAIN.md). A case outside that is, to her, a case that does not exist.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from engine.org import Membership, OrgChart

ADMIN_ROLES = frozenset({"admin"})
DESIGNER_ROLES = frozenset({"process_designer", "admin"})
SUPERVISION_ROLES = frozenset({"supervisor", "rights_officer", "admin"})
# Roles that handle the victim directly and so may see her address, phone and shelter.
SENSITIVE_READERS = frozenset({"grid_worker", "intake_clerk", "rights_officer", "legal_advisor", "psychologist"})


@dataclass(frozen=True)
class Principal:
    username: str
    display_name: str
    memberships: tuple[Membership, ...] = field(default_factory=tuple)

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(m.role for m in self.memberships)

    def has_any_role(self, roles) -> bool:
        return bool(self.roles & frozenset(roles))

    def units(self, role: str | None = None) -> list[str]:
        return sorted({m.org_unit for m in self.memberships if role is None or m.role == role})

    def sees(self, chart: OrgChart, org_unit: str | None, role: str | None = None) -> bool:
        """True when `org_unit` is at or below one of her units (for `role`, if given)."""
        if org_unit is None:
            return False
        return any(chart.is_within(org_unit, unit) for unit in self.units(role))

    def visible_units(self, chart: OrgChart, role: str | None = None) -> set[str]:
        """Every org unit she sees (for `role`, if given): her units and all below them."""
        seen: set[str] = set()
        for unit in self.units(role):
            if unit in chart.units:
                seen.update(u.id for u in chart.descendants(unit))
        return seen

    def may_read_sensitive(self) -> bool:
        return self.has_any_role(SENSITIVE_READERS)
