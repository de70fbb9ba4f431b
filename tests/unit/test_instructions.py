"""Instructions for end users: Jinja in a sandbox, never an error page."""
from __future__ import annotations

from engine.definitions.instructions import MAX_OUTPUT_CHARS, render_instructions


def rendered(source, data=None) -> str:
    result = render_instructions(source, data or {})
    assert result.note is None, result.note
    return result.text


def test_plain_text_is_returned_as_written():
    assert rendered("调解之前先筛查家庭暴力风险。") == "调解之前先筛查家庭暴力风险。"


def test_task_data_fills_the_template():
    data = {"risk_colour": "yellow", "parties": [{"name": "刘芳"}], "level": 2}
    text = "{{ parties[0].name }}：{{ risk_colour }}色风险，{% if level > 1 %}村级调解{% endif %}"
    assert rendered(text, data) == "刘芳：yellow色风险，村级调解"


def test_missing_values_render_as_nothing_even_when_nested():
    assert rendered("[{{ nothing }}][{{ nothing.deeper.still }}][{{ parties[3].name }}]", {"parties": []}) == "[][][]"


def test_values_are_html_escaped():
    assert rendered("{{ summary }}", {"summary": "<script>alert(1)</script>"}) == \
        "&lt;script&gt;alert(1)&lt;/script&gt;"


def test_a_broken_template_shows_the_raw_text_escaped_with_a_note():
    result = render_instructions("先筛查 {% if %} <b>", {})
    assert result.text == "先筛查 {% if %} &lt;b&gt;"
    assert "TemplateSyntaxError" in result.note


def test_an_error_while_rendering_shows_the_raw_text_with_a_note():
    result = render_instructions("{{ 1 / zero }}", {"zero": 0})
    assert result.text == "{{ 1 / zero }}" and "ZeroDivisionError" in result.note


def test_the_sandbox_hides_python_internals():
    assert rendered("{{ summary.__class__ }}{{ summary.upper.__globals__ }}", {"summary": "x"}) == ""
    result = render_instructions("{{ summary.__class__.__mro__[1].__subclasses__() }}", {"summary": "x"})
    assert result.text == "{{ summary.__class__.__mro__[1].__subclasses__() }}"
    assert "SecurityError" in result.note


def test_building_huge_values_is_refused():
    for source in ('{{ "x" * 100000000 }}', "{{ 10 ** 100000 }}", '{{ "%0999999999d" % 1 }}',
                   '{{ range(10**9) | list }}', '{{ "x" | center(999999999) }}'):
        result = render_instructions(source, {})
        assert result.note is not None and result.text == source.replace('"', "&#34;"), source


def test_small_arithmetic_still_works():
    assert rendered('{{ 2 ** 10 }} {{ 7 % 3 }} {{ "-" * 3 }} {{ [0] * 2 }}') == "1024 1 --- [0, 0]"


def test_long_output_is_cut_off():
    text = rendered("{% for i in range(50) %}{% for j in range(100) %}{{ filler }}{% endfor %}{% endfor %}",
                    {"filler": "0123456789"})
    assert len(text) == MAX_OUTPUT_CHARS + 1 and text.endswith("…")


def test_no_instructions_is_empty_text():
    assert render_instructions(None, {}).text == "" and render_instructions("", None).text == ""


def test_data_keys_that_are_not_names_do_not_break_rendering():
    assert rendered("{{ ok }}", {"ok": "好", "not a name": 1, 3: "x"}) == "好"


def test_case_data_cannot_be_let_through_unescaped_with_the_safe_filter():
    shown = render_instructions("{{ summary|safe }}", {"summary": "<img src=x onerror=alert(1)>"})
    assert "<img" not in shown.text and shown.note
