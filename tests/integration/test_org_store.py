"""The organisation in the database: import, chart, users, passwords, cache and CLI."""
from __future__ import annotations

import copy
import sys

import pytest
import yaml
from click.testing import CliRunner
from sqlalchemy import select

from api.cli import cli, main
from engine.errors import DefinitionError, NotFound, ValidationFailed
from engine.org import Membership, OrgChart, OrgFile
from engine.store import org_repository
from engine.store import repository as repo
from engine.store.org_models import AppUser
from engine.store.org_repository import (
    ChartCache,
    add_user,
    hash_password,
    import_org,
    load_chart,
    memberships_of,
    password_matches,
    users,
    verify_password,
)
from tests.conftest import PROJECT_ROOT

DEMO = PROJECT_ROOT / "processes" / "org" / "demo.yaml"


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch):
    """Real scrypt cost makes each demo import hash 16 passwords for about a second; the
    cost is stored in each hash, so verifying works the same at a lower one."""
    monkeypatch.setattr(org_repository, "SCRYPT_N", 2**8)


@pytest.fixture(scope="module")
def demo_raw() -> dict:
    return yaml.safe_load(DEMO.read_text(encoding="utf-8"))


@pytest.fixture
def demo_store(store):
    import_org(store, DEMO)
    return store


def org_events(store) -> list:
    with store.read() as session:
        return [e for e in repo.audit_records(session, "system") if e.type in ("org_imported", "user_changed")]


# -- import ----------------------------------------------------------------------------------

def test_importing_the_demo_adds_its_units_users_and_memberships(store):
    summary = import_org(store, DEMO, actor="admin")
    assert (summary.units_added, summary.users_added, summary.memberships_added) == (9, 16, 16)
    assert (summary.units_updated, summary.users_updated) == (0, 0)
    assert [e.actor for e in org_events(store)] == ["admin"]


def test_reimporting_the_same_file_changes_nothing(demo_store):
    summary = import_org(demo_store, DEMO)
    assert not summary.changed
    with demo_store.read() as session:
        hashes = {u.username: u.password_hash for u in users(session)}
    import_org(demo_store, DEMO)
    with demo_store.read() as session:
        assert {u.username: u.password_hash for u in users(session)} == hashes
    assert len(org_events(demo_store)) == 1  # the first import only


def test_the_stored_chart_equals_the_file(demo_store):
    with demo_store.read() as session:
        assert load_chart(session) == OrgChart.load(DEMO)


def test_an_org_file_or_a_chart_with_users_imports_like_the_yaml(store):
    org = OrgFile.load(DEMO)
    assert import_org(store, (org.chart, org.users)).users_added == 16
    assert not import_org(store, org).changed
    with store.read() as session:
        assert load_chart(session) == org.chart


def test_changed_names_and_parents_are_updated(demo_store, demo_raw):
    raw = copy.deepcopy(demo_raw)
    units = {u["id"]: u for u in raw["units"]}
    units["town"]["name"] = "和美街道"
    units["grid-a2"]["parent"] = "village-b"
    summary = import_org(demo_store, raw)
    assert (summary.units_added, summary.units_updated, summary.users_updated) == (0, 2, 0)
    with demo_store.read() as session:
        chart = load_chart(session)
    assert chart.unit("town").name == "和美街道"
    assert chart.ancestor_at("grid-a2", "village").id == "village-b"


def test_import_never_deletes_units_or_memberships(demo_store):
    raw = {"units": [{"id": "city", "name": "示范市", "level": "city"}],
           "users": [{"username": "grid_a1", "memberships": []}]}
    assert not import_org(demo_store, raw).changed
    with demo_store.read() as session:
        assert len(load_chart(session).units) == 9
        assert memberships_of(session, "grid_a1") == [Membership("grid_worker", "grid-a1")]
        assert session.get(AppUser, "grid_a1").display_name == "李网格"


def test_a_file_may_add_a_unit_under_one_only_the_database_knows(demo_store):
    raw = {"units": [{"id": "grid-a3", "name": "东村第三网格", "level": "grid", "parent": "village-a"}]}
    assert import_org(demo_store, raw).units_added == 1
    with demo_store.read() as session:
        assert load_chart(session).is_within("grid-a3", "village-a")


def test_a_known_unit_may_move_under_a_new_one_in_the_same_import(demo_store):
    raw = {"units": [{"id": "village-c", "name": "南村", "level": "village", "parent": "town"},
                     {"id": "grid-b2", "name": "南村第一网格", "level": "grid", "parent": "village-c"}]}
    summary = import_org(demo_store, raw)
    assert (summary.units_added, summary.units_updated) == (1, 1)
    with demo_store.read() as session:
        assert [u.id for u in load_chart(session).children("village-c")] == ["grid-b2"]


def test_an_import_that_breaks_the_chart_changes_nothing(demo_store):
    raw = {"units": [{"id": "grid-a1", "name": "东村第一网格", "level": "grid", "parent": "town"}]}
    with pytest.raises(DefinitionError, match="'grid-a1'.*'village', the next level down"):
        import_org(demo_store, raw)
    with demo_store.read() as session:
        assert load_chart(session) == OrgChart.load(DEMO)


def test_a_new_password_in_the_file_replaces_the_old(demo_store):
    raw = {"users": [{"username": "grid_a1", "password": "new-secret"}]}
    assert import_org(demo_store, raw).users_updated == 1
    with demo_store.read() as session:
        assert verify_password(session, "grid_a1", "new-secret")
        assert not verify_password(session, "grid_a1", "jiahe-demo")


# -- passwords -------------------------------------------------------------------------------

def test_the_right_password_verifies_and_a_wrong_one_does_not(demo_store):
    with demo_store.read() as session:
        assert verify_password(session, "grid_a1", "jiahe-demo")
        assert not verify_password(session, "grid_a1", "jiahe-demo ")
        assert not verify_password(session, "grid_a1", "")
        assert not verify_password(session, "nobody", "jiahe-demo")


def test_the_clear_password_is_never_stored(demo_store):
    with demo_store.read() as session:
        rows = session.execute(select(AppUser.__table__)).all()
    assert rows and all("jiahe-demo" not in str(tuple(row)) for row in rows)
    assert all(row.password_hash.startswith(f"scrypt${org_repository.SCRYPT_N}$8$1$") for row in rows)
    assert len({row.password_hash for row in rows}) == len(rows)  # a salt per user


def test_an_inactive_user_cannot_log_in(demo_store):
    with demo_store.write() as session:
        session.get(AppUser, "grid_a1").active = False
    with demo_store.read() as session:
        assert not verify_password(session, "grid_a1", "jiahe-demo")


def test_real_hashes_use_scrypt_at_interactive_login_cost(monkeypatch):
    monkeypatch.undo()
    assert hash_password("秘密").startswith("scrypt$16384$8$1$")


def test_a_malformed_hash_matches_nothing():
    assert password_matches(hash_password("秘密"), "秘密")
    for stored in (None, "", "plain", "md5$x$y$z$a$b", "scrypt$x$8$1$AA==$AA=="):
        assert not password_matches(stored, "秘密")


# -- users -----------------------------------------------------------------------------------

def test_users_are_listed_with_their_memberships(demo_store):
    with demo_store.read() as session:
        listed = {u.username: (u.display_name, [(m.role, m.org_unit) for m in u.memberships])
                  for u in users(session)}
    assert listed["mediator_a"] == ("陈调解", [("village_mediator", "village-a")])
    assert listed["supervisor_county"] == ("何督办", [("supervisor", "county")])
    assert len(listed) == 16


def test_adding_a_user_and_then_a_second_membership(demo_store):
    with demo_store.write() as session:
        first = add_user(session, "helper", role="grid_worker", org_unit="grid-a2", display_name="周帮手",
                         password="pw-1")
    with demo_store.write() as session:
        second = add_user(session, "helper", role="supervisor", org_unit="village-a")
    assert (first.users_added, first.memberships_added) == (1, 1)
    assert (second.users_added, second.users_updated, second.memberships_added) == (0, 0, 1)
    with demo_store.read() as session:
        assert memberships_of(session, "helper") == [Membership("grid_worker", "grid-a2"),
                                                     Membership("supervisor", "village-a")]
        assert verify_password(session, "helper", "pw-1")
        assert session.get(AppUser, "helper").display_name == "周帮手"
    assert [e.data["username"] for e in org_events(demo_store) if e.type == "user_changed"] == ["helper", "helper"]


def test_adding_with_an_unknown_role_or_unit_is_refused(demo_store):
    with pytest.raises(DefinitionError, match="unknown role 'judge'"), demo_store.write() as session:
        add_user(session, "x", role="judge", org_unit="town", password="p")
    with pytest.raises(NotFound, match="org unit mars"), demo_store.write() as session:
        add_user(session, "x", role="admin", org_unit="mars", password="p")
    with pytest.raises(ValidationFailed), demo_store.write() as session:
        add_user(session, "x", role="admin", org_unit="city", password="")
    with demo_store.read() as session:
        assert session.get(AppUser, "x") is None


# -- the chart cache -------------------------------------------------------------------------

def test_the_cache_reads_once_and_reloads_after_an_import(demo_store):
    cache = ChartCache(demo_store)
    first = cache.get()
    assert cache.get() is first
    import_org(demo_store, {"units": [{"id": "grid-b3", "name": "西村第三网格", "level": "grid",
                                       "parent": "village-b"}]})
    assert "grid-b3" in cache.get().units


def test_a_no_op_import_keeps_the_cached_chart(demo_store):
    cache = ChartCache(demo_store)
    first = cache.get()
    import_org(demo_store, DEMO)
    assert cache.get() is first


def test_with_max_age_the_cache_sees_changes_made_elsewhere(demo_store):
    cache = ChartCache(demo_store, max_age=0)
    first = cache.get()
    assert cache.get() is not first and cache.get() == first


# -- routing tasks through the stored chart ----------------------------------------------------

def test_tasks_are_offered_at_the_lane_level_above_the_case(demo_store, clock):
    from engine.org import HierarchyRouter
    from engine.runtime.deployment import deploy_project
    from engine.runtime.runtime import Runtime
    from tests.conftest import FIXTURES

    runtime = Runtime(demo_store, clock=clock, router=HierarchyRouter(ChartCache(demo_store).get))
    deploy_project(runtime, FIXTURES, actor="designer")
    view = runtime.start("deadline", actor="clerk", org_unit="grid-a1")
    task = next(t for t in view.tasks if t.name == "mediate")
    assert (task.role, task.org_unit) == ("village_mediator", "village-a")


# -- the command line ------------------------------------------------------------------------

@pytest.fixture
def cli_db(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("JIAHE_DB_PATH", str(tmp_path / "cli.sqlite3"))
    return CliRunner()


def test_cli_imports_the_demo_and_lists_its_users(cli_db):
    first = cli_db.invoke(cli, ["org", "import", str(DEMO)])
    again = cli_db.invoke(cli, ["org", "import", str(DEMO)])
    listed = cli_db.invoke(cli, ["users", "list"])
    assert first.exit_code == 0, first.output
    assert "units: 9 added, 0 updated; users: 16 added, 0 updated; memberships: 16 added" in first.output
    assert "nothing changed" in again.output
    assert listed.exit_code == 0, listed.output
    line = next(ln for ln in listed.output.splitlines() if ln.startswith("grid_a1 "))
    assert "李网格" in line and "grid_worker@grid-a1" in line


def test_cli_adds_a_user_with_a_password(cli_db):
    cli_db.invoke(cli, ["org", "import", str(DEMO)])
    added = cli_db.invoke(cli, ["users", "add", "helper", "--role", "grid_worker", "--org-unit", "grid-a2",
                                "--display-name", "周帮手", "--password", "pw-1"])
    assert added.exit_code == 0, added.output
    assert "users: 1 added" in added.output
    assert "周帮手  grid_worker@grid-a2" in cli_db.invoke(cli, ["users", "list"]).output


def run_main(monkeypatch, capsys, *args: str) -> tuple[int, str]:
    monkeypatch.setattr(sys, "argv", ["jiahe", *args])
    with pytest.raises(SystemExit) as caught:
        main()
    return caught.value.code, capsys.readouterr().err


def test_cli_errors_are_one_line_and_exit_2(cli_db, monkeypatch, capsys, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("units:\n  - {id: town, name: 镇, level: town, parent: city}\n", encoding="utf-8")
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False)
    for args, words in [
        (["org", "import", str(bad)], "unknown parent 'city'"),
        (["users", "add", "x", "--role", "judge", "--org-unit", "town", "--password", "p"], "unknown role"),
        (["users", "add", "x", "--role", "admin", "--org-unit", "town"], "give --password"),
    ]:
        code, err = run_main(monkeypatch, capsys, *args)
        assert code == 2
        first, *details = err.strip().splitlines()
        assert first.startswith("error: ") and words in first and "Traceback" not in err
        assert all(line.startswith("  ") for line in details)  # field errors, indented under it
