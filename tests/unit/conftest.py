from __future__ import annotations

import pytest

from engine.lint.diagram import diagram_interchange
from engine.lint.rules import RULES


@pytest.fixture(autouse=True)
def _lint_fixtures_are_drawn_by_hand(request):
    """The lint fixtures are small hand-written files without diagram interchange; each
    would otherwise carry a diagram-missing warning. The diagram rule has its own tests.
    RULES is changed in place because tests also import it by name."""
    module = request.module.__name__
    if ".test_lint" not in module or module.endswith("test_lint_diagram"):
        yield
        return
    original = list(RULES)
    RULES[:] = [rule for rule in original if rule is not diagram_interchange]
    try:
        yield
    finally:
        RULES[:] = original
