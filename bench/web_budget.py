"""Front-end budgets, measured in Debian's Chromium against `jiahe demo` (a subprocess on a
fresh SQLite file in a temporary folder, the built pages of web/dist, a free loopback port).

(a) What a phone (390x844, touch) downloads before the task list is usable: a logged-in
    grid worker opens /tasks in a fresh browser context (empty cache); every script and
    stylesheet response Chromium receives until the tabs show their counts and the list its
    rows is summed, raw and gzipped here (level 9, as
    `npm run bundle-report` does; the server sends the build's own gzip copies to browsers
    that accept gzip, and the Content-Encoding it used is printed). Budget: 350 KB gzipped.
(b) From navigation to an interactive task form: page.goto(/tasks/{id}) of the grid worker's
    mediation task (demo case 6) until the form's first input is enabled and 提交 is visible,
    timed inside the page (performance.now(), from navigation start; checked every animation
    frame) and by the wall clock around goto. Cold: a fresh context (empty cache) per run;
    warm: one context, the app's files cached. Median of --runs. Budget: 1 s.
(c) The diagram code (bpmn-js, diagram-js: chunks of web/dist/assets that hold them) is not
    requested on /tasks; as a check that the detection works, the case page (/cases/{id}),
    which draws the diagram, is loaded too and what it requested is printed.

Prints the figures and their ratios to the budgets; the last line is `ratio=<worst ratio>`
(the larger of (a) and (b) cold, each figure / its budget: <= 1.0 is within budget). Nothing
is asserted: the machine may be busy, so run it more than once and read the figures.

    .venv/bin/python bench/web_budget.py [--runs 7] [--chromium /usr/bin/chromium]
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "web" / "dist"
PASSWORD = "jiahe-demo"
USER = "grid_a1"
BUDGET_KB = 350.0
BUDGET_FORM_S = 1.0
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True, "has_touch": True}
# Text that only the diagram libraries' code holds: diagram-js's canvas class, bpmn-js's
# bpmn.io link, the BPMN model's root element.
DIAGRAM_MARKERS = (b"djs-container", b"bjs-powered-by", b"bpmn:Definitions")
TIMEOUT_MS = 30_000

# The task form is interactive: its first input enabled and 提交 on screen. Returns the time
# since navigation start (performance.now()) when it is, false before.
FORM_READY = """() => {
    const submit = [...document.querySelectorAll('button')]
        .find((b) => b.textContent.trim() === '提交' && b.getClientRects().length > 0);
    const form = submit && submit.closest('form');
    const first = form && form.querySelector('input:not([type=hidden]), textarea, select');
    return first && !first.disabled && !submit.disabled ? performance.now() : false;
}"""


# -- the demo server -----------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class DemoServer:
    """`jiahe demo` on a fresh SQLite file and key folder in `scratch`, on a free port."""

    def __init__(self, scratch: Path):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.output = scratch / "demo.out"
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env.update(JIAHE_DB_PATH=str(scratch / "demo.sqlite3"), JIAHE_KEY_DIR=str(scratch / "keys"),
                   JIAHE_PROJECT_ROOT=str(ROOT), PYTHONUNBUFFERED="1")
        jiahe = Path(sys.executable).with_name("jiahe")
        command = [str(jiahe)] if jiahe.exists() else [sys.executable, "-m", "api.cli"]
        with self.output.open("wb") as sink:
            self.process = subprocess.Popen([*command, "demo", "--port", str(self.port)], cwd=ROOT, env=env,
                                            stdout=sink, stderr=subprocess.STDOUT)

    def wait_until_healthy(self, seconds: float = 120) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"jiahe demo exited:\n{self.output.read_text('utf-8', 'replace')}")
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        raise SystemExit(f"jiahe demo did not answer in {seconds:g} s:\n{self.output.read_text('utf-8', 'replace')}")

    def call(self, path: str, body: dict | None = None, token: str | None = None) -> dict:
        headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, headers=headers)
        with urllib.request.urlopen(request, timeout=30) as answer:
            return json.loads(answer.read())

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(15)


# -- what a page downloads -----------------------------------------------------------------------

@dataclass
class Download:
    url: str
    kind: str
    raw: int
    gzipped: int
    encoding: str

    @property
    def name(self) -> str:
        return self.url.rsplit("/", 1)[-1]


@dataclass
class NetworkLog:
    downloads: list[Download] = field(default_factory=list)
    requested: list[str] = field(default_factory=list)

    def listen(self, page) -> None:
        page.on("request", lambda request: self.requested.append(request.url))
        page.on("response", self._received)

    def _received(self, response) -> None:
        kind = response.request.resource_type
        if kind not in ("script", "stylesheet") or response.status != 200:
            return
        body = response.body()  # as Chromium decoded it; Content-Encoding says how it travelled
        self.downloads.append(Download(response.url, kind, len(body), len(gzip.compress(body, 9)),
                                       response.headers.get("content-encoding", "none")))

    def total(self, attribute: str, kind: str | None = None) -> int:
        return sum(getattr(d, attribute) for d in self.downloads if kind in (None, d.kind))


def diagram_files() -> set[str]:
    """The built files that hold diagram code (bpmn-js, diagram-js)."""
    return {path.name for path in sorted((DIST / "assets").glob("*.[jc]s*"))
            if any(marker in path.read_bytes() for marker in DIAGRAM_MARKERS)}


def kb(size: int) -> str:
    return f"{size / 1024:.1f} KB"


# -- the measurements ----------------------------------------------------------------------------

def logged_in_state(browser, base: str) -> dict:
    """The cookies of a web session of USER, logged in through the login page."""
    context = browser.new_context(base_url=base, locale="zh-CN", **PHONE)
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("用户名").fill(USER)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/tasks")
    state = context.storage_state()
    context.close()
    return state


def task_list_downloads(browser, base: str, state: dict) -> tuple[NetworkLog, list[str], float]:
    """(a) and (c): /tasks in an empty cache, until the list is usable."""
    from playwright.sync_api import expect

    context = browser.new_context(base_url=base, locale="zh-CN", storage_state=state, **PHONE)
    page = context.new_page()
    log = NetworkLog()
    log.listen(page)
    started = time.perf_counter()
    page.goto("/tasks", wait_until="commit")
    expect(page.get_by_role("tab", name="我的待办")).to_contain_text("0", timeout=TIMEOUT_MS)
    page.get_by_role("tab", name="待认领").click()
    expect(page.get_by_role("link", name="网格员现场调解").first).to_be_visible(timeout=TIMEOUT_MS)
    usable = time.perf_counter() - started
    before_usable = NetworkLog(list(log.downloads), list(log.requested))
    page.wait_for_load_state("networkidle")
    late = [url for url in log.requested if url not in before_usable.requested]
    context.close()
    return before_usable, late, usable


def case_page_requests(browser, base: str, state: dict, case_id: str) -> list[str]:
    """(c), the other way round: what the case page, which draws the diagram, requests."""
    context = browser.new_context(base_url=base, locale="zh-CN", storage_state=state, **PHONE)
    page = context.new_page()
    log = NetworkLog()
    log.listen(page)
    page.goto(f"/cases/{case_id}")
    page.wait_for_load_state("networkidle")
    context.close()
    return log.requested


def form_ready_times(browser, base: str, state: dict, task_id: str, runs: int, *, cold: bool) -> list[tuple[float, float]]:
    """(b): (in-page ms since navigation start, wall-clock s around goto) per run."""
    times = []
    context = None
    for run in range(runs + (0 if cold else 1)):
        if context is None or cold:
            if context is not None:
                context.close()
            context = browser.new_context(base_url=base, locale="zh-CN", storage_state=state, **PHONE)
            page = context.new_page()
        started = time.perf_counter()
        page.goto(f"/tasks/{task_id}", wait_until="commit")
        in_page = page.wait_for_function(FORM_READY, polling="raf", timeout=TIMEOUT_MS).json_value()
        wall = time.perf_counter() - started
        if cold or run > 0:  # warm: the first visit only fills the cache
            times.append((in_page, wall))
        page.goto("about:blank")
    context.close()
    return times


# -- report --------------------------------------------------------------------------------------

def report_downloads(log: NetworkLog, late: list[str], usable: float) -> float:
    print(f"(a) /tasks on a phone (390x844, empty cache), usable after {usable * 1000:.0f} ms wall clock; "
          f"scripts and stylesheets downloaded before:")
    for d in sorted(log.downloads, key=lambda d: -d.gzipped):
        print(f"    {d.kind:<10} {d.name:<40} {kb(d.raw):>10} raw {kb(d.gzipped):>9} gzipped  "
              f"(served with Content-Encoding: {d.encoding})")
    for kind in ("script", "stylesheet"):
        print(f"    {kind + 's':<11} {kb(log.total('raw', kind)):>10} raw {kb(log.total('gzipped', kind)):>9} gzipped")
    raw, gzipped = log.total("raw"), log.total("gzipped")
    ratio = gzipped / 1024 / BUDGET_KB
    print(f"(a) JS+CSS before the task list is usable: {kb(raw)} raw, {kb(gzipped)} gzipped; "
          f"budget {BUDGET_KB:.0f} KB gzipped: {ratio:.2f} of it")
    late_assets = [url.rsplit('/', 1)[-1] for url in late if "/assets/" in url]
    print(f"    requested after it was usable: {', '.join(late_assets) or 'no script or stylesheet'}")
    return ratio


def report_form(cold: list[tuple[float, float]], warm: list[tuple[float, float]]) -> float:
    ratios = []
    for name, times in (("cold (empty cache)", cold), ("warm (files cached)", warm)):
        in_page = [t[0] for t in times]
        wall = [t[1] * 1000 for t in times]
        median = statistics.median(in_page)
        ratios.append(median / 1000 / BUDGET_FORM_S)
        print(f"(b) task form interactive, {name}, {len(times)} runs: median {median:.0f} ms from navigation start "
              f"(min {min(in_page):.0f}, max {max(in_page):.0f}); wall clock around goto median "
              f"{statistics.median(wall):.0f} ms; budget {BUDGET_FORM_S * 1000:.0f} ms: {ratios[-1]:.2f} of it")
    return ratios[0]


def report_diagram(log: NetworkLog, case_requests: list[str], diagram: set[str]) -> None:
    print(f"(c) diagram code in the build: {', '.join(sorted(diagram)) or 'none (no page draws a diagram yet)'}")
    on_tasks = sorted({url.rsplit('/', 1)[-1] for url in log.requested} & diagram)
    on_case = sorted({url.rsplit('/', 1)[-1] for url in case_requests} & diagram)
    print(f"(c) diagram chunks requested on /tasks: {', '.join(on_tasks) or 'none'} "
          f"({'NOT within budget: the task list loads diagram code' if on_tasks else 'as intended'})")
    print(f"(c) diagram chunks requested on /cases/<id> (the page that draws it): {', '.join(on_case) or 'none'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="runs of (b), cold and warm each")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    if not (DIST / "index.html").is_file():
        raise SystemExit("web/dist is not built: run `bash scripts/bootstrap`")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="jiahe-web-budget-") as scratch:
        server = DemoServer(Path(scratch))
        try:
            server.wait_until_healthy()
            token = server.call("/api/v1/auth/login", {"username": USER, "password": PASSWORD})["token"]
            offered = server.call("/api/v1/tasks?scope=group&per_page=100", token=token)["items"]
            task = next(t for t in offered if t["name"] == "mediate" and t["role"] == "grid_worker")
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
                print(f"jiahe demo at {server.base}, Chromium {browser.version}, user {USER} on a 390x844 phone; "
                      f"task {task['title']} of {task['case_no']}")
                state = logged_in_state(browser, server.base)
                log, late, usable = task_list_downloads(browser, server.base, state)
                case_requests = case_page_requests(browser, server.base, state, task["case_id"])
                cold = form_ready_times(browser, server.base, state, task["id"], args.runs, cold=True)
                warm = form_ready_times(browser, server.base, state, task["id"], args.runs, cold=False)
                browser.close()
        finally:
            server.stop()
    ratio_js = report_downloads(log, late, usable)
    ratio_form = report_form(cold, warm)
    report_diagram(log, case_requests, diagram_files())
    print(f"ratio_js={ratio_js:.2f}")
    print(f"ratio_form={ratio_form:.2f}")
    print(f"ratio={max(ratio_js, ratio_form):.2f}")


if __name__ == "__main__":
    main()
