"""Which org unit a ready task is offered in. The default keeps it at the case's own unit;
the organisation module supplies a router that climbs to the lane's level."""
from __future__ import annotations

from typing import Protocol

from engine.definitions.catalog import LaneRole


class TaskRouter(Protocol):
    def route(self, instance, lane_role: LaneRole | None, data: dict) -> str | None:
        """The org unit whose members of lane_role.role are offered the task."""


class CaseUnitRouter:
    def route(self, instance, lane_role: LaneRole | None, data: dict) -> str | None:
        return instance.org_unit
