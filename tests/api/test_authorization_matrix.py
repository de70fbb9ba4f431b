"""The authorization matrix: every endpoint the app registers x every demo user, with the
target inside her jurisdiction and outside it, plus the caller without a token.

Each row names an endpoint and the Rule it follows (matrix_support.Rule: public; no token ->
401; a role gate -> 403; the target's org unit outside her jurisdiction -> 404, or 422 where
the admin API names the unit in a body; a role she lacks over the target -> 403). The
expected status of every (row, user, situation) is derived from that rule and the demo org
(processes/org/demo.yaml), never from the code under test. A route without a row fails
test_every_route_has_a_row, so a new endpoint cannot slip in untested.

Situations: `inside` aims at a target in her jurisdiction (grid-a1, or grid-b1 for the
grid-b1 side), `outside` at one beside her (grid-b1 / grid-a1) or, for those above both, in
the separate city-x branch; `any` for endpoints without a target. Task endpoints aim at the
task her role works on (matrix_support.OWN_TASK); the `@screen_risk` rows aim everyone at the
intake clerk's screening task instead. `anonymous-malformed` sends no token and a malformed
body/query: authentication must still come first.

Where the code does not follow a row's rule, the rule stays and the cell is a strict xfail
listed in DISCREPANCIES with the reason.

One app per database serves the whole module; a call the rule permits to change its target
(claim, complete, suspend, ...) gets a fresh target, so the shared ones stay as built.
Test ids read `ROW-USER-SITUATION`, e.g. test_access[sqlite-GET /cases/{case_id}-mediator_b-outside].
"""
from __future__ import annotations

import io
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from engine.store import org_repository
from tests.api.conftest import USERS
from tests.api.matrix_support import (
    COLLEAGUE,
    INTAKE,
    PASSWORD,
    PREFIX,
    ROOT,
    SCREEN_RISK,
    TASK_ROLE,
    UNITS,
    Env,
    Rule,
    Target,
    Targets,
    TaskSpec,
    ancestor_at,
    build_env,
    inside_grid,
    outside_grid,
    own_task,
    public_submission,
    roles_of,
)
from tests.databases import PostgresSchema, postgres_unavailable_reason, sqlite_store

# -- who may: the role sets, as DOMAIN.md and the code's docstrings state them ----------------------
# Written out rather than imported from engine.access, so that changing who may do what is a
# conscious change of this table too.
ALL_ROLES = frozenset({"grid_worker", "intake_clerk", "village_mediator", "town_mediator", "legal_advisor",
                       "psychologist", "rights_officer", "supervisor", "process_designer", "admin"})
# engine/cases.py: designers shape processes and never handle cases, so no case exists for them.
CASE_ROLES = ALL_ROLES - {"process_designer"}
# DOMAIN.md: grid workers and intake clerks register; supervisors, rights officers (信访) and
# admins may too (engine/cases.py INTAKE_ROLES).
INTAKE_ROLES = frozenset({"intake_clerk", "grid_worker", "supervisor", "rights_officer", "admin"})
SUPERVISION = frozenset({"supervisor", "rights_officer", "admin"})
# DOMAIN.md privacy: the victim's address and phone only for those who handle her.
SENSITIVE_READERS = frozenset({"grid_worker", "intake_clerk", "rights_officer", "legal_advisor", "psychologist"})
DESIGNERS = frozenset({"process_designer", "admin"})
ADMINS = frozenset({"admin"})
# engine/tasks.py: she reads a task offered to her role there, or one she supervises.
TASK_READERS = frozenset({TASK_ROLE}) | SUPERVISION
TASK_WORKERS = frozenset({TASK_ROLE})

LOGGED_IN = Rule()
PUBLIC = Rule(public=True)


# -- the table -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Row:
    """One endpoint (or one variant of it): its rule, what it aims at, what to send."""

    method: str
    path: str                      # as app.url_map has it, /api/v1 left off, parameters as {name}
    rule: Rule
    target: str | None = None      # a Targets kind; None: the endpoint aims at nothing
    send: Callable[[Env, Target | None, str | None], dict] = lambda env, target, user: {}
    variant: str = ""
    changes: bool = False          # a permitted call changes its target: give it a fresh one
    task: TaskSpec | None = None   # task rows: this task for everyone, not the one her role works on

    @property
    def route(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def name(self) -> str:
        return f"{self.route}{self.variant}"

    def spec(self, user: str | None) -> TaskSpec | None:
        if self.target is None or not self.target.startswith("task"):
            return None
        return self.task or own_task(user)

    def situations(self) -> list[str]:
        return ["any"] if self.target is None or self.rule.public else ["inside", "outside"]


def body(**json) -> Callable:
    return lambda env, target, user: {"json": json}


def reason(env, target, user) -> dict:
    return {"json": {"reason": "矩阵测试：督办处理"}}


def org_unit_query(env, target, user) -> dict:
    return {"query": {"org_unit": target.unit}}


def register_case(env, target, user) -> dict:
    return {"json": {"process": "dispute_case", "org_unit": target.unit, "channel": "phone", "data": INTAKE},
            "headers": {"Idempotency-Key": str(uuid.uuid4())}}


def public_intake(env, target, user) -> dict:
    return {"json": public_submission("grid-a1"), "headers": {"Idempotency-Key": str(uuid.uuid4())}}


def login(env, target, user) -> dict:
    return {"json": {"username": user or "clerk", "password": PASSWORD}}


def logout(env, target, user) -> dict:
    # Its own token: logging out revokes the one it is sent with.
    return {"headers": {"Authorization": f"Bearer {env.login(user)}"}} if user else {}


def own_notification(env, target, user) -> dict:
    """One of her own notifications (none for the caller without a token: any id then)."""
    from engine.store.models import Notification

    if user is None:
        return {"url": "/notifications/987654/read"}
    with env.services.store.write() as session:
        note = Notification(username=user, kind="task_ready", title="新待办", body="JH", link="/tasks",
                            created_at=env.clock.now())
        session.add(note)
        session.flush()
        return {"url": f"/notifications/{note.id}/read"}


def held_case(env, target, user) -> dict:
    """A legal hold on the target case, to release."""
    from engine.store.models import LegalHold

    with env.services.store.write() as session:
        hold = LegalHold(instance_id=target.id, reason="矩阵测试：法院调取证据", placed_by="supervisor_county",
                         placed_at=env.clock.now())
        session.add(hold)
        session.flush()
        return {"url": f"/cases/{target.id}/legal-holds/{hold.id}/release", "json": {"reason": "矩阵测试：判决生效"}}


def complete(env, target, user) -> dict:
    return {"json": {"data": target.task.done}}


def scan(env, target, user) -> dict:
    """A signed scan (a real PNG) to attach."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(buffer, format="PNG")
    return {"data": {"title": "调解协议书扫描件", "file": (io.BytesIO(buffer.getvalue()), "scan.png")},
            "content_type": "multipart/form-data"}


_DOCUMENTS: dict[str, str] = {}


def case_document(env, target, user) -> dict:
    """A document of the target case (generated once, by a colleague who sees every case)."""
    if target.id not in _DOCUMENTS:
        made = env.client.post(f"{PREFIX}/cases/{target.id}/documents", json={"template": "mediation_agreement"},
                               headers={"Authorization": f"Bearer {env.token(COLLEAGUE)}"})
        assert made.status_code == 201, made.get_json()
        _DOCUMENTS[target.id] = made.get_json()["id"]
    return {"url": f"/cases/{target.id}/documents/{_DOCUMENTS[target.id]}/file"}


def upload(files: dict[str, bytes]) -> dict:
    return {"data": {"files": [(io.BytesIO(content), name) for name, content in files.items()]},
            "content_type": "multipart/form-data"}


def shipped_project() -> dict[str, bytes]:
    paths = [*sorted((ROOT / "processes" / "bpmn").iterdir()), *sorted((ROOT / "forms").glob("*.json")),
             ROOT / "processes" / "catalog.yaml"]
    return {p.name: p.read_bytes() for p in paths}


def trial_upload() -> dict:
    sent = upload({"petition.bpmn": (ROOT / "processes" / "bpmn" / "petition.bpmn").read_bytes()})
    sent["data"]["scenarios"] = "petition/not_accepted"
    return sent


def new_user(env, target, user) -> dict:
    return {"json": {"username": env.unique("matrix-user"), "display_name": "矩阵", "password": PASSWORD,
                     "memberships": [{"role": "grid_worker", "org_unit": target.unit}]}}


def grant(env, target, user) -> dict:
    # A unit within her jurisdiction in the body, so that only the user in the URL is outside.
    return {"json": {"role": "psychologist", "org_unit": inside_grid(user) if user else target.unit}}


def new_unit(env, target, user) -> dict:
    return {"json": {"id": env.unique("matrix-grid"), "name": "矩阵网格", "level": "grid",
                     "parent": UNITS[target.unit]["parent"]}}


def metrics_token(env, target, user) -> dict:
    env.app.config["METRICS_TOKEN"] = "matrix-metrics-token"
    return {"headers": {"Authorization": "Bearer matrix-metrics-token"}}


def same_name(env, target, user) -> dict:
    return {"json": {"name": UNITS[target.unit]["name"]}}  # a rename that changes nothing


def org_file(env, target, user) -> dict:
    unit = env.unique("matrix-import")
    text = f"units:\n  - {{id: {unit}, name: 矩阵导入, level: grid, parent: {UNITS[target.unit]['parent']}}}\n"
    return {"data": text.encode(), "headers": {"Content-Type": "application/yaml"}}


# A designer is told a case does not exist (404), not that she may not see it (engine/cases.py).
CASE_READ = Rule(sees=CASE_ROLES)
# Chosen rule (engine/access.py SUPERVISION_ROLES): admins supervise cases too, although
# DOMAIN.md's role table gives them only users, org units and memberships.
SUPERVISE_CASE = Rule(gate=SUPERVISION, sees=CASE_ROLES, acts=SUPERVISION)
REPORT = Rule(gate=SUPERVISION, sees=SUPERVISION)
ADMIN = Rule(gate=ADMINS, sees=ADMINS)

ROWS = [
    # -- operations and the public: no token needed
    Row("GET", "/healthz", PUBLIC),
    # Chosen rule (issue #15): not a login but the monitoring system's JIAHE_METRICS_TOKEN, which
    # every caller here sends, so her own token plays no part (tests/api/test_metrics.py: 401
    # without it or with a wrong one, 404 while none is set).
    Row("GET", "/metrics", PUBLIC, send=metrics_token),
    Row("GET", "/api/openapi.json", PUBLIC),
    Row("GET", "/api/docs", PUBLIC),
    Row("GET", "/api/swagger-ui/{filename}", PUBLIC,
        send=lambda env, target, user: {"url": "/api/swagger-ui/swagger-ui.css"}),
    # The web app's pages (built or not, the page answers): the API under them keeps its rules.
    Row("GET", "/", PUBLIC, send=lambda env, target, user: {"url": "/", "site_root": True}),
    Row("GET", "/{path}", PUBLIC, send=lambda env, target, user: {"url": "/tasks/some-task", "site_root": True}),
    Row("POST", "/auth/login", PUBLIC, send=login),
    Row("POST", "/auth/session", PUBLIC, send=login),
    Row("GET", "/public/org-units", PUBLIC),
    Row("GET", "/public/intake/form", PUBLIC),
    Row("POST", "/public/intake", Rule(ok=201, public=True), send=public_intake),
    Row("GET", "/public/intake/{receipt}", PUBLIC, target="receipt"),

    # -- session
    Row("POST", "/auth/logout", Rule(ok=204), send=logout),
    Row("GET", "/auth/session", LOGGED_IN),
    Row("DELETE", "/auth/session", Rule(ok=204), send=logout),
    Row("GET", "/me", LOGGED_IN),
    Row("GET", "/org-units", LOGGED_IN),
    Row("GET", "/catalog", LOGGED_IN),

    # -- the inbox: her own notifications only (another's id is 404: tests/api/test_notifications.py)
    Row("GET", "/notifications", LOGGED_IN),
    Row("GET", "/notifications/state", LOGGED_IN),
    Row("GET", "/notifications/stream", LOGGED_IN,
        send=lambda env, target, user: {"url": "/notifications/stream", "query": {"seconds": 0}}),
    Row("POST", "/notifications/{notification_id}/read", LOGGED_IN, send=own_notification),
    Row("POST", "/notifications/read-all", LOGGED_IN),
    Row("GET", "/notifications/settings", LOGGED_IN),
    Row("PUT", "/notifications/settings", LOGGED_IN,
        send=lambda env, target, user: {"json": {"quiet_hours": {"start": "22:00", "end": "07:00"}, "muted": []}}),

    # -- cases
    Row("POST", "/cases", Rule(ok=201, gate=INTAKE_ROLES, sees=INTAKE_ROLES), target="unit", send=register_case),
    # The list is filtered to her jurisdiction (a designer's is empty), so it answers everyone.
    Row("GET", "/intake/processes", Rule(gate=INTAKE_ROLES)),
    Row("GET", "/cases", LOGGED_IN),
    Row("GET", "/cases", CASE_READ, target="unit", send=org_unit_query, variant="?org_unit"),
    Row("GET", "/cases/{case_id}", CASE_READ, target="case"),
    Row("GET", "/cases/{case_id}/timeline", CASE_READ, target="case"),
    Row("GET", "/cases/{case_id}/access-log", SUPERVISE_CASE, target="case"),
    Row("GET", "/cases/{case_id}/diagram", CASE_READ, target="case"),
    Row("POST", "/cases/{case_id}/reveal", Rule(sees=CASE_ROLES, acts=SENSITIVE_READERS), target="case",
        send=body(fields=["parties[0].phone"], reason="联系当事人")),
    Row("POST", "/cases/{case_id}/suspend", SUPERVISE_CASE, target="case_running", send=reason, changes=True),
    Row("POST", "/cases/{case_id}/resume", SUPERVISE_CASE, target="case_suspended", send=reason, changes=True),
    Row("POST", "/cases/{case_id}/terminate", SUPERVISE_CASE, target="case_running", send=reason, changes=True),
    Row("POST", "/cases/{case_id}/migrate", SUPERVISE_CASE, target="case_running", send=body(), changes=True),
    Row("POST", "/cases/{case_id}/retry", Rule(gate=ADMINS, sees=CASE_ROLES, acts=ADMINS), target="case_incident",
        send=reason, changes=True),
    Row("POST", "/cases/{case_id}/escalate", SUPERVISE_CASE, target="case_running", send=reason, changes=True),
    # 文书 (engine/documents): whoever sees the case lists, generates, attaches and downloads them.
    Row("GET", "/cases/{case_id}/documents", CASE_READ, target="case"),
    Row("POST", "/cases/{case_id}/documents", Rule(ok=201, sees=CASE_ROLES), target="case_mediated",
        send=body(template="mediation_agreement")),
    Row("POST", "/cases/{case_id}/attachments", Rule(ok=201, sees=CASE_ROLES), target="case", send=scan),
    Row("GET", "/cases/{case_id}/documents/{document_id}/file", CASE_READ, target="case_mediated",
        send=case_document),
    # 保管期限 and legal holds (engine/retention.py): whoever sees the case reads its period;
    # holds are a supervisor's.
    Row("GET", "/cases/{case_id}/retention", CASE_READ, target="case"),
    Row("POST", "/cases/{case_id}/legal-holds", Rule(ok=201, gate=SUPERVISION, sees=CASE_ROLES, acts=SUPERVISION),
        target="case", send=reason, changes=True),
    Row("POST", "/cases/{case_id}/legal-holds/{hold_id}/release", SUPERVISE_CASE, target="case", send=held_case,
        changes=True),
    # 证据包 (engine/evidence.py): supervisors over the case, and those who hold or held one of its
    # tasks (nobody, in a case just registered); others who see it 403. No role gate: a handler
    # of any role may export the case she worked on.
    Row("GET", "/cases/{case_id}/evidence", Rule(sees=CASE_ROLES, acts=SUPERVISION), target="case"),

    # -- tasks (each user aims at the task her role works on)
    Row("GET", "/tasks", LOGGED_IN),
    Row("GET", "/tasks/{task_id}", Rule(sees=TASK_READERS), target="task"),
    Row("POST", "/tasks/{task_id}/claim", Rule(sees=TASK_READERS, acts=TASK_WORKERS), target="task", changes=True),
    # Claimed by a colleague: her assignee or a supervisor over it gives it back; another holder
    # of the role is told it is claimed by someone else (409, as API.md says of complete).
    Row("POST", "/tasks/{task_id}/unclaim", Rule(sees=TASK_READERS, acts=SUPERVISION, denied=409),
        target="task_claimed", changes=True),
    # Assigning to someone else is a supervisor's (engine/tasks.py); the colleague is qualified.
    Row("POST", "/tasks/{task_id}/assign", Rule(sees=TASK_READERS, acts=SUPERVISION), target="task",
        send=body(user=COLLEAGUE), changes=True),
    Row("GET", "/tasks/{task_id}/candidates", Rule(sees=TASK_READERS, acts=SUPERVISION), target="task"),
    Row("PUT", "/tasks/{task_id}/draft", Rule(sees=TASK_READERS, acts=TASK_WORKERS), target="task",
        send=complete),  # the data that would complete it, kept as a draft
    Row("POST", "/tasks/{task_id}/complete", Rule(sees=TASK_READERS, acts=TASK_WORKERS), target="task",
        send=complete, changes=True),
    Row("GET", "/tasks/{task_id}/comments", Rule(sees=TASK_READERS), target="task"),
    Row("POST", "/tasks/{task_id}/comments", Rule(ok=201, sees=TASK_READERS), target="task",
        send=body(text="请尽快联系当事人")),
    # The same screen_risk task for everyone: a role it is not offered to and that does not
    # supervise it is told it does not exist (404, engine/tasks.py); a supervisor reads and
    # assigns it but may not work on it (403).
    Row("GET", "/tasks/{task_id}", Rule(sees=TASK_READERS), target="task", task=SCREEN_RISK,
        variant="@screen_risk"),
    Row("POST", "/tasks/{task_id}/assign", Rule(sees=TASK_READERS, acts=SUPERVISION), target="task",
        send=body(user=COLLEAGUE), changes=True, task=SCREEN_RISK, variant="@screen_risk"),
    Row("POST", "/tasks/{task_id}/complete", Rule(sees=TASK_READERS, acts=TASK_WORKERS), target="task",
        send=complete, changes=True, task=SCREEN_RISK, variant="@screen_risk"),

    # -- supervision reports, narrowed to the target's unit
    Row("GET", "/reports/commitments", REPORT, target="unit", send=org_unit_query),
    Row("GET", "/reports/summary", REPORT, target="unit", send=org_unit_query),
    Row("GET", "/reports/services", REPORT, target="unit", send=org_unit_query),
    Row("GET", "/reports/overdue", REPORT, target="unit", send=org_unit_query),
    Row("GET", "/reports/export.xlsx", REPORT, target="unit",
        send=lambda env, target, user: {"query": {"org_unit": target.unit, "report": "summary"}}),
    Row("GET", "/reports/export.csv", REPORT, target="unit",
        send=lambda env, target, user: {"query": {"org_unit": target.unit, "report": "cases"}}),
    # The cockpit (驾驶舱): the cases behind a figure, tasks nearing their deadline, the heatmap.
    Row("GET", "/reports/cases", REPORT, target="unit",
        send=lambda env, target, user: {"query": {"org_unit": target.unit, "figure": "received"}}),
    Row("GET", "/reports/due-soon", REPORT, target="unit", send=org_unit_query),
    Row("GET", "/reports/heatmap", REPORT, target="unit", send=org_unit_query),
    # What was anonymised when: narrowed to the units she supervises, so it answers every supervisor.
    Row("GET", "/reports/retention", Rule(gate=SUPERVISION)),
    # 催办 is a supervisor's (engine/report_warnings.py): other roles are refused whatever the task.
    Row("POST", "/tasks/{task_id}/remind", Rule(gate=SUPERVISION, sees=SUPERVISION), target="task",
        send=body(message="请尽快办理")),

    # -- process design: designers and admins; anyone logged in reads a start form
    Row("GET", "/processes", Rule(gate=DESIGNERS)),
    Row("GET", "/processes/{key}", LOGGED_IN, send=lambda env, target, user: {"url": "/processes/dispute_case"}),
    Row("GET", "/processes/{key}/versions/{version}/bpmn", Rule(gate=DESIGNERS),
        send=lambda env, target, user: {"url": "/processes/dispute_case/versions/2/bpmn"}),
    Row("POST", "/processes/lint", Rule(gate=DESIGNERS),
        send=lambda env, target, user: upload({"catalog.yaml": (ROOT / "processes" / "catalog.yaml").read_bytes()})),
    # The shipped files are the latest version already: nothing new is deployed.
    Row("POST", "/processes/deploy", Rule(gate=DESIGNERS), send=lambda env, target, user: upload(shipped_project())),
    # The designer's studio. Rolling back to the latest version's files changes nothing; the
    # migration and the trial name nothing outside her units (cases she does not see are refused
    # one by one in the answer), and the trial runs one short petition scenario.
    Row("GET", "/processes/{key}/versions", Rule(gate=DESIGNERS),
        send=lambda env, target, user: {"url": "/processes/dispute_case/versions"}),
    Row("GET", "/processes/{key}/diff", Rule(gate=DESIGNERS),
        send=lambda env, target, user: {"url": "/processes/dispute_case/diff", "query": {"from": 1, "to": 2}}),
    Row("POST", "/processes/{key}/rollback", Rule(gate=DESIGNERS),
        send=lambda env, target, user: {"url": "/processes/dispute_case/rollback", "json": {"version": 2}}),
    Row("GET", "/processes/{key}/migration-preview", Rule(gate=DESIGNERS),
        send=lambda env, target, user: {"url": "/processes/dispute_case/migration-preview"}),
    Row("POST", "/processes/{key}/migrate", Rule(gate=DESIGNERS),
        send=lambda env, target, user: {"url": "/processes/dispute_case/migrate", "json": {"case_ids": []}}),
    Row("POST", "/processes/test", Rule(gate=DESIGNERS), send=lambda env, target, user: trial_upload()),
    Row("GET", "/guides/{name}", LOGGED_IN, send=lambda env, target, user: {"url": "/guides/scenarios"}),

    # -- administration: admins, within their units; a unit named in a body answers 422
    Row("GET", "/admin/users", Rule(gate=ADMINS)),
    Row("POST", "/admin/users", Rule(ok=201, gate=ADMINS, sees=ADMINS, outside=422), target="unit", send=new_user),
    Row("PATCH", "/admin/users/{username}", ADMIN, target="member", send=body(display_name="矩阵成员")),
    Row("POST", "/admin/users/{username}/memberships", Rule(ok=201, gate=ADMINS, sees=ADMINS), target="member",
        send=grant, changes=True),
    Row("DELETE", "/admin/users/{username}/memberships", ADMIN, target="member",
        send=lambda env, target, user: {"json": {"role": "grid_worker", "org_unit": target.unit}}, changes=True),
    Row("GET", "/admin/org-units", Rule(gate=ADMINS)),
    Row("POST", "/admin/org-units", Rule(ok=201, gate=ADMINS, sees=ADMINS, outside=422), target="unit",
        send=new_unit),
    Row("PATCH", "/admin/org-units/{unit_id}", ADMIN, target="unit", send=same_name),
    Row("POST", "/admin/org/import", Rule(gate=ADMINS, sees=ADMINS, outside=422), target="unit", send=org_file),
    Row("GET", "/admin/org/export", Rule(gate=ADMINS)),
]

# Where the code does not follow the rule a row states: the rule stays and the cell becomes a
# strict xfail, so that the fix shows up as XPASS and the mark has to go. (route, user,
# situation) -> why. None are left: every view checks the caller before what she sent.
DISCREPANCIES: dict[tuple[str, str, str], str] = {}


# -- the cases to run ---------------------------------------------------------------------------------

MATRIX_USERS = list(USERS.values())
ANONYMOUS = "anonymous"


def _cases():
    for row in ROWS:
        callers = [(user, s) for user in MATRIX_USERS for s in row.situations()] + [(ANONYMOUS, "any")]
        if not row.rule.public:
            callers.append((ANONYMOUS, "malformed"))
        for user, situation in callers:
            name = f"{row.name}-{user}-{situation}"
            why = DISCREPANCIES.get((row.route, user, situation))
            marks = [pytest.mark.xfail(reason=why, strict=True)] if why else []
            yield pytest.param(row, None if user == ANONYMOUS else user, situation, id=name, marks=marks)


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def env(request, tmp_path_factory):
    """One app per database for the whole module (the `api` fixture builds one per test)."""
    with pytest.MonkeyPatch.context() as patch:
        # As in tests/api/conftest.py: a cheap scrypt, stored in each hash.
        patch.setattr(org_repository, "SCRYPT_N", 2**8)
        if request.param == "sqlite":
            store, schema = sqlite_store(tmp_path_factory.mktemp("matrix") / "jiahe.sqlite3"), None
        else:
            reason_ = postgres_unavailable_reason()
            if reason_:
                pytest.skip(reason_)
            schema = PostgresSchema()
            store = schema.create()
        try:
            yield build_env(store)
        finally:
            store.dispose()
            if schema is not None:
                schema.drop()


@pytest.fixture(scope="module")
def targets(env):
    return Targets(env)


def _target(row: Row, targets: Targets, user: str | None, situation: str, fresh: bool) -> Target | None:
    if row.target is None:
        return None
    grid = {"inside": inside_grid, "outside": outside_grid}.get(situation, lambda _: "grid-a1")(user)
    return targets.get(row.target, grid, row.spec(user), fresh=fresh)


def expected_status(row: Row, user: str | None, situation: str) -> int:
    if row.target is None or situation not in ("inside", "outside"):
        return row.rule.expect(user, None)
    grid = inside_grid(user) if situation == "inside" else outside_grid(user)
    spec = row.spec(user)
    if spec is not None:
        return row.rule.expect(user, ancestor_at(grid, spec.level), spec.role)
    return row.rule.expect(user, grid)


def _request(env: Env, row: Row, target: Target | None, user: str | None, situation: str):
    sent = row.send(env, target, user)
    url = sent.get("url") or re.sub(r"\{\w+\}", lambda _: target.id, row.path)
    if not (url.startswith("/api/") or url in ("/healthz", "/metrics") or sent.get("site_root")):
        url = f"{PREFIX}{url}"
    query = dict(sent.get("query") or {})
    headers = dict(sent.get("headers") or {})
    json = sent.get("json")
    if user is not None:
        headers.setdefault("Authorization", f"Bearer {env.token(user)}")
    if situation == "malformed":
        query["page"] = "0"  # out of range for every paged list
        if json is not None:
            json = [1]  # no body schema takes a list
    kwargs = {"query_string": query, "headers": headers}
    if json is not None:
        kwargs["json"] = json
    if "data" in sent:
        kwargs["data"] = sent["data"]
    if "content_type" in sent:
        kwargs["content_type"] = sent["content_type"]
    # A client of its own: a web session opened by one row must not ride along on the next.
    return env.app.test_client().open(url, method=row.method, **kwargs)


@pytest.mark.parametrize("row, user, situation", list(_cases()))
def test_access(env, targets, row, user, situation):
    expected = expected_status(row, user, situation)
    permitted = 200 <= expected < 300
    # A call the rule permits to change its target gets one of its own.
    target = _target(row, targets, user, situation, fresh=row.changes and permitted)
    response = _request(env, row, target, user, situation)
    if row.changes and not permitted and 200 <= response.status_code < 300 and target is not None:
        targets.drop(row.target, target.grid, row.spec(user))
    answer = response.get_json(silent=True)
    error = answer.get("error") if isinstance(answer, dict) else None
    assert response.status_code == expected, (
        f"{row.name} as {user or ANONYMOUS} ({situation}): expected {expected}, got {response.status_code}"
        f" {error or response.data[:200]!r}")
    if expected == 404:  # the view's own "not found", not a URL the app does not route
        assert "requested URL was not found" not in (error or {}).get("message", ""), error


def test_every_row_has_a_caller_it_permits():
    """So each row's URL and body are proven right by a 2xx, and its 404s are the view's."""
    never = [row.name for row in ROWS
             if not any(200 <= expected_status(row, user, s) < 300 for user in MATRIX_USERS for s in row.situations())]
    assert not never, f"rows no demo user may call: {never}"


# -- coverage ------------------------------------------------------------------------------------------

def _routes(app) -> set[str]:
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":  # Flask's own static folder; Jiahe serves nothing from it
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        path = path.removeprefix(PREFIX)
        routes |= {f"{method} {path}" for method in rule.methods - {"HEAD", "OPTIONS"}}
    return routes


def test_every_route_has_a_row(env):
    missing = sorted(_routes(env.app) - {row.route for row in ROWS})
    assert not missing, f"routes without a row in the authorization matrix: {missing}"


def test_every_row_names_a_route(env):
    stale = sorted({row.route for row in ROWS} - _routes(env.app))
    assert not stale, f"rows for routes the app does not register: {stale}"


def test_every_role_is_in_the_matrix():
    assert set().union(*(roles_of(u) for u in MATRIX_USERS)) == set(ALL_ROLES)

