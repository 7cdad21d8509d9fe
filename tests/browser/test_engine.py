"""The training engine seen from browsers: a closed tab frees its run; dead trainers are recovered from.

One server of its own per test (short disconnected-session TTL, so a closed tab's session ends
within seconds). The train page's last line reports the server's trainers and the runs they
hold; the tests read it. Every wait is on a condition, with a generous bound.
"""
import re
import signal
import subprocess
import time

import pytest

from tools.local_server import start_server, stop_server

BOUND_S = 120
SETTINGS = "arch=gru&task=adding&seq_len=20&hidden=16"
ERRORS = "[data-testid='stException']"


@pytest.fixture
def short_ttl_url():
    proc, url = start_server(options=("--server.disconnectedSessionTTL", "2"))
    yield proc, url
    stop_server(proc)


def held_runs(page) -> int | None:
    """The number of runs the server holds, from the train page's last line."""
    text = " ".join(page.locator("[data-testid='stCaptionContainer']").all_inner_texts())
    found = re.search(r"(\d+) runs held", text)
    return int(found.group(1)) if found else None


def open_train(browser, url, seed):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.set_default_timeout(BOUND_S * 1000)
    page.goto(f"{url}/train?{SETTINGS}&seed={seed}")
    page.get_by_text("runs held").wait_for()
    return context, page


def rerun_until(page, condition, what):
    """Press Step (a full rerun that redraws the server line) until ``condition(page)`` holds."""
    deadline = time.monotonic() + BOUND_S
    while not condition(page):
        assert time.monotonic() < deadline, f"{what} within {BOUND_S} s"
        page.get_by_role("button", name="Step").first.click()
        page.wait_for_timeout(500)       # the poll interval of this wait, not a timing assumption


def test_a_closed_tab_frees_its_run(browser, short_ttl_url):
    _, url = short_ttl_url
    first, first_page = open_train(browser, url, 0)
    second, page = open_train(browser, url, 1)
    try:
        rerun_until(page, lambda p: held_runs(p) == 2, "both sessions' runs were not held")
        first_page.get_by_role("button", name="Start").first.click()
        first.close()                                             # the tab goes while its run trains
        rerun_until(page, lambda p: held_runs(p) == 1, "the closed tab's run was not freed")
        assert page.locator(ERRORS).count() == 0
    finally:
        second.close()


def test_dead_trainers_cost_a_message_and_a_reset(browser, short_ttl_url):
    proc, url = short_ttl_url
    context, page = open_train(browser, url, 0)
    try:
        page.get_by_role("button", name="Start").first.click()
        page.get_by_role("button", name="Pause").first.wait_for()
        workers = subprocess.run(["pgrep", "-P", str(proc.pid), "-f", "spawn_main"], capture_output=True, text=True).stdout.split()
        assert workers, "the server has no worker processes"
        for pid in workers:
            subprocess.run(["kill", f"-{signal.SIGKILL.value}", pid])
        page.get_by_text("The trainer process of this run stopped").wait_for()
        assert page.locator(ERRORS).count() == 0
        page.get_by_role("button", name="Reset").first.click()
        page.get_by_text("The trainer process of this run stopped").wait_for(state="detached")   # a fresh run
        page.get_by_role("button", name="Start").first.click()
        page.wait_for_function("() => { const m = document.querySelector(\"[data-testid='stMetricValue']\");"
                               " return m && parseInt(m.innerText.replace(/,/g, ''), 10) > 10; }")
        assert page.locator(ERRORS).count() == 0
    finally:
        context.close()
