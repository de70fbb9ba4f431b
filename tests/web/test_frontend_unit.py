"""The web app's unit tests (Vitest): api error parsing, field errors at their fields,
drafts kept offline, deadlines, risk colours, the locale files."""
from __future__ import annotations


def test_the_web_apps_unit_tests_pass(run_in_web):
    result = run_in_web("npm", "test", "--", "--run", "--reporter=dot")
    assert result.returncode == 0, f"npm test failed in web/:\n{result.stdout[-8000:]}\n{result.stderr[-4000:]}"


def test_the_web_app_type_checks_and_lints_clean(run_in_web):
    result = run_in_web("npm", "run", "--silent", "check")
    assert result.returncode == 0, f"npm run check failed in web/:\n{result.stdout[-8000:]}\n{result.stderr[-4000:]}"
