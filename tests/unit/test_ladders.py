"""Region profiles: the mediation ladder as data, read strictly and linted against the catalog
and the organisation each profile names."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from engine.definitions.catalog import LADDER, Catalog, LaneRole
from engine.definitions.ladder import PROFILE_ENV, LadderError, ladder_from_dict, read_ladders
from engine.lint.ladders import lint_ladders

ROOT = Path(__file__).resolve().parents[2]
LADDERS = ROOT / "processes" / "ladders"


def tier(tier_id: str, level: str, role: str = "village_mediator", **extra) -> dict:
    return {"id": tier_id, "name": f"{tier_id}调解", "role": role, "level": level, "attempts": 1,
            "deadline": "P30D", "warning": "P25D", "basis": "人民调解工作若干规定第33条", **extra}


def profile(*tiers, **extra) -> dict:
    return {"name": "测试", "tiers": list(tiers), **extra}


# -- the shipped profiles ---------------------------------------------------------------------

def test_the_three_shipped_profiles_read_as_the_reports_describe_them():
    ladders, broken = read_ladders(LADDERS)
    assert broken == {}
    shape = {key: [(t.level, t.role, t.attempts) for t in ladder.tiers] for key, ladder in ladders.items()}
    assert shape == {
        "three_tier": [("grid", "grid_worker", 1), ("village", "village_mediator", 1), ("town", "town_mediator", 1)],
        "yichang_four_tier": [("grid", "grid_worker", 1), ("village", "village_mediator", 1),
                              ("town", "town_mediator", 1), ("county", "committee_mediator", 1),
                              ("city", "committee_mediator", 1)],
        "jiangyin_331": [("village", "village_mediator", 3), ("town", "town_mediator", 3),
                         ("city", "committee_mediator", 1)],
    }
    assert ladders["jiangyin_331"].entry == {1: "village", 2: "village", 3: "town"}
    assert all(t.basis for ladder in ladders.values() for t in ladder.tiers)


def test_the_shipped_profiles_lint_clean_against_the_catalog_and_their_organisations():
    ladders, broken = read_ladders(LADDERS)
    catalog = Catalog.load(ROOT / "processes" / "catalog.yaml")
    assert lint_ladders(ROOT, catalog, ladders, broken) == []


# -- reading a profile --------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "says"), [
    ({"name": "x"}, "'tiers' must list at least one tier"),
    (profile(tier("a", "village"), tier("a", "town")), "tier ids repeat"),
    (profile(tier("a", "province")), "level 'province' is not one of"),
    (profile(tier("a", "village", attempts=0)), "attempts must be a whole number from 1 to 10"),
    (profile(tier("a", "village", attempts=11)), "attempts must be a whole number from 1 to 10"),
    (profile(tier("a", "village", deadline="30 days")), "is not an ISO 8601 duration"),
    (profile(tier("a", "village", warning="P30D")), "must come before the deadline"),
    (profile(tier("a", "village"), entry={4: "a"}), "is not a triage grade"),
    (profile(tier("a", "village"), entry={1: "b"}), "names tier 'b', which the profile does not have"),
    (profile(tier("a", "village"), after_last="arbitration"), "after_last must be one of litigation"),
    (profile({"id": "a", "level": "village"}), "lacks name, role, deadline, warning, basis"),
])
def test_a_profile_that_cannot_run_is_refused_saying_why(raw, says):
    with pytest.raises(LadderError) as caught:
        ladder_from_dict("bad", raw, file="bad.yaml")
    assert says in caught.value.message
    assert caught.value.zh  # the designer's studio shows the Chinese


def test_a_grade_the_entry_does_not_name_starts_at_the_first_tier():
    ladder = ladder_from_dict("p", profile(tier("v", "village"), tier("t", "town"), entry={3: "t"}))
    assert ladder.entry == {1: "v", 2: "v", 3: "t"}


def test_a_case_carries_the_tiers_in_order_and_the_entries_by_grade():
    ladder = ladder_from_dict("p", profile(tier("v", "village", attempts=3), tier("t", "town"), entry={3: "t"}))
    data = ladder.to_case_data()
    assert [t["id"] for t in data["tiers"]] == ["v", "t"]
    assert data["tiers"][0]["attempts"] == 3
    assert data["entry"] == {"1": "v", "2": "v", "3": "t"}  # JSON keys: the case data is JSON


# -- the lane that follows the ladder -------------------------------------------------------------

def test_a_ladder_lane_takes_the_role_and_level_of_the_current_tier():
    lane = Catalog.from_dict({"processes": {"p": {"lanes": {"调解员": LADDER}}}}).lane_role("p", "调解员")
    assert lane.by_ladder
    assert lane.resolved({"mediation_tier": {"role": "town_mediator", "level": "town"}}) == \
        LaneRole("town_mediator", "town")
    assert lane.resolved({}).by_ladder  # no tier yet: unresolved, the task stays at the case's unit


def test_a_ladder_lane_survives_the_round_trip_through_a_stored_bundle():
    catalog = Catalog.from_dict({"processes": {"p": {"ladder": "three_tier", "lanes": {"调解员": LADDER}}}})
    again = Catalog.from_dict({"processes": catalog.to_dict()["processes"]})
    assert again.entry("p").ladder == "three_tier"
    assert again.lane_role("p", "调解员").by_ladder


# -- lint against the catalog and the organisation --------------------------------------------------

@pytest.fixture
def project(tmp_path):
    """A copy of the project's catalog, org files and (clean) profiles, plus one of the test's own."""
    for folder in ("org", "ladders"):
        shutil.copytree(ROOT / "processes" / folder, tmp_path / "processes" / folder)
    shutil.copy(ROOT / "processes" / "catalog.yaml", tmp_path / "processes" / "catalog.yaml")

    def write(raw: dict, key: str = "local") -> Path:
        path = tmp_path / "processes" / "ladders" / f"{key}.yaml"
        path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
        return path

    write.root = tmp_path
    return write


def lint_project_profiles(root: Path) -> list:
    ladders, broken = read_ladders(root / "processes" / "ladders")
    return lint_ladders(root, Catalog.load(root / "processes" / "catalog.yaml"), ladders, broken)


def test_a_tier_at_a_level_the_organisation_lacks_is_an_error_on_its_line(project):
    org = yaml.safe_load((ROOT / "processes" / "org" / "demo.yaml").read_text(encoding="utf-8"))
    org["units"] = [u for u in org["units"] if u["level"] in ("city", "county", "town")]
    org["users"] = [u for u in org["users"] if all(m["org_unit"] in ("city", "county", "town")
                                                    for m in u["memberships"])]
    (project.root / "processes" / "org" / "no_villages.yaml").write_text(
        yaml.safe_dump(org, allow_unicode=True), encoding="utf-8")
    path = project(profile(tier("village", "village"), tier("town", "town", role="town_mediator"),
                           org="processes/org/no_villages.yaml"))
    findings = lint_project_profiles(project.root)
    assert [(f.severity, f.code) for f in findings] == [("error", "ladder-level-missing")]
    assert findings[0].file == str(path)
    assert path.read_text(encoding="utf-8").splitlines()[findings[0].line - 1].strip() == "- id: village"


def test_a_tier_nobody_of_its_role_can_take_is_a_warning(project):
    project(profile(tier("county", "county", role="committee_mediator"), org="processes/org/demo.yaml"))
    assert [(f.severity, f.code) for f in lint_project_profiles(project.root)] == [("warning", "ladder-nobody")]


def test_a_role_the_catalog_does_not_know_is_an_error(project):
    project(profile(tier("v", "village", role="elder"), org="processes/org/demo.yaml"))
    assert "ladder-role-unknown" in [f.code for f in lint_project_profiles(project.root)]


def test_tiers_must_climb_the_network(project):
    project(profile(tier("t", "town", role="town_mediator"), tier("v", "village"), org="processes/org/demo.yaml"))
    assert [f.code for f in lint_project_profiles(project.root)] == ["ladder-order"]


def test_a_profile_without_an_organisation_or_with_a_missing_one_is_named(project):
    project(profile(tier("v", "village")), key="no_org")
    project(profile(tier("v", "village"), org="processes/org/nowhere.yaml"), key="lost_org")
    found = {(f.file.rsplit("/", 1)[-1], f.severity, f.code) for f in lint_project_profiles(project.root)}
    assert found == {("no_org.yaml", "warning", "ladder-org-missing"), ("lost_org.yaml", "error", "ladder-org-missing")}


def test_an_unreadable_profile_is_an_error_on_its_file(project):
    (project.root / "processes" / "ladders" / "broken.yaml").write_text("tiers: [", encoding="utf-8")
    findings = lint_project_profiles(project.root)
    assert [(f.code, Path(f.file).name) for f in findings] == [("ladder-invalid", "broken.yaml")]


def test_the_catalog_naming_a_profile_that_is_not_there_is_an_error(project, monkeypatch):
    monkeypatch.setenv(PROFILE_ENV, "atlantis")
    findings = lint_project_profiles(project.root)
    assert [(f.code, f.severity) for f in findings] == [("ladder-unknown", "error")]
    assert "JIAHE_LADDER_PROFILE=atlantis" in findings[0].message
