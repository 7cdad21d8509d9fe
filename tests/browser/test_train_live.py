"""Live training in a real browser: Start updates the charts, Pause/Step/Reset work, page switches are safe."""
import time

EXCEPTION = "[data-testid='stException']"


def step_value(page) -> int:
    """The Step metric (first metric on the train page)."""
    return int(page.locator("[data-testid='stMetricValue']").first.inner_text().replace(",", ""))


def loss_chart_signature(page) -> str:
    """Something that changes whenever the loss chart (the first live chart) is redrawn with new data."""
    return page.locator(".live-chart").first.inner_html()


def watch_updates(page, seconds: float, enough: int | None = None) -> list[int]:
    """Distinct Step values seen while polling for ``seconds`` (or until ``enough`` were seen).

    A bound, not a speed test: a busy machine only makes the test wait longer.
    """
    seen, deadline = [], time.monotonic() + seconds
    while time.monotonic() < deadline and (enough is None or len(seen) < enough):
        try:
            value = step_value(page)
        except Exception:          # the metric is being redrawn
            value = None
        if value is not None and (not seen or seen[-1] != value):
            seen.append(value)
        time.sleep(0.05)
    return seen


def button(page, name):
    return page.get_by_role("button", name=name, exact=False).first


def test_start_updates_live_then_pause_step_reset(app_url, page, wait_for_app, click_and_wait):
    page.goto(f"{app_url}/train?arch=lstm&task=adding&seq_len=50&hidden=64&seed=0")
    wait_for_app(page)
    assert step_value(page) == 0
    before = loss_chart_signature(page)
    button(page, "Start").click()
    seen = watch_updates(page, 90, enough=4)
    assert len(seen) >= 4, f"expected at least 3 live updates, saw steps {seen}"
    assert seen == sorted(seen), f"step counter went backwards: {seen}"
    assert loss_chart_signature(page) != before
    click_and_wait(page, button(page, "Pause"))
    paused = step_value(page)
    click_and_wait(page, button(page, "Step"))
    # Pause returns once the worker stopped, so one Step lands exactly one past the paused count:
    # had training gone on, the count would be further on.
    assert step_value(page) == paused + 1, "training went on after Pause"
    click_and_wait(page, button(page, "Reset"))
    assert step_value(page) == 0
    assert page.locator(EXCEPTION).count() == 0


def test_switching_pages_mid_training_neither_errors_nor_double_steps(app_url, page, wait_for_app,
                                                                     click_and_wait):
    page.goto(f"{app_url}/train?arch=gru&task=adding&seq_len=20&hidden=16")
    wait_for_app(page)
    button(page, "Start").click()
    seen = watch_updates(page, 60, enough=2)
    assert len(seen) >= 2
    nav = page.locator("[data-testid='stSidebarNav']")
    click_and_wait(page, nav.get_by_role("link", name="Home"))
    assert page.locator(EXCEPTION).count() == 0
    click_and_wait(page, nav.get_by_role("link", name="Train"))
    after = watch_updates(page, 60, enough=2)
    assert after and after[0] >= seen[-1], f"the run was lost: {seen} then {after}"
    assert after == sorted(after)
    click_and_wait(page, button(page, "Pause"))
    paused = step_value(page)
    click_and_wait(page, button(page, "Step"))
    assert step_value(page) == paused + 1, "a second training loop kept stepping after Pause"
    assert page.locator(EXCEPTION).count() == 0
