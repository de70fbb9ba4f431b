"""The helpers as scripts see them: names no script can rebind, dates that format in Chinese,
and nothing a script prints shows a heap address."""
from datetime import date, datetime, timezone

import pytest

from engine.clock import ManualClock
from engine.errors import SandboxViolation
from engine.sandbox import HELPER_NAMES, SAFE_BUILTINS, Sandbox, check_source

START = datetime(2026, 9, 29, 20, 0, tzinfo=timezone.utc)  # 04:00 on 30 September in Beijing


@pytest.fixture
def sandbox():
    return Sandbox(clock=ManualClock(START))


def test_helper_names_are_exactly_the_helpers(sandbox):
    assert set(sandbox.helpers) == HELPER_NAMES


# ---------------------------------------------------------------- helper names stay helpers

SHADOWING = {
    "assignment": ("now = 5", "now", "assigned"),
    "assignment after a line": ("x = 1\ntoday = x", "today", "assigned"),
    "augmented assignment": ("now += 1", "now", "assigned"),
    "tuple target": ("a, iso = 1, 2", "iso", "assigned"),
    "starred target": ("a, *duration = [1, 2]", "duration", "assigned"),
    "walrus in a script": ("x = (add_days := 1)", "add_days", "assigned"),
    "for target": ("for today in [1]:\n    pass", "today", "assigned"),
    "comprehension target": ("x = [1 for now in [1]]", "now", "assigned"),
    "with target": ("with x as parse_datetime:\n    pass", "parse_datetime", "assigned"),
    "except name": ("try:\n    pass\nexcept ValueError as working_days_between:\n    pass",
                    "working_days_between", "assigned"),
    "function name": ("def iso():\n    return 1", "iso", "redefined"),
    "parameter": ("def f(now):\n    return 1", "now", "a parameter name"),
    "keyword-only parameter": ("def f(*, is_working_day=1):\n    return 1", "is_working_day", "a parameter name"),
    "star parameter": ("def f(*add_hours):\n    return 1", "add_hours", "a parameter name"),
    "double-star parameter": ("def f(**parse_date):\n    return 1", "parse_date", "a parameter name"),
    "lambda parameter": ("f = lambda days_between: 1", "days_between", "a parameter name"),
    "del": ("del now", "now", "deleted"),
    "global": ("def f():\n    global add_working_days\n    return 1", "add_working_days", "declared global"),
    "the date type": ("date = '2026-01-01'", "date", "assigned"),
    "the datetime type": ("datetime = None", "datetime", "assigned"),
    "the timedelta type": ("for timedelta in [1]:\n    pass", "timedelta", "assigned"),
    "the timezone type": ("timezone = 8", "timezone", "assigned"),
}


@pytest.mark.parametrize("source, name, use", SHADOWING.values(), ids=SHADOWING.keys())
def test_a_helper_name_cannot_be_bound(sandbox, source, name, use):
    problems = check_source(source)
    kind = "type" if name in ("date", "datetime", "timedelta", "timezone") else "function"
    expected = f"'{name}' is a helper {kind} and cannot be {use}; choose another name"
    assert expected in [message for _, message in problems]
    with pytest.raises(SandboxViolation):
        sandbox.execute(source, {})


def test_a_refused_helper_name_is_reported_on_its_line():
    assert check_source("x = 1\ny = 2\nnow = 3") == [
        (3, "'now' is a helper function and cannot be assigned; choose another name")]


def test_a_condition_cannot_assign_a_helper_name(sandbox):
    assert check_source("(now := 5) > 3", "eval") == [
        (1, "'now' is a helper function and cannot be assigned; choose another name")]
    with pytest.raises(SandboxViolation):
        sandbox.evaluate("(today := 5) > 3", {})


def test_helpers_still_read_and_data_named_like_them_still_reads(sandbox):
    assert sandbox.evaluate("add_days(today(), 1)", {}) == date(2026, 10, 1)
    data = {"today": "a field value"}
    sandbox.execute("copy = today\nn = [x for x in [1, 2]]", data)
    assert data == {"today": "a field value", "copy": "a field value", "n": [1, 2]}


def test_helpers_are_not_left_in_the_data(sandbox):
    data = {}
    sandbox.execute("f = now\ng = str\nx = iso(today())", data)
    assert data == {"x": "2026-09-30"}


# ---------------------------------------------------------------- dates format in Chinese

FORMATTED = {
    "strftime in Chinese": ("today().strftime('%Y年%m月%d日')", "2026年09月30日"),
    "strftime with hours": ("parse_datetime('2026-03-01T09:05').strftime('%Y年%m月%d日 %H时%M分')",
                            "2026年03月01日 09时05分"),
    "unbound strftime": ("date.strftime(date(2026, 1, 2), '%m月%d日')", "01月02日"),
    "time of day": ("parse_datetime('2026-03-01T09:05').time().strftime('%H:%M')", "09:05"),
    "f-string date spec": ("f'{today():%Y年%m月%d日}'", "2026年09月30日"),
    "strptime then iso": ("iso(datetime.strptime('2026年03月01日', '%Y年%m月%d日').date())", "2026-03-01"),
    "strptime with time": ("iso(datetime.strptime('2026-03-01 09:30', '%Y-%m-%d %H:%M'))", "2026-03-01T09:30:00"),
}


@pytest.mark.parametrize("expression, expected", FORMATTED.values(), ids=FORMATTED.keys())
def test_dates_format_and_parse_with_chinese_formats(sandbox, expression, expected):
    assert sandbox.evaluate(expression, {}) == expected


def test_strptime_reads_a_chinese_date_in_a_script(sandbox):
    data = {"filed": "2026年3月1日"}
    sandbox.execute("d = datetime.strptime(filed, '%Y年%m月%d日')\nlabel = d.strftime('%Y年%m月%d日')", data)
    assert data["label"] == "2026年03月01日"
    assert data["d"] == datetime(2026, 3, 1)


DATE_FORMAT_REFUSED = {
    "long strftime format": "leak = today().strftime('%Y' * 100000)",
    "long unbound strftime format": "leak = date.strftime(today(), 'x' * 5000)",
    "long strptime format": "leak = datetime.strptime('2026', '%Y' + ' ' * 5000)",
    "long strptime text": "leak = datetime.strptime('1' * 5000, '%Y')",
    "long format by keyword": "leak = datetime.strptime('2026', format='%Y' * 5000)",
}


@pytest.mark.parametrize("source", DATE_FORMAT_REFUSED.values(), ids=DATE_FORMAT_REFUSED.keys())
def test_date_formats_beyond_a_few_thousand_characters_are_refused(sandbox, source):
    data = {}
    with pytest.raises(SandboxViolation) as refused:
        sandbox.execute(source, data)
    assert "the sandbox allows 2000" in str(refused.value) and "leak" not in data


def test_scripts_still_cannot_import(sandbox):
    for source in ("leak = __import__('os')", "leak = __builtins__", "leak = __builtins__['__import__']('os')",
                   "import time", "from datetime import datetime as d"):
        assert check_source(source), source
        with pytest.raises(SandboxViolation):
            sandbox.execute(source, {})


@pytest.mark.parametrize("module", ["os", "sys", "subprocess", "importlib", "datetime", "time.os"])
def test_the_import_datetime_needs_imports_nothing_else(module):
    with pytest.raises(SandboxViolation):
        SAFE_BUILTINS["__import__"](module)


# ---------------------------------------------------------------- no heap addresses

ADDRESS_FREE = {
    "helper in an f-string": ("f'{now!r}'", "<helper now>"),
    "helper without conversion": ("f'{today}'", "<helper today>"),
    "helper through str": ("str(now)", "<helper now>"),
    "helper in a list": ("str([now, iso])", "[<helper now>, <helper iso>]"),
    "helper through %s": ("'%s' % now", "<helper now>"),
    "helper through %r in a tuple": ("'%r' % (duration,)", "<helper duration>"),
    "helper through a %(key)s": ("'%(f)s' % {'f': add_days}", "<helper add_days>"),
    "sandbox range": ("str(range)", "<built-in function range>"),
    "sandbox sum": ("f'{sum}'", "<built-in function sum>"),
    "sandbox round": ("str([round])", "[<built-in function round>]"),
    "str itself": ("str(str)", "<class 'str'>"),
    "lambda in an f-string": ("f'{(lambda: 1)!r}'", "<function>"),
    "lambda through str": ("str(lambda: 1)", "<function>"),
    "lambda in a list": ("str([lambda: 1])", "[<function>]"),
    "lambda as an f-string value in text": ("f'x={[1, lambda: 1]}.'", "x=[1, <function>]."),
    "lambda through %r": ("'%r' % (lambda: 1,)", "<function>"),
    "lambda through %s in a dict": ("'%s' % ({'f': lambda: 1},)", "{'f': <function>}"),
    "bound method": ("str('x'.upper)", "<function>"),
    "builtin beside a lambda": ("str((len, lambda: 0))", "(<function>, <function>)"),
    "zip object": ("str(zip([1]))", "<zip>"),
    "enumerate object": ("f'{enumerate([1])}'", "<enumerate>"),
    "dict keys": ("str({len: 1}.keys())", "dict_keys([<function>])"),
    "dict items": ("str({'f': len}.items())", "dict_items([('f', <function>)])"),
    "exception holding a lambda": ("str(ValueError(lambda: 1))", "<function>"),
    "key error of a function": ("str(KeyError(len))", "<function>"),
    "set of functions": ("str({len})", "{<function>}"),
    "keyword object": ("str(object=len)", "<function>"),
}


@pytest.mark.parametrize("expression, expected", ADDRESS_FREE.values(), ids=ADDRESS_FREE.keys())
def test_printing_shows_no_heap_address(sandbox, expression, expected):
    assert sandbox.evaluate(expression, {}) == expected


SCRIPTS_ADDRESS_FREE = {
    "function defined by the script": ("def f():\n    return 1\nshown = '%r' % (f,)", "<function>"),
    "function in an f-string": ("def f():\n    return 1\nshown = f'{f}'", "<function>"),
    "generator": ("def g():\n    yield 1\nshown = str([g()])", "[<generator>]"),
    "list that holds itself": ("a = [len]\na.append(a)\nshown = str(a)\ndel a", "[<function>, [...]]"),
    "dict that holds itself": ("d = {'f': len}\nd['d'] = d\nshown = str(d)\ndel d", "{'f': <function>, 'd': {...}}"),
    "tuple in a cycle": ("a = [len]\nt = (a,)\na.append(t)\nshown = str(t)\ndel a, t", "([<function>, (...)],)"),
    "in-place %": ("shown = '%s'\nshown %= (len,)", "<function>"),
    "print, then printed": ("def f():\n    return 1\nprint(f, [f], sep='|')\nshown = printed", "<function>|[<function>]\n"),
}


@pytest.mark.parametrize("script, expected", SCRIPTS_ADDRESS_FREE.values(), ids=SCRIPTS_ADDRESS_FREE.keys())
def test_printing_what_a_script_defined_shows_no_heap_address(sandbox, script, expected):
    data = {}  # (scripts delete what case data cannot hold)
    sandbox.execute(script, data)
    assert data["shown"] == expected


def test_printing_data_is_unchanged(sandbox):
    data = {"case": {"parties": ["刘芳", "王强"], "count": 2, "at": " at 0x10"}, "n": 3.5}
    assert sandbox.evaluate("str(case)", data) == str(data["case"])
    assert sandbox.evaluate("f'{case!r} {n:.2f} {n}'", data) == f"{data['case']!r} 3.50 3.5"
    assert sandbox.evaluate("'%s/%d' % (case['parties'], case['count'])", data) == "['刘芳', '王强']/2"
    assert sandbox.evaluate("str(b'ab', 'utf-8') + str(12) + str()", {}) == "ab12"


def test_str_is_still_the_str_type_for_scripts(sandbox):
    assert sandbox.evaluate("isinstance('x', str) and isinstance('x', (int, str)) and not isinstance(1, str)", {})
    assert sandbox.evaluate("str.upper('x') + str.join('-', ['a', 'b'])", {}) == "Xa-b"
    assert sandbox.evaluate("sorted([3, 20, 100], key=str)", {}) == [100, 20, 3]


def test_helpers_stay_helpers_to_the_sandbox(sandbox):
    assert all(callable(helper) for helper in sandbox.helpers.values())
    assert repr(sandbox.helpers["now"]) == "<helper now>"
    assert sandbox.helpers["now"]() == START
    with pytest.raises(SandboxViolation):
        sandbox.evaluate("now._function", {})
