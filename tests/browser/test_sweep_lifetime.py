"""Two sweeps from /sweep on a real server, with Ray's GCS reconnect timeout passed after each: the server lives on.

A sweep's thread once started the local Ray; Ray's GCS and raylet die with the thread that
started them (``PR_SET_PDEATHSIG``), and the Ray driver in the server then ended the whole
process once ``gcs_rpc_server_reconnect_timeout_s`` passed. Here that timeout is lowered to a few
seconds (Ray's documented ``RAY_<config>`` environment variable) so the test can watch past it:
after each sweep the server must keep answering its health check for several timeouts, and at
the end a new session must still load a page.
"""
import time
import urllib.request

import pytest

from playground.config import FIELDS
from tools.local_server import healthy, server_log, start_server, stop_server

pytestmark = pytest.mark.slow
RECONNECT_S = 3                     # Ray's GCS reconnect timeout in the server, lowered from 60 s
WATCH_S = 4 * RECONNECT_S           # how long the server is watched after each sweep
WAIT_MS = 240_000
FORM = {"seq_len": "5", "hidden": "4", "lr": "0.01", "seed": "0"}     # the field table names the boxes
TRIALS = 3                          # the form's three architectures, one value of every other field


@pytest.fixture
def server():
    proc, url = start_server(env={"RAY_gcs_rpc_server_reconnect_timeout_s": str(RECONNECT_S)})
    yield proc, url
    stop_server(proc)


def sweep_in_a_new_session(browser, url, wait_for_app) -> None:
    """Open /sweep in a fresh browser context, start a tiny grid with the form, wait until every trial is done."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        page.set_default_timeout(WAIT_MS)
        page.goto(f"{url}/sweep")
        wait_for_app(page)
        for name, value in FORM.items():
            page.get_by_role("textbox", name=FIELDS[name].label, exact=True).fill(value)
        page.get_by_role("spinbutton", name="Steps per trial").fill("10")
        page.get_by_role("button", name="Start the sweep").click()
        page.get_by_text(f"{TRIALS} of {TRIALS} trials done").wait_for(timeout=WAIT_MS)
        assert page.get_by_text("The sweep stopped").count() == 0
    finally:
        context.close()


def serves_throughout(proc, url: str, seconds: float) -> None:
    """Poll the health check for ``seconds``; fail at the first refusal or exit, with the server's log."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        assert proc.poll() is None and healthy(url), f"the server stopped serving:\n{server_log(proc)}"
        time.sleep(0.5)


def test_two_sweeps_leave_the_server_serving_past_rays_reconnect_timeout(server, browser, page, wait_for_app):
    proc, url = server
    sweep_in_a_new_session(browser, url, wait_for_app)
    serves_throughout(proc, url, WATCH_S)
    sweep_in_a_new_session(browser, url, wait_for_app)
    serves_throughout(proc, url, WATCH_S)
    page.goto(f"{url}/health")                       # another session: a page loads and runs its script
    page.locator("[data-testid='stMetricValue']").first.wait_for(timeout=WAIT_MS)
    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=5) as response:
        assert response.status == 200
    assert proc.poll() is None, server_log(proc)
