"""Browser-test harness: a real `streamlit run` server and headless Debian Chromium.

Fixtures:
- ``app_url``: base URL of one server shared by the session's browser tests.
- ``fresh_app_url``: a server of its own, for tests that must be its first visitor.
- ``page``: a new Playwright page (1400x1000) per test, in a shared browser.

Helper fixtures (request them by name; each returns a function):
``wait_for_app(page, live=False)`` waits until the app is connected and its script idle;
``click_and_wait(page, locator, live=False)`` clicks and waits for the rerun it starts.
The idle signal is the ``data-test-script-state`` attribute Streamlit keeps on the
``[data-testid='stApp']`` element ("initial" -> "running" -> "notRunning"), with
``data-test-connection-state="CONNECTED"``. A page that trains live (a fragment with
``run_every``) stays "running" while it trains: use ``live=True`` there, which also
accepts a running script once no element is stale (``data-stale``).
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from tools.local_server import CHROMIUM, CHROMIUM_ARGS, start_server, stop_server

IDLE_TIMEOUT_MS = 120_000

# Counts script runs started and finished in the page, so a test can wait for the rerun
# its click starts (MutationObserver sees every change, however short the run).
COUNT_RUNS_JS = """
window.__stRuns = {started: 0, done: 0};
new MutationObserver((changes) => {
  for (const c of changes) {
    if (!c.target.dataset || c.target.dataset.testid !== 'stApp') continue;
    const state = c.target.getAttribute('data-test-script-state');
    if (state === 'running') window.__stRuns.started++;
    if (state === 'notRunning') window.__stRuns.done++;
  }
}).observe(document, {attributes: true, subtree: true, attributeFilter: ['data-test-script-state']});
"""

# True once the app is connected and idle; with live, also while it runs but shows a page
# with no stale elements (a page training in st.fragment(run_every) never goes idle).
APP_READY_JS = """
(live) => {
  const app = document.querySelector("[data-testid='stApp']");
  if (!app || app.getAttribute('data-test-connection-state') !== 'CONNECTED') return false;
  const state = app.getAttribute('data-test-script-state');
  if (state === 'notRunning') return true;
  if (!live || state !== 'running') return false;
  const main = document.querySelector("[data-testid='stMain']");
  return !!main && !!main.querySelector("[data-stale='false']") && !main.querySelector("[data-stale='true']");
}
"""


def pytest_collection_modifyitems(config, items):
    """Everything in this folder is a browser test; skip it only off CI without Chromium."""
    here = Path(__file__).parent
    skip = None
    if not Path(CHROMIUM).exists() and not os.environ.get("CI"):
        skip = pytest.mark.skip(reason=f"{CHROMIUM} missing (apt-get install -y chromium); runs in CI")
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)
            if skip:
                item.add_marker(skip)


@pytest.fixture(scope="session")
def app_url():
    """Base URL of the session's shared server."""
    proc, url = start_server()
    yield url
    stop_server(proc)


@pytest.fixture
def fresh_app_url():
    """Base URL of a server no browser has visited yet (for first-visit behaviour)."""
    proc, url = start_server()
    yield url
    stop_server(proc)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh page in a fresh context (no shared cookies or storage) per test."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_init_script(COUNT_RUNS_JS)
    page = context.new_page()
    page.set_default_timeout(IDLE_TIMEOUT_MS)
    yield page
    context.close()


def _wait_for_app(page, timeout_ms: int = IDLE_TIMEOUT_MS, live: bool = False) -> None:
    """Wait until the app is connected and its script idle.

    A page that trains live never goes idle while training: pass ``live=True`` to accept a
    running script once the page shows no stale elements, then wait for the element you
    assert on (the page may still be drawing).
    """
    page.wait_for_function(APP_READY_JS, arg=live, timeout=timeout_ms)


def _click_and_wait(page, locator, timeout_ms: int = IDLE_TIMEOUT_MS, live: bool = False) -> None:
    """Click ``locator``, wait for the script run the click starts, then as ``_wait_for_app``."""
    before = page.evaluate("window.__stRuns")
    locator.click()
    page.wait_for_function(
        "(b) => window.__stRuns.started > b.started || window.__stRuns.done > b.done",
        arg=before, timeout=timeout_ms)
    _wait_for_app(page, timeout_ms, live)


@pytest.fixture
def wait_for_app():
    """The helper ``wait_for_app(page, timeout_ms=60_000, live=False)``: connected and script idle."""
    return _wait_for_app


@pytest.fixture
def click_and_wait():
    """The helper ``click_and_wait(page, locator, timeout_ms=60_000, live=False)``: click, wait for the rerun."""
    return _click_and_wait
