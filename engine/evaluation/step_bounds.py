"""Checks on what SpiffWorkflow is about to do with a value a diagram produced.

SpiffWorkflow creates one task per multi-instance item up front (10**4 took over a minute) and
merges a decision table's outputs straight into case data. Lint refuses constant cardinalities
above MULTI_INSTANCE_MAX; these refuse computed ones and unsaveable DMN outputs when the step
runs, as a WorkflowTaskException, which the runtime records as an incident on that element.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask

from engine.errors import SandboxViolation, UnsaveableValue
from engine.evaluation.values import check_saveable
from engine.limits import MULTI_INSTANCE_MAX


def check_result(task, expression: str, value: Any) -> None:
    """After `expression` was evaluated for `task`: refuse a cardinality above the cap and a
    decision output that case data could not hold."""
    spec = task.task_spec
    if isinstance(spec, MultiInstanceTask) and expression == spec.cardinality:
        _check_count(task, value, "loopCardinality")
    elif expression in _decision_outputs(spec):
        try:
            check_saveable("decision output", value)
        except UnsaveableValue as err:
            raise WorkflowTaskException(f"{type(err).__name__}: {err}", task=task, exception=err) from None


def before_engine_step(task) -> None:
    """SpiffWorkflow's will_complete_task: before a multi-instance activity fans out over its
    input collection, count the collection."""
    spec = task.task_spec
    if isinstance(spec, MultiInstanceTask) and spec.data_input is not None:
        collection = task.data.get(spec.data_input.bpmn_id)
        if isinstance(collection, (Mapping, Sequence)) and not isinstance(collection, str):
            _check_count(task, len(collection), f"the items of {spec.data_input.bpmn_id}")


def _check_count(task, value: Any, what: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MULTI_INSTANCE_MAX:
        err = SandboxViolation(
            f"multi-instance count from {what} is {value!r}; allowed are whole numbers from 0 to "
            f"{MULTI_INSTANCE_MAX} (JIAHE_MULTI_INSTANCE_MAX)", limit="multi_instance",
            zh=f"多实例数量（{what}）为 {value!r}，只允许 0 至 {MULTI_INSTANCE_MAX} 的整数")
        raise WorkflowTaskException(f"{type(err).__name__}: {err}", task=task, exception=err)


def _decision_outputs(spec) -> frozenset[str]:
    cached = getattr(spec, "_jiahe_decision_outputs", None)
    if cached is None:
        table = getattr(getattr(spec, "dmnEngine", None), "decision_table", None)
        texts = [entry.text for rule in getattr(table, "rules", ()) for entry in rule.outputEntries]
        cached = frozenset(t for t in texts if isinstance(t, str))
        spec._jiahe_decision_outputs = cached
    return cached
