"""Administration: users, memberships and org units, within the admin's jurisdiction.

An admin administers the units of her admin memberships and everything below them. A unit
or user outside that is, to her, unknown: 404 for what she names in the URL, 422 for what
she names in a body. She sees a user who holds any membership there, but changes her
account (name, password, active) only if all her memberships are there (else 403).
Every change is audited by engine.store.org_repository. The org file goes both ways: import
(every problem of a file at once, each at its path, before anything is written) and export.
"""
from __future__ import annotations

import contextlib
from dataclasses import asdict, dataclass

import yaml
from flask import Response, request
from flask_smorest import Blueprint

from api.auth import current_principal, roles_required
from api.schemas.common import OrgUnitOut, page_of
from api.schemas.org import (
    MIN_PASSWORD_LENGTH,
    ImportSummaryOut,
    MembershipIn,
    OrgUnitIn,
    OrgUnitPatchIn,
    UserArgs,
    UserIn,
    UserOut,
    UserPage,
    UserPatchIn,
)
from api.services import services
from engine.access import ADMIN_ROLES
from engine.errors import DefinitionError, FieldError, Forbidden, InvalidState, NotFound, ValidationFailed
from engine.org import Membership, OrgChart, OrgFile, OrgUnit, UserSpec, parse_units
from engine.org_check import org_file_errors
from engine.store import org_repository
from engine.store.org_export import export_org, org_file_text
from engine.store.org_models import AppUser, OrgUnitRow

blp = Blueprint("admin", __name__, url_prefix="/api/v1", description="系统管理 Administration")

admin_only = roles_required(*ADMIN_ROLES)


@dataclass(frozen=True)
class Jurisdiction:
    """What the calling admin administers: her admin units (`roots`) and all below them."""

    chart: OrgChart
    roots: tuple[str, ...]
    units: frozenset[str]

    @classmethod
    def of_caller(cls) -> Jurisdiction:
        principal, chart = current_principal(), services().chart()
        roots = tuple(sorted({unit for role in ADMIN_ROLES for unit in principal.units(role)}))
        units = frozenset().union(*(principal.visible_units(chart, role) for role in ADMIN_ROLES))
        return cls(chart, roots, units)

    @property
    def whole_chart(self) -> bool:
        return self.units >= self.chart.units.keys()

    def covers(self, chart: OrgChart, unit_id: str) -> bool:
        """Whether `unit_id` lies below one of her units in `chart` (an org file's new chart)."""
        return any(chart.is_within(unit_id, root) for root in self.roots)

    def sees(self, user: AppUser) -> bool:
        # A user without memberships belongs to no unit: only an admin of everything finds her.
        if not user.memberships:
            return self.whole_chart
        return any(m.org_unit in self.units for m in user.memberships)

    def governs(self, user: AppUser) -> bool:
        """Whether her account (name, password, active) is this admin's to change: only when
        all of her memberships are within, or a county admin could take over a city account."""
        if not user.memberships:
            return self.whole_chart
        return all(m.org_unit in self.units for m in user.memberships)

    def require_unit(self, unit_id: str, field_name: str) -> None:
        if unit_id not in self.units:
            raise _invalid(field_name, f"unknown org unit {unit_id!r}", zh=f"没有组织单位「{unit_id}」")

    def require_user(self, user: AppUser) -> AppUser:
        if not self.sees(user):
            raise NotFound(f"user {user.username} does not exist", user=user.username,
                           zh=f"用户 {user.username} 不存在")
        return user

    def require_account(self, user: AppUser) -> AppUser:
        if not self.governs(self.require_user(user)):
            raise Forbidden(f"user {user.username} also works outside your jurisdiction; "
                            "an admin above all her units must change her account",
                            zh=f"用户 {user.username} 还在您的管辖范围以外任职，"
                               "须由管辖其全部所在单位的管理员修改其账号")
        return user

    def user_out(self, user: AppUser) -> dict:
        # Memberships elsewhere are not hers to see or change.
        return {"username": user.username, "display_name": user.display_name, "active": user.active,
                "memberships": [{"role": m.role, "org_unit": m.org_unit}
                                for m in user.memberships if m.org_unit in self.units]}


def _invalid(field_name: str, message: str, zh: str | None = None) -> ValidationFailed:
    return ValidationFailed(message, [FieldError(field_name, message, "jurisdiction", zh=zh)], zh=zh)


@contextlib.contextmanager
def _change():
    """One audited write; afterwards this process's org chart is reloaded."""
    svc = services()
    with svc.store.write() as session:
        yield session
    svc.charts.invalidate()


def _stamp() -> dict:
    return {"actor": current_principal().username, "now": services().clock.now()}


def _refuse_self_lockout(username: str, what: str) -> None:
    # Another admin must do it, so that the last admin cannot lock everyone out by mistake.
    if username == current_principal().username:
        raise InvalidState(f"you cannot {what} yourself; ask another admin",
                           zh="不能对自己的账号进行此操作，请由另一位管理员办理")


# -- users -----------------------------------------------------------------------------------

@blp.route("/admin/users")
@admin_only
@blp.arguments(UserArgs, location="query")
@blp.response(200, UserPage)
def list_users(args):
    """Users holding a membership within your jurisdiction; `q` searches name and username."""
    scope = Jurisdiction.of_caller()
    units = None if scope.whole_chart else scope.units
    with services().store.read() as session:
        found, total = org_repository.search_users(
            session, q=args["q"].strip(), units=units, with_unassigned=scope.whole_chart,
            offset=(args["page"] - 1) * args["per_page"], limit=args["per_page"])
        items = [scope.user_out(user) for user in found]
    return page_of(items, total, args["page"], args["per_page"])


@blp.route("/admin/users", methods=["POST"])
@admin_only
@blp.arguments(UserIn)
@blp.response(201, UserOut)
def create_user(body):
    """A new user with a password and at least one membership; 409 if the username is taken."""
    scope = Jurisdiction.of_caller()
    memberships = tuple(Membership(m["role"], m["org_unit"]) for m in body["memberships"])
    for index, membership in enumerate(memberships):
        scope.require_unit(membership.org_unit, f"memberships.{index}.org_unit")
    spec = UserSpec(body["username"], body["display_name"], body["password"], memberships)
    with _change() as session:
        return scope.user_out(org_repository.create_user(session, spec, **_stamp()))


@blp.route("/admin/users/<username>", methods=["PATCH"])
@admin_only
@blp.arguments(UserPatchIn)
@blp.response(200, UserOut)
def update_user(body, username):
    """Rename, set a new password, or (de)activate. A new password or deactivation logs her out."""
    if body.get("active") is False:
        _refuse_self_lockout(username, "deactivate")
    scope = Jurisdiction.of_caller()
    with _change() as session:
        scope.require_account(org_repository.existing_user(session, username))
        return scope.user_out(org_repository.update_user(session, username, **body, **_stamp()))


@blp.route("/admin/users/<username>/memberships", methods=["POST"])
@admin_only
@blp.arguments(MembershipIn)
@blp.response(201, UserOut)
def grant_membership(body, username):
    """Give her a role at an org unit; 409 if she holds it already."""
    scope = Jurisdiction.of_caller()
    scope.require_unit(body["org_unit"], "org_unit")
    with _change() as session:
        scope.require_user(org_repository.existing_user(session, username))
        user = org_repository.grant_membership(session, username, Membership(**body), **_stamp())
        return scope.user_out(user)


@blp.route("/admin/users/<username>/memberships", methods=["DELETE"])
@admin_only
@blp.arguments(MembershipIn)
@blp.response(200, UserOut)
def revoke_membership(body, username):
    """Take a role at an org unit away from her; 404 if she does not hold it."""
    if body["role"] in ADMIN_ROLES:
        _refuse_self_lockout(username, "revoke an admin membership of")
    scope = Jurisdiction.of_caller()
    if body["org_unit"] not in scope.units:
        raise NotFound(f"user {username} holds no {body['role']} membership at {body['org_unit']}",
                       zh=f"用户 {username} 在 {body['org_unit']} 没有 {body['role']} 岗位")
    with _change() as session:
        scope.require_user(org_repository.existing_user(session, username))
        user = org_repository.revoke_membership(session, username, Membership(**body), **_stamp())
        return scope.user_out(user)


# -- org units ---------------------------------------------------------------------------------

@blp.route("/admin/org-units")
@blp.response(200, OrgUnitOut(many=True))
@admin_only
def list_org_units():
    """Every unit within your jurisdiction, each after its parent."""
    scope = Jurisdiction.of_caller()
    return [asdict(u) for u in scope.chart.parents_first() if u.id in scope.units]


@blp.route("/admin/org-units", methods=["POST"])
@admin_only
@blp.arguments(OrgUnitIn)
@blp.response(201, OrgUnitOut)
def add_org_unit(body):
    """A new unit under one of yours, one level below its parent."""
    Jurisdiction.of_caller().require_unit(body["parent"], "parent")
    with _change() as session:
        return asdict(org_repository.add_unit(session, OrgUnit(**body), **_stamp()))


@blp.route("/admin/org-units/<unit_id>", methods=["PATCH"])
@admin_only
@blp.arguments(OrgUnitPatchIn)
@blp.response(200, OrgUnitOut)
def rename_org_unit(body, unit_id):
    if unit_id not in Jurisdiction.of_caller().units:
        raise NotFound(f"org unit {unit_id} does not exist", org_unit=unit_id,
                       zh=f"组织单位 {unit_id} 不存在")
    with _change() as session:
        return asdict(org_repository.rename_unit(session, unit_id, body["name"], **_stamp()))


# -- org import ----------------------------------------------------------------------------------

ORG_FILE_BODY = {"content": {
    "application/yaml": {"schema": {"type": "string"}},
    "multipart/form-data": {"schema": {"type": "object",
                                       "properties": {"file": {"type": "string", "format": "binary"}}}},
}}


@blp.route("/admin/org/import", methods=["POST"])
@blp.doc(requestBody=ORG_FILE_BODY)
@blp.response(200, ImportSummaryOut)
@admin_only
def import_org_file():
    """Upsert an org file (the `jiahe org import` format), sent as the body or as a file."""
    raw = _org_file_from_request()
    scope = Jurisdiction.of_caller()
    _refuse_broken_file(raw, scope.chart)
    check = _ImportCheck(scope, parse_units(raw))
    svc = services()
    summary = org_repository.import_org(svc.store, raw, check=check, **_stamp())
    svc.charts.invalidate()
    return asdict(summary)


@blp.route("/admin/org/export")
@blp.response(200, content_type="application/yaml",
              description="the org file: your units and the users who hold a membership there")
@admin_only
def export_org_file():
    """Your part of the organisation as an org file, to keep or to import again (it changes
    nothing: units and users re-import as they are). It holds no passwords, only their
    hashes are stored: importing it keeps the password of a user who exists, and a user new
    to the importing database has none and cannot log in until an admin sets one (PATCH
    /admin/users/{username}). The active flag is not in the format either."""
    scope = Jurisdiction.of_caller()
    with services().store.read() as session:
        org = export_org(session, None if scope.whole_chart else scope.units)
    day = services().clock.now().strftime("%Y%m%d")
    return Response(org_file_text(org), mimetype="application/yaml",
                    headers={"Content-Disposition": f'attachment; filename="org-{day}.yaml"'})


def _refuse_broken_file(raw: dict, chart: OrgChart) -> None:
    """Every problem of the file at once, each at its entry (units.3.parent), before anything is written."""
    errors = org_file_errors(raw, chart)
    if errors:
        first = errors[0]
        raise ValidationFailed(f"the org file has {len(errors)} problem(s); nothing was imported: "
                               f"{first.field}: {first.message}", errors,
                               zh=f"组织文件有 {len(errors)} 处问题，未导入任何内容："
                                  f"{first.field}：{first.zh or first.message}")


def _org_file_from_request() -> dict:
    upload = next(iter(request.files.values()), None)
    data = upload.read() if upload is not None else request.get_data()
    try:
        raw = yaml.safe_load(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise DefinitionError("org file: not UTF-8 text", zh="组织文件：不是 UTF-8 编码的文本") from None
    except yaml.YAMLError as exc:
        raise DefinitionError(f"org file: not valid YAML: {exc}",
                              zh=f"组织文件：不是有效的 YAML：{exc}") from None
    if not isinstance(raw, dict):
        raise DefinitionError("org file: expected a mapping with 'units' and 'users'",
                              zh="组织文件：应为包含 units 和 users 的映射")
    return raw


@dataclass
class _ImportCheck:
    """Refuses a file that reaches outside the importer's jurisdiction, or that sets a
    password the admin API would refuse. Runs inside the import's transaction."""

    scope: Jurisdiction
    file_units: list[OrgUnit]

    def __call__(self, session, org: OrgFile) -> None:
        errors = self._unit_errors(session, org.chart) + self._user_errors(session, org)
        if errors:
            raise ValidationFailed(f"the org file cannot be imported: {errors[0].message}", errors,
                                   zh=f"组织文件无法导入：{errors[0].zh or errors[0].message}")

    def _unit_errors(self, session, chart: OrgChart) -> list[FieldError]:
        # Both where the unit is now and where the file puts it must be hers.
        return [_outside(f"units.{i}", f"org unit {unit.id!r}", f"组织单位「{unit.id}」")
                for i, unit in enumerate(self.file_units)
                if not self.scope.covers(chart, unit.id)
                or (session.get(OrgUnitRow, unit.id) is not None and unit.id not in self.scope.units)]

    def _user_errors(self, session, org: OrgFile) -> list[FieldError]:
        errors = []
        for i, spec in enumerate(org.users):
            existing = session.get(AppUser, spec.username)
            if existing is not None and not self.scope.governs(existing) and _changes_account(existing, spec):
                errors.append(_outside(f"users.{i}.username", f"user {spec.username!r}",
                                       f"用户「{spec.username}」"))
            if spec.password is not None and len(spec.password) < MIN_PASSWORD_LENGTH:
                errors.append(FieldError(f"users.{i}.password",
                                         f"shorter than {MIN_PASSWORD_LENGTH} characters", "password",
                                         zh=f"密码不能少于 {MIN_PASSWORD_LENGTH} 个字符"))
            errors += [_outside(f"users.{i}.memberships.{j}.org_unit", f"org unit {m.org_unit!r}",
                                f"组织单位「{m.org_unit}」")
                       for j, m in enumerate(spec.memberships) if not self.scope.covers(org.chart, m.org_unit)]
        return errors


def _changes_account(user: AppUser, spec: UserSpec) -> bool:
    # Memberships within her units she may grant anyone she sees; name and password only
    # to those she governs (so that her own export, listing such a user, imports again).
    return spec.password is not None or bool(spec.display_name and spec.display_name != user.display_name)


def _outside(field_name: str, what: str, what_zh: str | None = None) -> FieldError:
    return FieldError(field_name, f"{what} is not within your jurisdiction", "jurisdiction",
                      zh=f"{what_zh or what}不在您的管辖范围内")
