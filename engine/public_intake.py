"""The online (网) channel for the public: no login, a form without what the server sets,
a receipt to keep, and the matter's progress told in coarse stages, never names or data."""
from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from engine.errors import FieldError, NotFound, ValidationFailed
from engine.idempotency import Idempotency
from engine.intake_forms import public_form
from engine.org import OrgChart
from engine.registration import Registrar, business_key
from engine.store import case_queries as queries
from engine.store.case_queries import CaseRow

PUBLIC_ACTOR, PUBLIC_PROCESS, PUBLIC_CHANNEL = "public", "dispute_case", "online"
# What a member of the public is told: coarse stages, never names or data.
PUBLIC_STAGES = (("received", "已收到"), ("accepted", "已受理"), ("handling", "处理中"), ("concluded", "已办结"))


@dataclass(frozen=True)
class PublicReceiptView:
    case_no: str
    receipt: str
    received_at: datetime
    created: bool


@dataclass(frozen=True)
class PublicStep:
    key: str
    label: str
    done: bool
    at: datetime | None


@dataclass(frozen=True)
class PublicStatus:
    case_no: str
    status: str
    status_label: str
    received_at: datetime
    outcome: str | None
    outcome_label: str | None
    steps: list[PublicStep]


class PublicDesk:
    def __init__(self, runtime, chart: Callable[[], OrgChart]):
        self.runtime, self.store, self.clock = runtime, runtime.store, runtime.clock
        self._chart = chart

    def form(self) -> dict:
        """The online intake form, without what the server sets itself."""
        parsed = self.runtime.parsed_latest(PUBLIC_PROCESS)
        return {"process": PUBLIC_PROCESS, "name": parsed.name, **public_form(parsed)}

    def submit(self, *, org_unit: str, data: dict, client: str, idempotency_key: str | None = None
               ) -> PublicReceiptView:
        """Register a submission; the submitter gets a receipt to ask with later. The key is
        scoped to the client's address and the request fingerprinted, so two people behind
        one address who happen to send one key are told so rather than merged."""
        if org_unit not in self._chart().units:
            raise ValidationFailed("unknown org unit", [FieldError("org_unit", "no such org unit", "exists",
                                                                   zh="没有这个单位")], zh="没有这个组织单位")
        now = self.clock.now()
        idempotency = Idempotency.of("public", client, idempotency_key, {"org_unit": org_unit, "data": data or {}})
        # The server's clock, not the submitter's, says when it arrived (evidence, SPC 2022 Art. 6).
        data = {**(data or {}), "channel": PUBLIC_CHANNEL, "received_at": now.isoformat()}
        case_id, created = Registrar(self.runtime).start(
            PUBLIC_PROCESS, org_unit, data, actor=PUBLIC_ACTOR, key=business_key("public", client, idempotency_key),
            idempotency=idempotency)
        with self.store.write() as session:
            receipt, _ = queries.ensure_receipt(session, case_id, secrets.token_urlsafe(18), now=now,
                                                postgres=self.store.is_postgres)
            facts = queries.case_row(session, case_id, now)
        return PublicReceiptView(facts.case_no, receipt, facts.created_at, created)

    def status(self, receipt: str) -> PublicStatus:
        with self.store.read() as session:
            case_id = queries.case_id_by_receipt(session, receipt)
            facts = queries.case_row(session, case_id, self.clock.now()) if case_id else None
            if facts is None:
                raise NotFound("no submission has this receipt", zh="没有与此回执对应的求助登记")
            kept = queries.first_commitments(session, case_id)
            forms = self.runtime.parsed_by_id(session, facts.version_id).forms
        refused = self.runtime.instance(case_id).data.get("decision") == "not_accept"
        steps = _public_steps(facts, kept, refused)
        reached = [s for s in steps if s.done][-1]
        outcome = facts.outcome if reached.key == "concluded" else None
        return PublicStatus(facts.case_no, reached.key, reached.label, facts.created_at, outcome,
                            choice_title(forms, "outcome", outcome), steps)


def _public_steps(facts: CaseRow, kept: dict[str, datetime], refused: bool) -> list[PublicStep]:
    ended = facts.ended_at if facts.status in ("completed", "terminated") else None
    # The acceptance commitment is kept by deciding, either way; the public hears 已受理
    # only when the decision was to take the matter up.
    accepted = None if refused else kept.get("accepted")
    reached = {"received": facts.created_at, "accepted": accepted,
               "handling": kept.get("handler_assigned"), "concluded": kept.get("outcome_recorded") or ended}
    return [PublicStep(key, label, reached[key] is not None, reached[key]) for key, label in PUBLIC_STAGES]


def choice_title(forms: dict, name: str, value: str | None) -> str | None:
    """The label a form gives to `value` of field `name` (its oneOf const/title)."""
    if value is None:
        return None
    for schema in forms.values():
        prop = ((schema or {}).get("properties") or {}).get(name) or {}
        for option in prop.get("oneOf") or []:
            if option.get("const") == value and option.get("title"):
                return option["title"]
    return None
