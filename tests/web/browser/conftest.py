"""Browser tests: the built web app (web/dist) served by the real Flask app on the demo data,
driven by Playwright in Debian's Chromium, at desktop and phone (390x844) sizes.

One server per test module (a fresh SQLite file seeded exactly like `jiahe demo`), one
browser for the whole run, a fresh browser context (cookies, storage) for every page a test
opens. Locators are the ones a person uses (role, label, text: ../shared/UI.md's labels);
assertions wait for the page (expect), never sleep.
"""
from __future__ import annotations

import os
import re
import shutil
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

from tests.conftest import PROJECT_ROOT

try:
    from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright
except ImportError:  # a test dependency (setup.cfg); without it the fixtures skip, or fail in CI
    Browser = BrowserContext = Page = expect = sync_playwright = None

# JIAHE_WEB_DIST: a build elsewhere (`npx vite build --outDir DIR`), so that two people working
# on the pages at once do not rebuild each other's web/dist under a running test.
DIST = Path(os.environ.get("JIAHE_WEB_DIST") or PROJECT_ROOT / "web" / "dist")
AXE = PROJECT_ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
DEMO_PASSWORD = "jiahe-demo"

# Chromium as a root user in a container: no sandbox, no GPU, a small /dev/shm, and nothing
# that phones home (there is no network but the loopback here).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True, "has_touch": True}
# A page waits for its server, which shares two cores with the browser and the test.
EXPECT_TIMEOUT_MS = 10_000


def chromium_executable() -> str | None:
    for candidate in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


def _unavailable(reason: str):
    """Outside CI a machine without the browser skips these tests; in CI that is a failure."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: the browser tests must run; scripts/test installs Chromium as root)")
    pytest.skip(reason)


# -- the server --------------------------------------------------------------------------------

@dataclass
class LiveServer:
    base_url: str
    app: object

    @property
    def services(self):
        return self.app.extensions["jiahe"]


LIVE_SERVER_CONFIG = {
    "START_TIMER_WORKER": False, "RATELIMIT_STORAGE_URI": "memory://",
    "LOGIN_LIMIT_PER_SOURCE": "10000 per minute", "LOGIN_FAILURES_PER_SOURCE": "10000 per minute",
    "LOGIN_FAILURES_PER_USER": "10000 per minute", "LOGIN_FAILURES_PER_DEVICE": "10000 per minute",
    "PUBLIC_INTAKES_PER_HOUR": 10_000, "PUBLIC_LOOKUPS_PER_HOUR": 10_000,
}


@contextmanager
def _quick_passwords():
    # A low scrypt cost (stored in each hash, so logins follow it): the real one would spend
    # seconds on the demo's twenty users.
    from engine.store import org_repository

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(org_repository, "SCRYPT_N", 2**8)
        yield


def _app(store):
    from api import create_app

    return create_app({"JIAHE_PROJECT_ROOT": str(PROJECT_ROOT), "WEB_DIST": str(DIST), **LIVE_SERVER_CONFIG},
                      store=store)


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory, key_dir) -> Path:
    """A SQLite file seeded as `jiahe demo` seeds it, half-year of history included, made once
    per run: each module's server starts from a copy of it."""
    from engine.demo import seed_demo
    from tests.databases import sqlite_store

    path = tmp_path_factory.mktemp("demo-database") / "jiahe.sqlite3"
    with _quick_passwords():
        store = sqlite_store(path)
        try:
            services = _app(store).extensions["jiahe"]
            summary = seed_demo(services.runtime, services.store, PROJECT_ROOT, services.clock)
        finally:
            store.dispose()
    assert summary.history is not None and not summary.history.diverted, summary.history
    return path


@pytest.fixture(scope="module")
def live_server(tmp_path_factory, demo_database):
    """The app on its own copy of the demo database, served on a free loopback port by
    werkzeug in a thread."""
    from werkzeug.serving import make_server

    from tests.databases import sqlite_store

    if not (DIST / "index.html").is_file():
        pytest.fail("web/dist is not built: run `bash scripts/bootstrap`")
    path = tmp_path_factory.mktemp("live-server") / "jiahe.sqlite3"
    shutil.copyfile(demo_database, path)
    with _quick_passwords():
        store = sqlite_store(path)
        app = _app(store)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
        thread.start()
        try:
            yield LiveServer(f"http://127.0.0.1:{server.server_port}", app)
        finally:
            server.shutdown()
            thread.join(10)
            server.server_close()
            store.dispose()


# -- the browser -------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def playwright_driver():
    if sync_playwright is None:
        _unavailable("the playwright package is not installed (pip install -e '.[test]')")
    executable = chromium_executable()
    if executable is None:
        _unavailable("no Chromium at /usr/bin/chromium (Debian: apt-get install chromium fonts-noto-cjk)")
    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    with sync_playwright() as playwright:
        yield playwright, executable


@pytest.fixture(scope="session")
def browser(playwright_driver) -> Browser:
    playwright, executable = playwright_driver
    browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """Opens a page in a fresh context (its own cookies and storage): `new_page("phone")` for
    390x844 with touch, `new_page()` for a 1280x800 desktop; all closed after the test."""
    contexts: list[BrowserContext] = []

    def open_page(device: str = "desktop", **options) -> Page:
        size = PHONE if device == "phone" else DESKTOP
        # Reduced motion, as a person may ask her phone for: dialogs open at once, so a click
        # never lands on one still zooming in (the pages honour it: usePrefersReducedMotion).
        options = {"reduced_motion": "reduce", **options}
        context = browser.new_context(base_url=live_server.base_url, locale="zh-CN", timezone_id="Asia/Shanghai",
                                      **size, **options)
        context.set_default_timeout(EXPECT_TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def desktop(new_page) -> Page:
    return new_page("desktop")


@pytest.fixture
def phone(new_page) -> Page:
    return new_page("phone")


# -- helpers -----------------------------------------------------------------------------------

def log_in(page: Page, username: str, password: str = DEMO_PASSWORD, *, then: str = "/tasks") -> None:
    """Logs in through the login page, as a person does, and waits for the page she lands on
    (`then`: the page she was sent to log in from)."""
    if urlsplit(page.url).path != "/login":
        page.goto("/login" if then == "/tasks" else f"/login?next={quote(then)}")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(re.escape(then) + "$"))


def choose(page: Page, label: str, *path: str) -> None:
    """Picks an option in the Ant Design select, tree select or cascader labelled `label`:
    open it, click each option of `path` in turn (an option's title is its text), see the
    last one chosen."""
    select = page.locator(".ant-select").filter(has=page.get_by_role("combobox", name=label))
    select.click()  # the box, not its input, which the chosen value covers
    for option in path:
        page.get_by_title(option, exact=True).last.click()
    expect(select).to_contain_text(path[-1])


def type_date(page: Page, label: str, value: str) -> None:
    """An Ant Design date (or date and time) field: type it as it shows ("2026-03-04" or
    "2026-03-04 10:00:00"), Enter takes it."""
    field = page.get_by_label(label)
    field.click()
    field.fill(value)
    field.press("Enter")
    expect(field).to_have_value(value)


def api_call(live_server: LiveServer, method: str, path: str, body: dict | None = None, *, token: str | None = None,
             headers: dict | None = None) -> tuple[int, dict]:
    """A call to the API as another client would make it (bearer token, JSON)."""
    client = live_server.app.test_client()
    all_headers = {**({"Authorization": f"Bearer {token}"} if token else {}), **(headers or {})}
    response = client.open(path, method=method, json=body, headers=all_headers)
    return response.status_code, (response.get_json(silent=True) or {})


def api_token(live_server: LiveServer, username: str) -> str:
    status, body = api_call(live_server, "POST", "/api/v1/auth/login",
                            {"username": username, "password": DEMO_PASSWORD})
    assert status == 200, body
    return body["token"]


def demo_case(live_server: LiveServer, business_key: str):
    """The demo case with this business key ("demo:6"), as the runtime sees it."""
    from engine.store import repository as repo

    store = live_server.services.store
    with store.read() as session:
        row = repo.instance_by_business_key(session, business_key)
    assert row is not None, f"no demo case {business_key}"
    return live_server.services.runtime.instance(row.id)


def ready_task(live_server: LiveServer, business_key: str, name: str):
    for task in demo_case(live_server, business_key).tasks:
        if task.name == name and task.state == "ready":
            return task
    raise AssertionError(f"{business_key} has no ready task {name}")


def page_width(page: Page) -> int:
    """How wide the page's content is: wider than the viewport means sideways scrolling."""
    return page.evaluate("document.scrollingElement.scrollWidth")


# -- accessibility -----------------------------------------------------------------------------

SEVERE = ("serious", "critical")


def axe_violations(page: Page) -> list[dict]:
    """axe-core's violations on the page as it is now (WCAG 2.x A and AA rules and best practices).

    The script is evaluated through the DevTools protocol, which the page's Content Security
    Policy (scripts from its own origin only) does not govern, so the page is checked as served."""
    if not AXE.is_file():
        pytest.fail("web/node_modules/axe-core is missing: run `bash scripts/bootstrap`")
    # Colours are measured as drawn: first let fades and slides (not spinners) finish.
    page.wait_for_function("""() => document.getAnimations().every(
        (a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity)""")
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    result = page.evaluate("""async () => {
        const results = await axe.run(document, {resultTypes: ['violations']});
        return results.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary}))}));
    }""")
    return result


def describe_violations(where: str, violations: list[dict]) -> str:
    if not violations:
        return f"{where}: no axe violations"
    lines = [f"{where}: {len(violations)} axe violation(s)"]
    for v in violations:
        lines.append(f"  [{v['impact']}] {v['id']}: {v['help']} ({len(v['nodes'])} node(s))")
        for node in v["nodes"][:5]:
            lines.append(f"      {node['target']}: {(node['summary'] or '').splitlines()[-1].strip()[:160]}")
    return "\n".join(lines)
