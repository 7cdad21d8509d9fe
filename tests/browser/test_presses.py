"""Presses are state, not triggers: Start/Pause pressed 20 times under load, never pressed again, each takes effect.

One server on 127.0.0.1; three other browser sessions train on it the whole time (the load), and a
fourth presses Start/Pause twenty times. Each press is made the moment the page shows the control,
and made as a quick double press (a reader who presses again because the page is slow, or a click
delivered twice): the second click lands while the rerun the first one started is replacing the
button. After each press the test waits, bounded, for the run's state as the server draws it: the
"Steps / s" tile reads a rate while the run trains and "—" while it is paused, and the control
offers the opposite. The state must alternate as pressed. No press is ever repeated after the
fact: a press that is lost, or undone by its own second click, fails the test.

On a single Start/Pause button whose target the server re-registers on each rerun, the second
click runs the target registered by the first click's rerun (Pause after a Start) and undoes it.
"""
import time

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

PRESSES = 20
LOAD_SESSIONS = 3
READY_MS = 120_000
REPEAT_MS = 1_000           # a repeated click lands within this, or the control it was for is gone
EFFECT_S = 90                # a press must show its effect within this bound (two shared cores, four live pages)
SETTINGS = "arch=gru&task=adding&seq_len=20&hidden=16"
RATE_TILE = "[data-testid='stMetric']:has-text('Steps / s') [data-testid='stMetricValue']"


def training_shown(page) -> bool | None:
    """True when the server last drew the run as training, False as paused, None while redrawing."""
    try:
        value = page.locator(RATE_TILE).first.inner_text(timeout=1000).strip()
    except Exception:
        return None
    return None if not value else value != "—"


def press(page, label: str, clicks: int = 1) -> None:
    """Press the control showing ``label`` ``clicks`` times in a row, the moment it shows (dispatching the
    click: a browser busy drawing four live pages takes long to pass Playwright's actionability checks).

    The first click waits for the control. A repeated click goes to it only while it is still there: when
    the page has already answered the first click and replaced it, the repeat has nothing to land on, as
    a reader's second click on a button that has just gone."""
    control = page.get_by_role("button", name=label, exact=False).first
    control.dispatch_event("click")
    for _ in range(clicks - 1):
        try:
            control.dispatch_event("click", timeout=REPEAT_MS)
        except PlaywrightTimeout:
            return


def wait_state(page, training: bool, press_no: int) -> None:
    """Wait (bounded) until the server draws the run as ``training`` and the control offers the opposite."""
    want = "Pause" if training else "Start"
    deadline = time.monotonic() + EFFECT_S
    while not (training_shown(page) is training and page.get_by_role("button", name=want).count()):
        assert time.monotonic() < deadline, (
            f"press {press_no + 1} ({'Start' if training else 'Pause'}) had no effect within {EFFECT_S} s: "
            f"the page still shows the run as {'paused' if training else 'training'}")
        time.sleep(0.1)


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_every_start_pause_press_takes_effect_under_load(app_url, browser, wait_for_app):
    contexts = [browser.new_context(viewport={"width": 1280, "height": 720}) for _ in range(LOAD_SESSIONS + 1)]
    try:
        pages = []
        for seed, context in enumerate(contexts):
            page = context.new_page()
            page.set_default_timeout(READY_MS)
            page.goto(f"{app_url}/train?{SETTINGS}&seed={seed}")
            pages.append(page)
        for page in pages:
            wait_for_app(page, READY_MS)
            page.get_by_role("button", name="Start").first.wait_for()
        watched, load = pages[0], pages[1:]
        for page in load:                                         # the load trains throughout
            press(page, "Start")
        for page in load:
            wait_state(page, True, 0)
        for k in range(PRESSES):
            training = k % 2 == 0                                 # Start, Pause, Start, ...
            press(watched, "Start" if training else "Pause", clicks=2)
            wait_state(watched, training, k)
        assert training_shown(watched) is False
    finally:
        for context in contexts:
            context.close()
