"""Error messages are Chinese unless the request prefers English; the codes never change."""
from __future__ import annotations

import pytest

from tests.api.task_support import add_user, start_case, task_id

TASKS = "/api/v1/tasks"
ENGLISH = {"Accept-Language": "en"}


def error_of(response) -> dict:
    return response.get_json()["error"]


@pytest.fixture
def task(api) -> str:
    """The screening task of a new case, claimed by the clerk."""
    case = start_case(api)
    task = task_id(api, case.id, "screen_risk")
    assert api.post(f"{TASKS}/{task}/claim", "clerk").status_code == 200
    return task


def unknown_task(api, headers):
    return api.client.get(f"{TASKS}/no-such-task", headers={**api.as_("clerk"), **headers})


def claimed_by_someone_else(api, task, headers):
    return api.post(f"{TASKS}/{task}/claim", "clerk_county", headers=headers)


def assigned_to_nobody(api, task, headers):
    return api.post(f"{TASKS}/{task}/assign", "supervisor_town", json={"user": "nobody"}, headers=headers)


def test_an_unknown_task_is_404_in_chinese_by_default_and_in_english_on_request(api, task):
    chinese, english = unknown_task(api, {}), unknown_task(api, ENGLISH)
    assert chinese.status_code == english.status_code == 404
    assert error_of(chinese)["code"] == error_of(english)["code"] == "not_found"
    assert error_of(chinese)["message"] == "未找到该任务"
    assert error_of(english)["message"] == "task not found"
    assert error_of(chinese)["details"] == error_of(english)["details"] == {"task": "no-such-task"}


def test_claiming_a_task_someone_else_holds_is_409_in_either_language(api, task):
    add_user(api, "clerk_county", "intake_clerk", "county")
    chinese = claimed_by_someone_else(api, task, {})
    english = claimed_by_someone_else(api, task, ENGLISH)
    assert chinese.status_code == english.status_code == 409
    assert error_of(chinese)["code"] == error_of(english)["code"] == "conflict"
    assert error_of(chinese)["message"] == "任务已被 clerk 认领"
    assert error_of(english)["message"] == "task is claimed by clerk"


def test_a_field_error_is_422_with_both_messages_in_the_requested_language(api, task):
    chinese, english = assigned_to_nobody(api, task, {}), assigned_to_nobody(api, task, ENGLISH)
    assert chinese.status_code == english.status_code == 422
    assert error_of(chinese)["code"] == error_of(english)["code"] == "validation_failed"
    assert error_of(chinese)["message"] == "不能把此任务指派给该用户"
    assert error_of(english)["message"] == "the task cannot be assigned to this user"
    assert error_of(chinese)["field_errors"] == [
        {"field": "user", "message": "用户 nobody 不存在或已停用", "validator": ""}]
    assert error_of(english)["field_errors"] == [
        {"field": "user", "message": "there is no active user nobody", "validator": ""}]


def test_a_browser_preferring_chinese_over_english_gets_chinese(api, task):
    response = unknown_task(api, {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"})
    assert error_of(response)["message"] == "未找到该任务"
    assert error_of(unknown_task(api, {"Accept-Language": "en-US,en;q=0.9"}))["message"] == "task not found"
