"""Real escape attempts against the sandbox: each must be refused without handing the
script the object it was after, and runaway code must stop on time."""
import threading

import pytest

from engine.errors import SandboxTimeout, SandboxViolation, UnsaveableValue
from engine.sandbox import Sandbox, check_source

LIMIT = 0.3  # seconds; short so that timeouts keep the suite fast


@pytest.fixture
def sandbox():
    return Sandbox(time_limit=LIMIT)


def refusal(sandbox, source, data=None):
    """Run `source`; return the exception it was refused with (fails if it ran)."""
    data = {} if data is None else data
    with pytest.raises((SandboxViolation, NameError, AttributeError)) as refused:
        sandbox.execute(source, data)
    assert "leak" not in data
    return refused.value


COMPILE_TIME = {
    "subclasses walk": "leak = ().__class__.__bases__[0].__subclasses__()",
    "builtins walk": "leak = (lambda: 0).__globals__['__builtins__']",
    "dunder import": "leak = __import__('os')",
    "import statement": "import os",
    "from import": "from os import system",
    "eval": "leak = eval('1')",
    "exec": "exec('leak = 1')",
    "lambda code object": "leak = (lambda: 0).__code__",
    "generator frame walk": "g = (i for i in [1])\nleak = g.gi_frame.f_back.f_globals",
    "generator code": "def f():\n    yield 1\nleak = f().gi_code",
    "traceback frames": "try:\n    1 / 0\nexcept Exception as e:\n    leak = e.__traceback__.tb_frame",
    "helper closure": "leak = now.__closure__",
    "builtins name": "leak = __builtins__",
    "guard rebinding": "_getattr_ = lambda o, n: 1",
    "class with metaclass tricks": "class A:\n    pass",
    "dynamic f-string width": "w = 10 ** 9\nleak = f'{1:{w}}'",
    "huge f-string width": "leak = f'{1:999999999}'",
    "breakpoint": "breakpoint()",
}


@pytest.mark.parametrize("source", COMPILE_TIME.values(), ids=COMPILE_TIME.keys())
def test_escape_is_refused_at_compile_time(sandbox, source):
    assert check_source(source)
    assert isinstance(refusal(sandbox, source), SandboxViolation)


NOT_DEFINED = {
    "getattr with computed dunder": "leak = getattr(1, '__cl' + 'ass__')",
    "open": "leak = open('/etc/passwd').read()",
    "globals": "leak = globals()",
    "locals": "leak = locals()",
    "vars": "leak = vars()",
    "type": "leak = type(1)",
    "compile": "leak = compile('1', 'x', 'eval')",
    "dir": "leak = dir()",
    "input": "leak = input()",
    "object": "leak = object",
    "setattr": "setattr(now, 'x', 1)",
    "BaseException": "try:\n    pass\nexcept BaseException:\n    pass\nleak = BaseException",
}


@pytest.mark.parametrize("source", NOT_DEFINED.values(), ids=NOT_DEFINED.keys())
def test_dangerous_builtin_is_not_there(sandbox, source):
    assert isinstance(refusal(sandbox, source), NameError)


RUN_TIME = {
    "format attribute walk": "leak = '{0.__class__}'.format(1)",
    "format globals walk": "f = lambda: 0\nleak = '{0.__globals__}'.format(f)",
    "format_map walk": "leak = '{x.__class__}'.format_map({'x': 1})",
    "unbound str.format": "leak = str.format('{0.__class__}', 1)",
    "mro to object": "leak = ValueError.mro()",
    "system clock via datetime": "leak = datetime.now()",
    "system clock via date": "leak = date.today()",
    "system clock via instance": "leak = now().utcnow()",
}


@pytest.mark.parametrize("source", RUN_TIME.values(), ids=RUN_TIME.keys())
def test_escape_is_refused_at_run_time(sandbox, source):
    assert check_source(source) == []
    assert isinstance(refusal(sandbox, source), SandboxViolation)


def test_attribute_assignment_on_non_data_objects_is_refused(sandbox):
    with pytest.raises(TypeError):
        sandbox.execute("now.leak = 1", {})
    with pytest.raises(AttributeError):
        sandbox.execute("d = {}\nd.leak = 1", {})


HUGE = {
    "tower of powers": "leak = 2 ** 10 ** 10",
    "in-place power": "leak = 3\nleak **= 10 ** 10",
    "big integer product": "a = 2 ** 8000\nleak = a * a",
    "shift": "leak = 1 << 10 ** 10",
    "string repeat": "leak = 'x' * 10 ** 10",
    "list repeat": "leak = [0] * 10 ** 10",
    "repeat on the left": "leak = 10 ** 10 * [0]",
    "in-place repeat": "leak = [0]\nleak *= 10 ** 10",
    "range": "leak = range(10 ** 10)",
    "range beyond ssize_t": "leak = range(10 ** 30)",
    "concatenation": "a = 'x' * 1000000\nleak = a + a",
    "printf width": "leak = '%0999999999d' % 1",
    "ljust": "leak = 'x'.ljust(10 ** 10)",
    "join": "a = 'x' * 100000\nleak = a.join([a] * 100)",
    "replace": "a = 'x' * 100000\nleak = a.replace('x', a)",
    "expandtabs": "leak = ('\\t' * 1000).expandtabs(10 ** 6)",
    "extend": "a = [0] * 1000000\na.extend(a)\nleak = a",
}


@pytest.mark.parametrize("source", HUGE.values(), ids=HUGE.keys())
def test_huge_results_are_refused_before_they_are_built(sandbox, source):
    refused = refusal(sandbox, source)
    assert isinstance(refused, SandboxViolation)
    assert refused.context["line"] in (1, 2)  # refused by a guard at its line, not killed later


# Single C calls that would run for minutes or allocate gigabytes: the evaluation process's OS
# limits stop them anyway; the sandbox refuses them first, with the line and a reason.
C_CALL_BOMBS = {
    "round to minus a billion digits": "leak = round(7, -10 ** 9)",
    "round to a billion digits": "leak = round(7, 10 ** 9)",
    "int.from_bytes of a megabyte": "leak = int.from_bytes(b'\\xff' * 1000000, 'big')",
    "from_bytes on an instance": "leak = (0).from_bytes(b'\\xff' * 100000, 'big')",
    "from_bytes of a generator": "leak = int.from_bytes((255 for i in range(10 ** 6)), 'big')",
    "from_bytes by keyword": "leak = int.from_bytes(bytes=b'\\xff' * 100000, byteorder='big')",
    "floor division of a huge integer": "a = int('f' * 5000, 16)\nleak = a // 3",
    "modulo of a huge integer": "a = int('f' * 5000, 16)\nleak = a % 3",
    "modulo by a huge integer": "a = int('f' * 5000, 16)\nleak = 10 ** 100 % a",
    "in-place floor division": "leak = int('f' * 5000, 16)\nleak //= 3",
    "starred list": "a = [0] * 600000\nleak = [*a, *a]",
    "starred tuple": "a = 'x' * 600000\nleak = (*a, *a)",
    "starred set": "a = list(range(600000))\nleak = {*a, *a, 1}",
    "starred call": "a = [0] * 600000\nleak = max(*a, *a)",
    "starred many aliases": "a = [0] * 100000\nleak = [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a]",
    "starred generator and range": "leak = [*(i for i in range(10 ** 6)), *range(10 ** 6)]",
    "starred subscript": "a = [0] * 600000\nd = {}\nleak = d[*a, *a]",
    "f-string of two halves": "a = 'x' * 600000\nleak = f'{a}{a}'",
    "f-string of many aliases": "a = 'x' * 100000\nleak = f'{a}-{a}-{a}-{a}-{a}-{a}-{a}-{a}-{a}-{a}-{a}'",
    "f-string of many widths": "leak = f'" + "{1:9999}" * 101 + "'",
    "printf key that never closes": "leak = ('%(' * 500000) % {}",
    "bytes printf key that never closes": "leak = (b'%(' * 500000) % {}",
    "printf nested key": "leak = '%((a)b)099999s' % {'(a)b': 1}",
    "printf repeated conversion": "a = 'x' * 100000\nleak = ('%s' * 20) % ((a,) * 20)",
    "printf keyed repetition": "a = 'x' * 100000\nleak = ('%(a)s' * 20) % {'a': a}",
    "printf widths that add up": "leak = ('%9999d' * 200) % tuple(range(200))",
    "printf star width": "leak = '%*d' % (10 ** 9, 1)",
    "printf star precision": "leak = '%.*f' % (10 ** 9, 1.0)",
    "in-place printf": "leak = '%s' * 20\nleak %= (('x' * 100000),) * 20",
    "unbound ljust": "leak = str.ljust('x', 10 ** 10)",
    "unbound join": "a = 'x' * 100000\nleak = str.join(a, [a] * 100)",
    "unbound to_bytes": "leak = int.to_bytes(1, 10 ** 10, 'big')",
    "unbound extend": "leak = [0] * 1000000\nlist.extend(leak, leak)",
    "print output that adds up": "a = 'x' * 600000\nprint(a)\nprint(a)",
}


@pytest.mark.parametrize("source", C_CALL_BOMBS.values(), ids=C_CALL_BOMBS.keys())
def test_c_call_bombs_are_refused_with_their_line(sandbox, source):
    refused = refusal(sandbox, source)
    assert isinstance(refused, SandboxViolation)
    assert refused.context["line"] == source.count("\n") + 1
    assert refused.zh


def test_what_the_c_call_guards_let_through_still_works(sandbox):
    data = {"a": [1, 2], "b": "xy"}
    sandbox.execute(
        "r = [round(2.567, 2), round(1234, -2), round(7.5)]\n"
        "n = int.from_bytes(b'\\x01\\x00', 'big') + (0).from_bytes([1], 'little')\n"
        "q = [7 // 2, -7 % 3, (2 ** 100) // 3 == 422550200076076467165567735125, 2.5 // 1]\n"
        "s = [[*a, 3, *b], (*a,), sorted({*a, *a}), max(*a, *[0]), len([*range(3)])]\n"
        "first, *rest = [1, 2, 3]\n"
        "t = f'{b}-{a!r}-{3:>3}-{2.5:.2f}'\n"
        "p = ['%(x)s-%(y)05d %%' % {'x': 'a', 'y': 7}, '%s%%' % 50, '%-6s|' % 'ab', '%.3f' % 2.5]\n",
        data)
    assert data["r"] == [2.57, 1200, 8]
    assert data["n"] == 257
    assert data["q"] == [3, 2, True, 2.0]
    assert data["s"] == [[1, 2, 3, "x", "y"], [1, 2], [1, 2], 2, 3]
    assert (data["first"], data["rest"]) == (1, [2, 3])
    assert data["t"] == "xy-[1, 2]-  3-2.50"
    assert data["p"] == ["a-00007 %", "50%", "ab    |", "2.500"]


def test_summing_lists_is_refused(sandbox):
    with pytest.raises(TypeError):
        sandbox.execute("leak = sum([[0] * 1000000] * 1000, [])", {})


def test_reasonable_arithmetic_still_works(sandbox):
    assert sandbox.evaluate("2 ** 64 + 3 * 4 - 10 % 3", {}) == 2**64 + 11
    assert sandbox.evaluate("'ab' * 3 + '%05d' % 42", {}) == "ababab00042"
    assert sandbox.evaluate("[0] * 3 + [1]", {}) == [0, 0, 0, 1]


RUNAWAY = {
    "while true": "while True: pass",
    "multi-line loop": "n = 0\nwhile True:\n    n += 1",
    "loop that swallows the timeout":
        "while True:\n    try:\n        while True:\n            pass\n    except:\n        pass",
    "finally that continues":
        "while True:\n    try:\n        while True:\n            pass\n    finally:\n        continue",
    "nested comprehension": "leak = [i for i in range(10 ** 6) for j in range(10 ** 6)]",
    "exponential recursion": "def f(n):\n    return 0 if n == 0 else f(n - 1) + f(n - 1)\nleak = f(60)",
    "lambda recursion": "f = lambda n: 0 if n == 0 else f(n - 1) + f(n - 1)\nleak = f(60)",
    "generator drained in C": "def g():\n    while True:\n        yield 1\nleak = max(g())",
    "list growing while iterated": "a = [1]\nfor x in a:\n    a.append(x)",
}


@pytest.mark.parametrize("source", RUNAWAY.values(), ids=RUNAWAY.keys())
def test_runaway_code_times_out(sandbox, source):
    with pytest.raises(SandboxTimeout) as stopped:
        sandbox.execute(source, {})
    assert stopped.value.context["line"] is not None  # the sandbox's own deadline, not a kill


def test_the_worker_keeps_working_after_a_timeout(sandbox):
    with pytest.raises(SandboxTimeout):
        sandbox.execute("while True: pass", {})
    assert sandbox.evaluate("risk == 'red'", {"risk": "red"}) is True
    data = {"x": 2}
    sandbox.execute("for i in range(3):\n    x = x * 2", data)
    assert data["x"] == 16


def test_timeout_works_outside_the_main_thread(sandbox):
    outcome = {}

    def run():
        try:
            sandbox.execute("while True: pass", {})
        except SandboxTimeout as stopped:
            outcome["stopped"] = stopped

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(timeout=LIMIT + 5)
    assert not worker.is_alive()
    assert isinstance(outcome.get("stopped"), SandboxTimeout)


def test_a_generator_left_behind_cannot_run_later(sandbox):
    data = {}
    with pytest.raises(UnsaveableValue, match="kept"):  # case data holds JSON values only
        sandbox.execute("def g():\n    while True:\n        yield 1\nkept = [g()]", data)
    assert data == {}


def test_a_generator_left_behind_in_process_cannot_run_later():
    # The evaluation process itself runs scripts in-process: its deadline still holds there.
    sandbox = Sandbox(isolated=False)
    data = {}
    sandbox.execute("def g():\n    while True:\n        yield 1\nkept = [g()]", data)
    with pytest.raises(SandboxTimeout):
        sandbox.execute("for x in kept[0]:\n    break", data)
