"""Browser tests of the admin console: the real embedded suite (``anjian run``) and Debian's Chromium.

One suite per test session (starting it seeds the demo data, ~15 s); a fresh browser context per
test. The browser tests skip when Chromium or the Python ``playwright`` package is missing.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from shared.testing.broker import free_port

#: Debian's Chromium; ANJIAN_CHROMIUM points elsewhere (or at nothing, to see the tests skip).
CHROMIUM = Path(os.environ.get("ANJIAN_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
BIN = Path(sys.executable).parent / "anjian"
ACCOUNTS = {
    "admin": "Anjian-admin-1",
    "officer": "Anjian-officer-1",
    "officer2": "Anjian-officer-2",
    "nanxun": "Anjian-nanxun-1",
}
#: Where screenshots go (ANJIAN_CONSOLE_SCREENSHOTS overrides; default: the session's temp folder).
SCREENSHOT_ENV = "ANJIAN_CONSOLE_SCREENSHOTS"


class Suite:
    """A running ``anjian run`` and an HTTP client for asking its APIs directly."""

    def __init__(self, proc: subprocess.Popen, base: str, log: Path) -> None:
        self.proc, self.base, self.log = proc, base, log
        self._tokens: dict[str, str] = {}

    def token(self, user: str) -> str:
        if user not in self._tokens:
            r = httpx.post(f"{self.base}/auth/v1/token", data={"username": user, "password": ACCOUNTS[user]})
            r.raise_for_status()
            self._tokens[user] = r.json()["access_token"]
        return self._tokens[user]

    def api(self, user: str) -> httpx.Client:
        return httpx.Client(base_url=self.base, headers={"Authorization": f"Bearer {self.token(user)}"}, timeout=30)


def _wait_ready(url: str, proc: subprocess.Popen, log: Path, timeout: float = 180) -> None:
    deadline = time.time() + timeout
    while True:
        if proc.poll() is not None:
            raise AssertionError(f"anjian exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.time() > deadline:
            raise AssertionError(f"{url} not ready after {timeout} s:\n{log.read_text()[-3000:]}")
        time.sleep(0.2)


@pytest.fixture(scope="session")
def suite(tmp_path_factory) -> Iterator[Suite]:
    """``anjian run`` on a free port with a fresh data folder and the demo data."""
    folder = tmp_path_factory.mktemp("console-suite")
    port = free_port()
    log = folder / "anjian.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANJIAN_", "KAFKA_"))}
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(BIN), "run", "--port", str(port), "--data-dir", str(folder / "data")],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
    running = Suite(proc, f"http://127.0.0.1:{port}", log)
    try:
        _wait_ready(f"{running.base}/health", proc, log)
        yield running
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright (no ``playwright install``); skips without either.

    Module-scoped on purpose: Playwright's sync API runs an event loop in the main thread while it
    is open, and the async tests of later modules need that thread's loop slot free again.
    """
    if shutil.which(str(CHROMIUM)) is None:
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium fonts-noto-cjk)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


class Console:
    """One browser tab on the console, with what the page logged."""

    def __init__(self, page, base: str) -> None:
        self.page, self.base = page, base
        self.errors: list[str] = []  # console errors and uncaught exceptions
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))

    def _on_console(self, msg) -> None:
        if msg.type == "error":
            self.errors.append(f"console.error: {msg.text}")

    def unexpected_errors(self) -> list[str]:
        """Errors other than the browser's own note of a 4xx answer the test provoked on purpose."""
        return [e for e in self.errors if "the server responded with a status of 4" not in e]

    def goto(self, route: str) -> None:
        self.page.goto(f"{self.base}/console/#{route}")

    def sign_in(self, user: str) -> None:
        page = self.page
        page.goto(f"{self.base}/")
        page.fill("#f-username", user)
        page.fill("#f-password", ACCOUNTS[user])
        page.click("form button[type=submit]")
        page.wait_for_selector(".shell #user-name")

    def token(self) -> str:
        return self.page.evaluate("sessionStorage.getItem('anjian.console.token')")


@pytest.fixture
def console(browser, suite) -> Iterator[Console]:
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(15_000)
    page = context.new_page()
    tab = Console(page, suite.base)
    try:
        yield tab
    finally:
        context.close()
    assert not tab.unexpected_errors(), "the page logged errors:\n" + "\n".join(tab.unexpected_errors())


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory) -> Path:
    path = Path(os.environ.get(SCREENSHOT_ENV) or tmp_path_factory.mktemp("console-screenshots"))
    path.mkdir(parents=True, exist_ok=True)
    return path
