"""The bounds on what a diagram may make the engine do, in one place: lint refuses what breaks
them statically, and the evaluation pool and the runtime stop what breaks them while a case runs.

Each can be changed for a deployment by the environment variable beside it; lint and the server
must then see the same value (both read it here).
"""
from __future__ import annotations

import os


def _positive(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{name} must be a number, not {raw!r}") from None
    if value <= 0:
        raise ValueError(f"{name} must be positive, not {raw!r}")
    return value


# Wall-clock seconds one script, condition, DMN cell, expression or instruction text may run.
SCRIPT_TIME_LIMIT_SECONDS = _positive("JIAHE_SCRIPT_TIME_LIMIT", 2.0)
# Address space of one evaluation process (MiB): what one C call inside a script may allocate.
SCRIPT_MEMORY_LIMIT_MB = int(_positive("JIAHE_SCRIPT_MEMORY_MB", 512))
# Instances a multi-instance activity may create (loopCardinality, or items of its collection).
MULTI_INSTANCE_MAX = int(_positive("JIAHE_MULTI_INSTANCE_MAX", 200))
# Characters of one DMN input or output cell: SpiffWorkflow's DMN engine rewrites each cell
# with a regular expression that is quadratic in its length.
DMN_CELL_MAX_CHARS = 1000
# Nesting of lists and dicts in case data (forms nest a few levels; a script could nest 10**5).
CASE_DATA_MAX_DEPTH = 64
# Size of the values one script leaves in case data, as JSON (bytes).
CASE_DATA_MAX_BYTES = 4 * 1024 * 1024
