"""Browser tests of the web client (web/): Playwright for Python driving the machine's Chromium (Debian's
``chromium`` package, installed by .ci/run; never a browser downloaded by Playwright), headless, against a local
gateway on free ports that serves the API, the WebSocket API and the web client on three origins, as `make dev`
does.

Every page is checked with axe-core (the npm package pinned in tests/web/package-lock.json, installed with
``npm ci`` into tests/web/node_modules the first time): no serious or critical violation. Every step leaves a
screenshot under reports/web/ for a person to look at after CI. A content security policy violation or an
uncaught error in the page fails the test.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from local.seed import DEMO_PASSWORD, DEMO_STAFF
from local.template import ROOT
from tests.e2e.conftest import Caller, Gateway, log_in, start_gateway
from tests.support import npm_ci_once

pytestmark = pytest.mark.xdist_group("browser")

WEB_TESTS = ROOT / "tests" / "web"
SHOTS = ROOT / "reports" / "web"
CHROMIUM_CANDIDATES = ("/usr/lib/chromium/chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def chromium_path() -> str | None:
    """Debian's Chromium binary (CHROMIUM_PATH overrides): the package's /usr/bin/chromium is a shell wrapper, so the
    real executable in /usr/lib/chromium comes first."""
    for candidate in (os.environ.get("CHROMIUM_PATH"), *CHROMIUM_CANDIDATES, shutil.which("chromium")):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def _missing(what: str) -> None:
    if os.environ.get("CI"):  # .ci/run installs Chromium and Node.js: in CI a missing one is a failure
        pytest.fail(what)
    pytest.skip(what)


@dataclass
class WebStack:
    """A local gateway with its web client: the API, the page's origin, the demo accounts."""

    gateway: Gateway
    web_url: str
    api: httpx.Client

    @property
    def api_url(self) -> str:
        return self.gateway.url

    def staff(self) -> Caller:
        return log_in(self.api, DEMO_STAFF.email, DEMO_PASSWORD)


@pytest.fixture(scope="session")
def web_stack() -> Iterator[WebStack]:
    gateway, stop = start_gateway("--web-port", "0")
    try:
        line = next(line for line in gateway.banner if "Web client" in line)
        found = re.search(r"http://\S+", line)
        assert found is not None, line
        with httpx.Client(base_url=gateway.url, timeout=30) as api:
            yield WebStack(gateway, found.group(0), api)
    finally:
        stop()


@pytest.fixture(scope="session")
def axe_source(tmp_path_factory: pytest.TempPathFactory) -> str:
    """axe-core's script, from the npm package pinned in tests/web/package-lock.json (installed once for all
    workers)."""
    script = WEB_TESTS / "node_modules" / "axe-core" / "axe.min.js"
    if not script.is_file():
        npm = shutil.which("npm")
        if npm is None:
            _missing("npm is not installed: axe-core cannot be installed")
        npm_ci_once(WEB_TESTS, script, str(npm), tmp_path_factory.getbasetemp().parent)
    return script.read_text(encoding="utf-8")


# Per module, not per session: Playwright's sync API keeps an event loop running on the main thread while it is
# open, and a later test on the same worker that calls asyncio.run() (the WebSocket and usage-plan tests) would fail.
@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = chromium_path()
    if executable is None:
        _missing("Chromium is not installed (apt-get install chromium): the browser tests cannot run")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, headless=True)
        try:
            yield launched
        finally:
            launched.close()


@dataclass
class Tab:
    """One person's browser tab (its own context: its own sessionStorage) with the checks every step makes."""

    page: Any
    name: str
    axe: str
    problems: list[str] = field(default_factory=list)
    shots: int = 0

    def open(self, web_url: str, route: str = "#/") -> None:
        self.page.goto(web_url + route)
        self.wait_for(route)

    def go(self, route: str) -> None:
        self.page.evaluate("route => { location.hash = route; }", route)
        self.wait_for(route)

    def wait_for(self, route: str) -> None:
        """Until the view of ``route`` (``#/path?query``) has rendered."""
        path = route.removeprefix("#").split("?", 1)[0] or "/"
        self.page.wait_for_selector(f'main[data-ready="{path}"]')

    def step(self, label: str) -> None:
        """A screenshot of this step under reports/web/, and axe-core's verdict on the page as it is now."""
        self.shots += 1
        SHOTS.mkdir(parents=True, exist_ok=True)
        slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
        self.page.screenshot(path=str(SHOTS / f"{self.name}-{self.shots:02d}-{slug}.png"), full_page=True)
        self.check_accessibility(label)
        assert not self.problems, f"{label}: the page reported {self.problems}"

    def check_accessibility(self, label: str) -> None:
        # evaluated through the DevTools protocol, which the page's CSP does not govern (an injected <script> would
        # be refused by script-src 'self', as it should be)
        if not self.page.evaluate("() => typeof window.axe === 'object'"):
            self.page.evaluate(self.axe)
        result = self.page.evaluate(
            """async () => {
                const r = await axe.run(document, {resultTypes: ["violations"]});
                return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                               nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
            }"""
        )
        serious = [v for v in result if v["impact"] in ("serious", "critical")]
        assert not serious, f"{label}: axe-core found {serious}"


@pytest.fixture
def tabs(browser: Any, axe_source: str, request: pytest.FixtureRequest) -> Iterator[Any]:
    """Make tabs: ``tabs("customer")``, ``tabs("staff", viewport=PHONE)``; each in a context of its own."""
    contexts: list[Any] = []
    test_name = request.node.name.removeprefix("test_")

    def make(name: str, viewport: dict[str, int] | None = None) -> Tab:
        context = browser.new_context(viewport=viewport or DESKTOP)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        tab = Tab(page, f"{test_name}-{name}", axe_source)

        def on_console(message: Any) -> None:
            if message.type == "error" and "Content Security Policy" in message.text:
                tab.problems.append(message.text)

        page.on("console", on_console)
        page.on("pageerror", lambda error: tab.problems.append(f"uncaught: {error}"))
        return tab

    try:
        yield make
    finally:
        for context in contexts:
            context.close()


def sign_in(tab: Tab, email: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the page's form."""
    tab.go("#/signin")
    tab.page.fill("#f-email", email)
    tab.page.fill("#f-password", password)
    tab.page.click("form button[type=submit]")
    tab.page.wait_for_selector("#sign-out")
    tab.page.wait_for_selector("main[data-ready]:not([data-ready='/signin'])")


def sign_up(tab: Tab, email: str, password: str, name: str = "Web Customer") -> None:
    """Sign up through the page's form (the local stack confirms at once, and the page signs in)."""
    tab.go("#/signup")
    tab.page.get_by_label("Name").fill(name)
    tab.page.get_by_label("E-mail").fill(email)
    tab.page.get_by_label("Password").fill(password)
    tab.page.get_by_role("button", name="Sign up").click()
    tab.page.wait_for_selector("#sign-out")
    tab.page.wait_for_selector("main[data-ready]:not([data-ready='/signup'])")
