"""What case data may hold, how it crosses to an evaluation process, and which expressions are
cheap enough by their shape to run in the engine's own process."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from uuid import UUID

import pytest

from engine.errors import UnsaveableValue
from engine.evaluation.inline import referenced_names, runs_inline
from engine.evaluation.values import TAG, check_saveable, from_wire, to_wire
from engine.limits import CASE_DATA_MAX_DEPTH


def test_json_values_date_times_and_durations_cross_unchanged():
    values = {"text": "调解", "n": 3, "x": 1.5, "yes": True, "none": None, "items": [1, "a", {"b": [2]}],
              "at": datetime(2026, 3, 2, 9, 30, tzinfo=timezone(timedelta(hours=8))),
              "wait": timedelta(days=3, seconds=5), "id": UUID(int=7), "inf": float("inf")}
    assert from_wire(to_wire(values)) == values


def test_tuples_become_lists_and_number_keys_text_as_json_makes_them():
    assert from_wire(to_wire({"pair": (1, 2), "counts": {1: "a", 2.5: "b", None: "c"}})) == \
        {"pair": [1, 2], "counts": {"1": "a", "2.5": "b", "null": "c"}}


def test_a_dict_that_uses_the_wire_tag_cannot_pose_as_a_tagged_value():
    sly = {TAG: "datetime", "v": "2026-01-01T00:00:00"}
    assert from_wire(to_wire({"sly": sly})) == {"sly": sly}


def test_an_expression_result_may_be_a_date_but_case_data_may_not():
    assert from_wire(to_wire({"result": date(2026, 3, 2)}, dates=True)) == {"result": date(2026, 3, 2)}
    with pytest.raises(UnsaveableValue, match="iso"):
        to_wire({"day": date(2026, 3, 2)})


@pytest.mark.parametrize("value, words", [
    (ValueError("x"), "ValueError"),
    (range(3), "range"),
    ({"g": (i for i in [1])}, "generator"),
    ([timezone.utc], "timezone"),
    ({1, 2}, "set"),
    ({(1, 2): "tuple key"}, "key"),
    (b"bytes", "bytes"),
], ids=["exception", "range", "generator_in_dict", "timezone_in_list", "set", "tuple_key", "bytes"])
def test_a_value_that_is_not_json_is_refused_with_its_path(value, words):
    with pytest.raises(UnsaveableValue) as refused:
        check_saveable("kept", value)
    assert words in refused.value.message and "kept" in refused.value.message
    assert refused.value.zh and refused.value.context["variable"] == "kept"


def test_a_cycle_is_refused_and_shared_parts_are_not_cycles():
    looped = []
    looped.append(looped)
    with pytest.raises(UnsaveableValue, match="cycle"):
        check_saveable("kept", looped)
    shared = [1]
    check_saveable("kept", [shared, shared])


def test_nesting_deeper_than_the_bound_is_refused_without_recursing_the_stack_away():
    deep = []
    for _ in range(100_000):
        deep = [deep]
    with pytest.raises(UnsaveableValue, match=str(CASE_DATA_MAX_DEPTH)):
        check_saveable("kept", deep)


def test_values_bigger_than_case_data_may_be_are_refused():
    with pytest.raises(UnsaveableValue, match="characters"):
        to_wire({"big": "x" * 200}, limit=100)


@pytest.mark.parametrize("expression", [
    'result in ("resolved", "withdrawn")', "not mediation_allowed", "level == 1 and x.get('y') > 2",
    "add_working_days(today(), 15)", '"P7D"', "ruling_basis", "risk['colour'] if risk else None",
    "parse_datetime(handle_by).year >= 2026", "dmninputexpr >= 1", "count + 1",
])
def test_simple_expressions_run_in_process(expression):
    assert runs_inline(expression)


@pytest.mark.parametrize("expression", [
    "[i for i in x]", "str([[0] * 10**6] * 10**6)", "round(7, -10**9)", "items.append('x') or True",
    "(now := 5)", "lambda: 1", "now", "date", "sorted(x)", "'%s' % x", "x * 2", "2 ** 10",
    "f'{x}'", "x.ljust(10)", "len(*x)", "max(x, key=len)", "{**a}", "x" * 1001, "x +",
])
def test_anything_else_goes_to_an_evaluation_process(expression):
    assert not runs_inline(expression)


def test_the_names_a_script_can_touch_are_the_names_it_mentions():
    assert referenced_names("a = b + c\ndel d\nfor e in f:\n    g.append(e)", "exec") == \
        {"a", "b", "c", "d", "e", "f", "g"}
