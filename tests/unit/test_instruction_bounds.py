"""Instruction texts cannot hang or exhaust the process that renders them: what would is refused
by render_bounded (for the evaluation process) and shown unrendered by render_instructions."""
from __future__ import annotations

import pytest
from jinja2 import TemplateAssertionError, UndefinedError
from jinja2.sandbox import SecurityError

from engine.definitions.instructions import MAX_STEPS, render_bounded, render_instructions

DATA = {"items": list(range(1000)), "summary": "调解记录", "count": 3}

REFUSED = {
    # str and int methods that pad or build, though the filters that do so are gone
    "ljust": ("{{ ''.ljust(2 * 10 ** 9) }}", SecurityError),
    "rjust through a subscript": ("{{ ''['rjust'](10 ** 9) }}", SecurityError),
    "center method": ("{{ summary.center(10 ** 9) }}", SecurityError),
    "zfill": ("{{ '1'.zfill(10 ** 9) }}", SecurityError),
    "expandtabs": ("{{ '\t'.expandtabs(10 ** 9) }}", SecurityError),
    "format method": ("{{ '{:999999999}'.format(1) }}", SecurityError),
    "format_map method": ("{{ '{x:999999999}'.format_map({'x': 1}) }}", SecurityError),
    "join method": ("{{ ('x' * 1000).join(items|map('string')) }}", SecurityError),
    "replace method": ("{{ ('x' * 1000).replace('x', 'y' * 1000) }}", SecurityError),
    "translate method": ("{{ summary.translate({35843: 'x' * 99999}) }}", SecurityError),
    "encode": ("{{ summary.encode() }}", SecurityError),
    "to_bytes": ("{{ (1).to_bytes(10 ** 9, 'big') }}", SecurityError),
    "from_bytes": ("{{ count.from_bytes([255] * 10000, 'big') }}", SecurityError),
    # globals that generate or loop
    "lipsum": ("{{ lipsum(1000000) }}", UndefinedError),
    "range of a billion": ("{{ range(10 ** 9)|list }}", SecurityError),
    "range just too long": ("{% for i in range(1001) %}{% endfor %}", SecurityError),
    "nested loops that print nothing": (
        "{% for i in range(1000) %}{% for j in range(1000) %}{% endfor %}{% endfor %}", SecurityError),
    "nested loops over data": (
        "{% for a in items %}{% for b in items %}{% for c in items %}{% endfor %}{% endfor %}{% endfor %}",
        SecurityError),
    "loop that reads loop.length": (
        "{% for a in items %}{% for b in items %}{% if loop.length < 0 %}x{% endif %}{% endfor %}{% endfor %}",
        SecurityError),
    "recursive loop that prints nothing": (
        "{% for x in items recursive %}{% if loop.depth < 4 %}{{ loop(items) }}{% endif %}{% endfor %}",
        SecurityError),
    "macro recursion": (
        "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(40) }}",
        SecurityError),
    # integers
    "tower of powers": ("{{ 2 ** 100 ** 100 }}", SecurityError),
    "power of a power": ("{{ (2 ** 99) ** 99 }}", SecurityError),
    "huge exponent": ("{{ 10 ** 100000 }}", SecurityError),
    "squaring through a namespace": (
        "{% set ns = namespace(x=2) %}{% for i in range(100) %}{% set ns.x = ns.x * ns.x %}{% endfor %}",
        SecurityError),
    "floor division of a huge integer": ("{% set x = ('f' * 5000)|int(base=16) %}{{ x // 7 }}", SecurityError),
    "modulo of a huge integer": ("{% set x = ('f' * 5000)|int(base=16) %}{{ x % 7 }}", SecurityError),
    # text and lists built by doubling or repeating
    "repeat": ('{{ "x" * 100000000 }}', SecurityError),
    "printf width": ('{{ "%0999999999d" % 1 }}', SecurityError),
    "concatenation doubling": (
        "{% set ns = namespace(s='x') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
        SecurityError),
    "plus doubling": (
        "{% set ns = namespace(s='x') %}{% for i in range(40) %}{% set ns.s = ns.s + ns.s %}{% endfor %}",
        SecurityError),
    "list doubling": (
        "{% set ns = namespace(s=[1]) %}{% for i in range(40) %}{% set ns.s = ns.s + ns.s %}{% endfor %}",
        SecurityError),
    "join filter with a long separator": ("{{ items|join('x' * 10000) }}", SecurityError),
    "join filter by attribute": (
        "{% set ns = namespace(s='x' * 1000) %}{{ ([ns] * 1000)|join(attribute='s') }}", SecurityError),
    "replace filter": ("{{ ('x' * 1000)|replace('x', 'y' * 1000) }}", SecurityError),
    "round filter": ("{{ 7|round(-10 ** 9) }}", SecurityError),
    "sum of lists": ("{{ ([[0] * 1000] * 1000)|sum(start=[]) }}", SecurityError),
    # filters that pad, loop by an argument or match quadratically
    "center filter": ('{{ "x"|center(999999999) }}', TemplateAssertionError),
    "indent filter": ('{{ "x"|indent(999999999, true) }}', TemplateAssertionError),
    "format filter": ("{{ '%s'|format(1) }}", TemplateAssertionError),
    "wordwrap filter": ("{{ summary|wordwrap(1) }}", TemplateAssertionError),
    "slice filter": ("{{ [1]|slice(10 ** 9)|list }}", TemplateAssertionError),
    "batch filter": ("{{ [1]|batch(10 ** 9, 0)|list }}", TemplateAssertionError),
    "urlize filter": ("{{ (')' * 20000 ~ 'a)')|urlize }}", TemplateAssertionError),
    # case data stays as it is
    "append to data": ("{{ items.append(1) }}", SecurityError),
    "extend data": ("{{ items.extend(items) }}", SecurityError),
}


@pytest.mark.parametrize("source, error", REFUSED.values(), ids=REFUSED.keys())
def test_render_bounded_refuses(source, error):
    data = {**DATA, "items": list(DATA["items"])}
    with pytest.raises(error):
        render_bounded(source, data)
    assert data["items"] == DATA["items"]


@pytest.mark.parametrize("source, error", REFUSED.values(), ids=REFUSED.keys())
def test_render_instructions_shows_a_refused_template_unrendered_with_a_note(source, error):
    result = render_instructions(source, DATA)
    assert result.note is not None and error.__name__ in result.note


WORKS = {
    "data": ("{{ summary }}：{{ count }} 次", "调解记录：3 次"),
    "concatenation": ("{{ summary ~ '（' ~ count ~ '）' }}", "调解记录（3）"),
    "concatenation escapes": ("{{ '<b>' ~ summary }}", "&lt;b&gt;调解记录"),
    "loop with its variables": ("{% for i in range(3) %}{{ loop.index }}/{{ loop.length }}"
                                "{% if not loop.last %},{% endif %}{% endfor %}", "1/3,2/3,3/3"),
    "loop else": ("{% for i in [] %}x{% else %}无{% endfor %}", "无"),
    "a thousand numbers": ("{{ range(1000)|sum }}", "499500"),
    "join filter": ("{{ ['甲', '乙']|join('、') }}", "甲、乙"),
    "replace filter": ("{{ 'a-b-c'|replace('-', '+', 1) }}", "a+b-c"),
    "round filter": ("{{ 2.567|round(2) }} {{ 1234|round(-2) }}", "2.57 1200"),
    "sum filter": ("{{ [1, 2.5]|sum }}", "3.5"),
    "arithmetic": ("{{ 2 ** 10 }} {{ (2 ** 99) * 3 > 0 }} {{ 7 // 2 }} {{ 7 % 3 }} {{ [0] * 2 + [1] }}",
                   "1024 True 3 1 [0, 0, 1]"),
    "namespace counter": ("{% set ns = namespace(n=0) %}{% for i in items %}{% set ns.n = ns.n + i %}"
                          "{% endfor %}{{ ns.n }}", "499500"),
    "string methods that do not build": ("{{ 'Ab'.upper() }}{{ ' x '.strip() }}{{ 'a,b'.split(',')|length }}",
                                         "ABx2"),
    "macro": ("{% macro tag(x) %}[{{ x }}]{% endmacro %}{{ tag(summary) }}", "[调解记录]"),
    "recursive loop": ("{% for x in [{'n': 1, 'c': [{'n': 2}, {'n': 3, 'c': [{'n': 4}]}]}] recursive %}"
                       "{{ x.n }}{% if x.c %}({{ loop(x.c) }}){% endif %}{% endfor %}", "1(23(4))"),
}


@pytest.mark.parametrize("source, expected", WORKS.values(), ids=WORKS.keys())
def test_ordinary_templates_still_render(source, expected):
    assert render_bounded(source, DATA) == expected
    assert render_instructions(source, DATA).note is None


def test_the_step_budget_is_per_render():
    # 300 + 300 * 300 loop rounds and 301 calls: just under the budget, twice in a row.
    source = "{% for i in range(300) %}{% for j in range(300) %}{% endfor %}{% endfor %}done"
    assert 300 + 300 * 300 + 301 < MAX_STEPS
    assert render_bounded(source, {}) == "done"
    assert render_bounded(source, {}) == "done"


def test_render_bounded_of_nothing_is_empty_text():
    assert render_bounded("", {}) == ""
