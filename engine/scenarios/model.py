"""Scenario files: read, validate and turn into plain objects before anything runs.

A designer's typo should come back as "file, step, what is wrong", never as a traceback
halfway through a run, so every problem in a file is collected and reported together.

Which instance the steps act on: a scenario follows the instance it starts (its "main"
instance). `follow: PROCESS` switches to the newest instance of PROCESS that a message from
the followed instance started (e.g. the dispute case a care visit referred), and
`follow: main` switches back to the first one; every later step and the closing `expect`
block act on the followed instance, and each instance keeps its own place for
`expect_event`. `start_case` starts another instance without following it. `advance`
moves the clock for the whole run: every instance's timers fire, each at its own time.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import yaml

from engine.errors import JiaheError

DEFAULT_CLOCK = datetime(2026, 3, 2, 9, 0, tzinfo=timezone(timedelta(hours=8)))
STATUSES = ("running", "completed", "terminated", "suspended", "incident")

# verb -> (kind of its value, {extra key: kind})
VERBS: dict[str, tuple[str, dict[str, str]]] = {
    "complete": ("text", {"as": "text", "org_unit": "text", "data": "mapping"}),
    "advance": ("duration", {}),
    "expect_task": ("text", {"role": "text", "org_unit": "text"}),
    "expect_no_task": ("text", {}),
    "expect_event": ("text", {"data": "mapping"}),
    "expect_status": ("status", {}),
    "expect_data": ("mapping", {}),
    # beyond API.md: start a second case, e.g. the one whose message the scenario's case awaits
    "start_case": ("text", {"as": "text", "org_unit": "text", "channel": "text", "data": "mapping"}),
    # beyond API.md: act on an instance a message from the followed one started (or `main`)
    "follow": ("text", {}),
}
MAIN = "main"  # `follow: main`: back to the instance the scenario started
TOP_KEYS = {"name": "text", "process": "text", "org_unit": "text", "clock": "datetime",
            "start": "mapping", "steps": "list", "expect": "mapping", "profiles": "text_list"}
START_KEYS = {"channel": "text", "as": "text", "data": "mapping"}
EXPECT_KEYS = {"status": "status", "outcome": "scalar", "path_includes": "text_list",
               "path_excludes": "text_list", "events": "text_list", "data": "mapping"}

_DURATION = re.compile(r"P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?")


class ScenarioFileError(JiaheError):
    """The file cannot be run as written; `problems` lists every mistake found."""

    code = "invalid_scenario"

    def __init__(self, file: str, problems: list[str]):
        super().__init__(f"{file}: " + "; ".join(problems), file=file)
        self.file = file
        self.problems = problems


@dataclass(frozen=True)
class Start:
    channel: str | None = None
    actor_role: str | None = None
    data: dict = field(default_factory=dict)

    def case_data(self) -> dict:
        data = dict(self.data)
        if self.channel is not None:
            data["channel"] = self.channel
        return data


@dataclass(frozen=True)
class Step:
    index: int  # 1-based, as designers count
    verb: str
    value: Any
    options: dict = field(default_factory=dict)

    @property
    def role(self) -> str | None:
        return self.options.get("as", self.options.get("role"))

    @property
    def org_unit(self) -> str | None:
        return self.options.get("org_unit")

    @property
    def data(self) -> dict:
        return dict(self.options.get("data") or {})

    @property
    def label(self) -> str:
        return f"{self.verb}: {compact(self.value)}"


@dataclass(frozen=True)
class Expectations:
    status: str | None = None
    outcome: Any = None
    path_includes: list[str] = field(default_factory=list)
    path_excludes: list[str] = field(default_factory=list)
    events: list[str] = field(default_factory=list)
    data: dict = field(default_factory=dict)
    has_outcome: bool = False  # outcome may legitimately be expected to be None


@dataclass(frozen=True)
class Scenario:
    file: str
    name: str
    process: str
    org_unit: str | None
    clock: datetime
    start: Start
    steps: list[Step]
    expect: Expectations
    # The region profiles (processes/ladders/) a scenario of a laddered process holds under;
    # empty: every shipped profile (a path that does not depend on the ladder).
    profiles: list[str] = field(default_factory=list)


def compact(value: Any) -> str:
    """One short line for messages: mappings as {k: v}, not Python reprs."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {compact(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(compact(v) for v in value) + "]"
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    return str(value)


def to_timedelta(duration: str, start: datetime) -> timedelta:
    """The same arithmetic SpiffWorkflow's duration timers use, so P1M means what a timer means."""
    from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

    parsed = TimerEventDefinition.parse_iso_duration(duration)
    return TimerEventDefinition.get_timedelta_from_start(parsed, start)


# -- loading -------------------------------------------------------------------------------
class _TextDatesLoader(yaml.SafeLoader):
    """YAML without implicit timestamps: form data stays the JSON text the API would receive."""


_TextDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_scenario(path: str | Path) -> Scenario:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ScenarioFileError(path.name, [f"cannot be read ({exc.strerror or exc})"]) from None
    return parse_scenario(text, path.name)


def parse_scenario(text: str, file: str) -> Scenario:
    try:
        document = yaml.load(text, Loader=_TextDatesLoader)  # a SafeLoader: no arbitrary objects
    except yaml.YAMLError as exc:
        raise ScenarioFileError(file, [f"not valid YAML: {_yaml_problem(exc)}"]) from None
    problems: list[str] = []
    scenario = _build(document, file, problems)
    if problems:
        raise ScenarioFileError(file, problems)
    return scenario


def _yaml_problem(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    return f"{getattr(exc, 'problem', None) or exc}{where}"


# -- building ------------------------------------------------------------------------------
def _build(document: Any, file: str, problems: list[str]) -> Scenario | None:
    if not isinstance(document, dict):
        problems.append("the file must be a mapping with process, start, steps and expect"
                        if document is not None else "the file is empty")
        return None
    top = _checked(document, TOP_KEYS, "", problems)
    if "process" not in document:
        problems.append("'process' is required")
    steps = [_step(i, raw, problems) for i, raw in enumerate(top.get("steps") or [], start=1)]
    return Scenario(file=file, name=top.get("name") or Path(file).stem, process=top.get("process", ""),
                    org_unit=top.get("org_unit"), clock=top.get("clock") or DEFAULT_CLOCK,
                    start=_start(top.get("start") or {}, problems), steps=steps,
                    expect=_expect(top.get("expect") or {}, problems), profiles=list(top.get("profiles") or []))


def _start(raw: dict, problems: list[str]) -> Start:
    fields = _checked(raw, START_KEYS, "start: ", problems)
    return Start(channel=fields.get("channel"), actor_role=fields.get("as"), data=fields.get("data") or {})


def _expect(raw: dict, problems: list[str]) -> Expectations:
    fields = _checked(raw, EXPECT_KEYS, "expect: ", problems)
    return Expectations(status=fields.get("status"), outcome=fields.get("outcome"),
                        has_outcome="outcome" in fields,
                        path_includes=fields.get("path_includes") or [],
                        path_excludes=fields.get("path_excludes") or [],
                        events=fields.get("events") or [], data=fields.get("data") or {})


def _step(index: int, raw: Any, problems: list[str]) -> Step | None:
    where = f"step {index}: "
    if not isinstance(raw, dict):
        problems.append(f"{where}must be a mapping such as '- complete: TASK_ID', got {compact(raw)!r}")
        return None
    verbs = [key for key in raw if key in VERBS]
    if len(verbs) != 1:
        found = f"found {', '.join(verbs)}" if verbs else f"found only {', '.join(map(str, raw)) or 'nothing'}"
        problems.append(f"{where}needs exactly one of {', '.join(VERBS)}; {found}")
        return None
    verb = verbs[0]
    kind, extras = VERBS[verb]
    where = f"step {index} ({verb}): "
    options = _checked({k: v for k, v in raw.items() if k != verb}, extras, where, problems)
    problem = _kind_problem(kind, raw[verb])
    if problem:
        problems.append(f"{where}the value {problem}")
    return Step(index=index, verb=verb, value=raw[verb], options=options)


def _checked(raw: Any, allowed: dict[str, str], where: str, problems: list[str]) -> dict:
    """The keys of `raw` that are known and well typed; a problem for each that is not."""
    if not isinstance(raw, dict):
        problems.append(f"{where or 'the file '}must be a mapping, got {compact(raw)!r}")
        return {}
    good = {}
    for key, value in raw.items():
        if key not in allowed:
            problems.append(f"{where}unknown key '{key}' (known: {', '.join(allowed) or 'none'})")
            continue
        problem = _kind_problem(allowed[key], value)
        if problem:
            problems.append(f"{where}'{key}' {problem}")
        else:
            good[key] = _converted(allowed[key], value)
    return good


def _kind_problem(kind: str, value: Any) -> str | None:
    if kind == "text":
        return None if isinstance(value, str) and value.strip() else f"must be a non-empty text, got {value!r}"
    if kind == "mapping":
        return None if isinstance(value, dict) else f"must be a mapping, got {value!r}"
    if kind == "list":
        return None if isinstance(value, list) else f"must be a list, got {value!r}"
    if kind == "text_list":
        ok = isinstance(value, list) and all(isinstance(v, str) and v for v in value)
        return None if ok else f"must be a list of element ids, got {value!r}"
    if kind == "scalar":
        return None if not isinstance(value, (dict, list)) else f"must be a single value, got {value!r}"
    if kind == "status":
        return None if value in STATUSES else f"must be one of {', '.join(STATUSES)}, got {value!r}"
    if kind == "duration":
        ok = isinstance(value, str) and _DURATION.fullmatch(value.strip().upper())
        return None if ok else f"must be an ISO 8601 duration such as P2D or PT4H, got {value!r}"
    if kind == "datetime":
        return _datetime_problem(value)
    raise AssertionError(f"unknown kind {kind}")


def _datetime_problem(value: Any) -> str | None:
    try:
        when = datetime.fromisoformat(str(value))
    except ValueError:
        return f"must be an ISO 8601 date and time, got {value!r}"
    return None if when.tzinfo else f"needs a timezone (e.g. {value}+08:00)"


def _converted(kind: str, value: Any) -> Any:
    if kind == "datetime":
        return datetime.fromisoformat(str(value))
    if kind == "duration":
        return value.strip().upper()
    return value
