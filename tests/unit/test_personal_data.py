"""What the forms call personal information, and taking it apart from the rest: the basis of
anonymising a case at the end of its 保管期限 with every statistic unchanged."""
from __future__ import annotations

import json
from pathlib import Path

from engine.personal_data import ERASED, anonymised, merge, personal_paths, split

FORMS = Path(__file__).resolve().parents[2] / "forms"


def _paths(name: str) -> set[str]:
    return personal_paths(json.loads((FORMS / f"{name}.schema.json").read_text(encoding="utf-8")))


def test_free_text_and_sensitive_fields_are_personal_and_choices_dates_numbers_are_not():
    paths = _paths("intake")
    assert {"summary", "requests", "reporter_name", "reporter_phone", "parties[].name", "parties[].address",
            "parties[].phone"} <= paths
    assert not {"channel", "received_at", "dispute_type", "children_involved", "parties[].sex", "parties[].age",
                "parties[].role", "reporter_anonymous"} & paths


def test_a_free_text_field_that_statistics_group_by_is_retained():
    paths = _paths("counselling_service_intake")
    assert "organisation" not in paths and "street" not in paths


def test_split_and_merge_give_the_data_back():
    data = {"channel": "visit", "summary": "争吵", "parties": [{"name": "王某", "role": "applicant"}, {"role": "x"}]}
    kept, personal = split(data, _paths("intake"))
    assert "summary" not in kept and all("name" not in p for p in kept["parties"])
    assert merge(kept, personal) == data
    assert split({"channel": "visit"}, _paths("intake")) == ({"channel": "visit"}, {})


def test_anonymising_replaces_every_personal_value_and_counts_them():
    data = {"channel": "visit", "summary": "争吵", "requests": "",
            "parties": [{"name": "王某", "address": "东村", "age": 30}, {"name": "李某"}]}
    result, count = anonymised(data, _paths("intake"))
    assert count == 4
    assert result == {"channel": "visit", "summary": ERASED, "requests": "",
                      "parties": [{"name": ERASED, "address": ERASED, "age": 30}, {"name": ERASED}]}
