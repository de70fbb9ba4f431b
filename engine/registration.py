"""Starting a case for a registration, once: the same request sent again (a retry, a double
click) finds the case it made instead of making another; the same key with a different
request is refused (engine.idempotency)."""
from __future__ import annotations

import hashlib

from engine.errors import Conflict, FieldError, NotFound, ValidationFailed
from engine.idempotency import Idempotency, KeyTaken
from engine.store import case_queries as queries


class Registrar:
    def __init__(self, runtime):
        self.runtime, self.store = runtime, runtime.store

    def start(self, process: str, org_unit: str, data: dict, *, actor: str, key: str | None,
              idempotency: Idempotency | None) -> tuple[str, bool]:
        """(case id, whether this call created it)."""
        earlier = self._earlier(idempotency)
        if earlier is not None:
            return earlier.instance_id, False
        self._require_deployed(process)
        try:
            view = self.runtime.start(process, actor=actor, data=data, org_unit=org_unit, business_key=key,
                                      idempotency=idempotency)
            case_id, created = view.id, view.created
        except (Conflict, KeyTaken):
            # A concurrent retry with the same key committed first: its case is ours.
            earlier = self._earlier(idempotency)
            case_id, created = (earlier.instance_id if earlier else None), False
            if case_id is None:
                raise
        if not created:  # registered before requests were fingerprinted
            self._check_same_request(case_id, process, org_unit)
        return case_id, created

    def _earlier(self, idempotency: Idempotency | None):
        if idempotency is None:
            return None
        with self.store.read() as session:
            return idempotency.earlier(session)

    def _require_deployed(self, process: str) -> None:
        try:
            self.runtime.parsed_latest(process)
        except NotFound:
            raise ValidationFailed("unknown process", [FieldError("process", f"process {process} is not deployed",
                                                                  "exists", zh=f"流程 {process} 未部署")],
                                   zh="没有这个流程") from None

    def _check_same_request(self, case_id: str, process: str, org_unit: str) -> None:
        with self.store.read() as session:
            facts = queries.case_row(session, case_id, self.runtime.clock.now())
        if (facts.process_key, facts.org_unit) != (process, org_unit):
            raise Conflict("this Idempotency-Key was already used for a different case; use a new key",
                           case_no=facts.case_no, zh="此幂等键已用于另一个案件，请使用新的键")


def business_key(scope: str, who: str, idempotency_key: str | None) -> str | None:
    """The instance's unique business key for a client's Idempotency-Key: hashed, so keys
    of any length fit, and scoped, so two callers' keys never meet."""
    if not idempotency_key:
        return None
    digest = hashlib.sha256(f"{scope}\x00{who}\x00{idempotency_key}".encode()).hexdigest()
    return f"{scope}:{digest}"
