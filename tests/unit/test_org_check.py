"""An org file checked entry by entry: each problem at its path, all of them at once."""
from __future__ import annotations

from pathlib import Path

import yaml

from engine.org import OrgChart, OrgUnit
from engine.org_check import org_file_errors

DEMO = yaml.safe_load((Path(__file__).resolve().parents[2] / "processes" / "org" / "demo.yaml").read_text("utf-8"))
BASE = OrgChart.of([OrgUnit("city", "示范市", "city"), OrgUnit("county", "示范县", "county", "city"),
                    OrgUnit("town", "和美镇", "town", "county")])


def paths(raw: dict, base: OrgChart = BASE) -> list[str]:
    return [error.field for error in org_file_errors(raw, base)]


def test_the_demo_file_has_no_problem_over_an_empty_chart():
    assert org_file_errors(DEMO, OrgChart()) == []


def test_a_file_may_add_under_a_unit_only_the_database_knows():
    assert paths({"units": [{"id": "v", "name": "村", "level": "village", "parent": "town"}]}) == []


def test_every_entry_with_a_problem_is_named_at_its_field():
    raw = {"units": [{"id": "v", "level": "village", "parent": "town"},
                     {"name": "无编号", "level": "grid"},
                     {"id": "g", "name": "网格", "level": "grid", "parent": "v"},
                     "not a mapping"],
           "users": [{"username": "a", "memberships": [{"role": "grid_worker", "org_unit": "g"}]},
                     {"username": "a", "memberships": "grid_worker"},
                     {"memberships": [{"role": "admin", "org_unit": "nowhere"}]}]}
    assert paths(raw) == ["units.0.name", "units.1.id", "units.3", "users.1.username", "users.1.memberships",
                          "users.2.username", "users.2.memberships.0.org_unit"]


def test_a_loop_through_the_database_is_named_at_the_parent():
    raw = {"units": [{"id": "city", "name": "示范市", "level": "city", "parent": "town"}]}
    assert paths(raw) == ["units.0.parent"]


def test_a_known_unit_moved_so_that_its_children_no_longer_fit_is_refused_as_a_whole():
    # The county made a root at town level: its entry is fine on its own, but the town that only
    # the database puts below it would sit at its parent's level.
    raw = {"units": [{"id": "county", "name": "示范县", "level": "town"}]}
    errors = org_file_errors(raw, BASE)
    assert [e.field for e in errors] == ["units"]
    assert "town" in errors[0].message and errors[0].zh
