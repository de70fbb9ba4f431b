"""The org chart, its validation, org files and the hierarchy router (pure, no database)."""
from __future__ import annotations

import logging
from types import SimpleNamespace

import pytest

from engine.definitions.catalog import LaneRole
from engine.errors import DefinitionError, NotFound
from engine.org import HierarchyRouter, Membership, OrgChart, OrgFile, OrgUnit, handling_level
from tests.conftest import PROJECT_ROOT

DEMO = PROJECT_ROOT / "processes" / "org" / "demo.yaml"


@pytest.fixture(scope="module")
def chart() -> OrgChart:
    return OrgChart.load(DEMO)


def ids(units) -> list[str]:
    return [u.id for u in units]


def case_at(unit: str | None) -> SimpleNamespace:
    return SimpleNamespace(id="case-1", org_unit=unit)


def small(*units: dict) -> dict:
    return {"units": [{"id": "city", "name": "市", "level": "city"}, *units]}


# -- the demo chart ---------------------------------------------------------------------

def test_the_demo_has_one_branch_of_all_five_levels(chart):
    assert ids(chart.roots()) == ["city"]
    assert chart.unit("town").name == "和美镇"
    assert sorted(u.level for u in chart.units.values()).count("grid") == 4


def test_ancestors_run_from_the_unit_itself_up_to_the_city(chart):
    assert ids(chart.ancestors("grid-a1")) == ["grid-a1", "village-a", "town", "county", "city"]
    assert ids(chart.ancestors("city")) == ["city"]


def test_ancestor_at_a_level_is_the_unit_itself_when_it_sits_there(chart):
    assert chart.ancestor_at("grid-a1", "village").id == "village-a"
    assert chart.ancestor_at("grid-b2", "town").id == "town"
    assert chart.ancestor_at("grid-a1", "grid").id == "grid-a1"
    assert chart.ancestor_at("town", "grid") is None


def test_a_unit_is_within_itself_and_its_ancestors_never_beside_or_below(chart):
    assert chart.is_within("grid-a1", "grid-a1")
    assert chart.is_within("grid-a1", "village-a") and chart.is_within("grid-a1", "city")
    assert not chart.is_within("grid-a1", "village-b")
    assert not chart.is_within("grid-a1", "grid-a2")
    assert not chart.is_within("village-a", "grid-a1")


def test_an_unknown_unit_is_within_nothing(chart):
    assert not chart.is_within("nowhere", "city")
    assert not chart.is_within("grid-a1", "nowhere")


def test_descendants_include_the_unit_and_list_parents_first(chart):
    assert ids(chart.descendants("village-a")) == ["village-a", "grid-a1", "grid-a2"]
    assert ids(chart.descendants("town")) == ["town", "village-a", "grid-a1", "grid-a2",
                                              "village-b", "grid-b1", "grid-b2"]
    assert ids(chart.descendants("grid-b1")) == ["grid-b1"]


def test_children_are_the_units_one_level_down(chart):
    assert ids(chart.children("town")) == ["village-a", "village-b"]
    assert chart.children("grid-a1") == []


def test_asking_about_an_unknown_unit_is_not_found(chart):
    with pytest.raises(NotFound):
        chart.ancestors("nowhere")
    with pytest.raises(NotFound):
        chart.descendants("nowhere")


def test_a_chart_read_twice_is_equal(chart):
    assert OrgChart.load(DEMO) == chart
    assert OrgChart.load(DEMO) != chart.merged([OrgUnit("grid-a3", "三网格", "grid", "village-a")])


# -- validation ----------------------------------------------------------------------------

@pytest.mark.parametrize("raw, words", [
    (small({"id": "city", "name": "又一个市", "level": "city"}), ["'city'", "defined twice"]),
    (small({"id": "county", "name": "县", "level": "province", "parent": "city"}), ["'county'", "unknown level"]),
    (small({"id": "county", "name": "县", "level": "county", "parent": "state"}), ["'county'", "unknown parent 'state'"]),
    (small({"id": "town", "name": "镇", "level": "town", "parent": "city"}), ["'town'", "'county', the next level down"]),
    (small({"id": "county", "name": "县", "level": "city", "parent": "city"}), ["'county'", "'county', the next level down"]),
    (small({"id": "county", "name": "", "level": "county", "parent": "city"}), ["'county'", "no name"]),
    (small({"level": "county", "name": "县", "parent": "city"}), ["unit #2", "no id"]),
    ({"units": {"city": {}}}, ["'units' must be a list"]),
])
def test_an_invalid_chart_is_refused_naming_the_unit(raw, words):
    with pytest.raises(DefinitionError) as caught:
        OrgChart.from_dict(raw)
    for word in words:
        assert word in caught.value.message


def test_a_grid_cannot_have_children():
    units = [OrgUnit("g", "网格", "grid"), OrgUnit("x", "下级", "grid", "g")]
    with pytest.raises(DefinitionError, match="'x'.*cannot have children"):
        OrgChart.of(units)


def test_a_cycle_is_reported_as_a_cycle():
    raw = {"units": [{"id": "a", "name": "甲", "level": "county", "parent": "b"},
                     {"id": "b", "name": "乙", "level": "town", "parent": "a"}]}
    with pytest.raises(DefinitionError, match="'a' is its own ancestor"):
        OrgChart.from_dict(raw)


def test_a_unit_that_is_its_own_parent_is_a_cycle():
    with pytest.raises(DefinitionError, match="own ancestor"):
        OrgChart.of([OrgUnit("a", "甲", "city", "a")])


def test_a_root_may_sit_below_the_city():
    chart = OrgChart.of([OrgUnit("county", "县", "county"), OrgUnit("town", "镇", "town", "county")])
    assert chart.ancestor_at("town", "city") is None


# -- org files -------------------------------------------------------------------------------

def test_the_demo_file_has_a_user_per_role_with_chinese_names():
    org = OrgFile.load(DEMO)
    roles = {m.role for u in org.users for m in u.memberships}
    assert roles == {"grid_worker", "intake_clerk", "village_mediator", "town_mediator", "legal_advisor",
                     "psychologist", "rights_officer", "supervisor", "process_designer", "admin"}
    grid_a1 = next(u for u in org.users if u.username == "grid_a1")
    assert grid_a1.display_name == "李网格" and grid_a1.password == "jiahe-demo"
    assert grid_a1.memberships == (Membership("grid_worker", "grid-a1"),)
    assert "jiahe-demo" not in repr(grid_a1)


def user_file(*memberships: dict, username: str = "u1") -> dict:
    return {**small(), "users": [{"username": username, "memberships": list(memberships)}]}


def test_an_unknown_role_is_refused_naming_the_user():
    with pytest.raises(DefinitionError, match="user 'u1': unknown role 'judge'"):
        OrgFile.from_dict(user_file({"role": "judge", "org_unit": "city"}))


def test_a_membership_in_an_unknown_unit_is_refused():
    with pytest.raises(DefinitionError, match="user 'u1'.*unknown org unit 'mars'"):
        OrgFile.from_dict(user_file({"role": "admin", "org_unit": "mars"}))


def test_a_user_defined_twice_is_refused():
    raw = {**small(), "users": [{"username": "u1"}, {"username": "u1"}]}
    with pytest.raises(DefinitionError, match="'u1' is defined twice"):
        OrgFile.from_dict(raw)


def test_a_file_may_add_units_under_a_base_chart(chart):
    raw = {"units": [{"id": "grid-a3", "name": "东村第三网格", "level": "grid", "parent": "village-a"}],
           "users": [{"username": "u3", "memberships": [{"role": "grid_worker", "org_unit": "grid-a3"}]}]}
    org = OrgFile.from_dict(raw, base=chart)
    assert ids(org.chart.children("village-a")) == ["grid-a1", "grid-a2", "grid-a3"]
    with pytest.raises(DefinitionError, match="unknown parent 'village-a'"):
        OrgFile.from_dict(raw)


def test_a_broken_yaml_file_is_a_definition_error(tmp_path):
    path = tmp_path / "org.yaml"
    path.write_text("units: [ {id: city", encoding="utf-8")
    with pytest.raises(DefinitionError, match="not valid YAML"):
        OrgChart.load(path)
    with pytest.raises(DefinitionError, match="cannot read"):
        OrgChart.load(tmp_path / "missing.yaml")


# -- routing ---------------------------------------------------------------------------------

@pytest.fixture
def router(chart) -> HierarchyRouter:
    return HierarchyRouter(lambda: chart)


@pytest.mark.parametrize("level, unit", [
    ("grid", "grid-a1"), ("village", "village-a"), ("town", "town"), ("county", "county"), ("city", "city"),
])
def test_a_lane_task_is_offered_at_the_ancestor_at_the_lane_level(router, level, unit):
    assert router.route(case_at("grid-a1"), LaneRole("some_role", level), {}) == unit


@pytest.mark.parametrize("handling, unit", [
    ("village", "village-a"), ("town", "town"), (2, "village-a"), ("3", "town"), (1, "grid-a1"),
    (None, "grid-a1"), ("nowhere", "grid-a1"), (7, "grid-a1"), (True, "grid-a1"),
])
def test_a_case_level_lane_follows_the_handling_level(router, handling, unit):
    data = {} if handling is None else {"handling_level": handling}
    assert router.route(case_at("grid-a1"), LaneRole("supervisor", "case"), data) == unit


def test_a_task_without_a_lane_role_stays_at_the_case_unit_unless_handled_higher(router):
    assert router.route(case_at("grid-b2"), None, {}) == "grid-b2"
    assert router.route(case_at("grid-b2"), None, {"handling_level": "village"}) == "village-b"


@pytest.fixture
def warnings_seen(caplog, monkeypatch):
    # import-linter (test_import_contract) configures logging with disable_existing_loggers,
    # which silences loggers created before it; switch ours back on for these tests.
    monkeypatch.setattr(logging.getLogger("engine.org"), "disabled", False)
    with caplog.at_level(logging.WARNING, logger="engine.org"):
        yield caplog


def test_a_case_unknown_to_the_chart_keeps_its_task_and_warns(router, warnings_seen):
    assert router.route(case_at("grid-z9"), LaneRole("village_mediator", "village"), {}) == "grid-z9"
    assert "grid-z9" in warnings_seen.text


def test_a_case_above_the_lane_level_keeps_its_task_and_warns(router, warnings_seen):
    assert router.route(case_at("town"), LaneRole("grid_worker", "grid"), {}) == "town"
    assert "no grid above it" in warnings_seen.text


def test_a_case_without_org_unit_is_routed_nowhere_in_particular(router):
    assert router.route(case_at(None), LaneRole("grid_worker", "grid"), {}) is None


def test_the_router_asks_its_provider_for_the_current_chart(chart):
    current = [chart]
    router = HierarchyRouter(lambda: current[0])
    assert router.route(case_at("grid-a1"), LaneRole("m", "village"), {}) == "village-a"
    current[0] = chart.merged([OrgUnit("grid-a1", "东村第一网格", "grid", "village-b")])
    assert router.route(case_at("grid-a1"), LaneRole("m", "village"), {}) == "village-b"


def test_handling_level_reads_names_and_tiers():
    assert [handling_level({"handling_level": v}) for v in ("grid", 1, 2, 3, " 2 ", 0)] == \
        ["grid", "grid", "village", "town", "village", None]
    assert handling_level(None) is None
