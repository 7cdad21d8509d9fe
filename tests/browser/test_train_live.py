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


def press_pause(page, bound_s: float = 240.0) -> None:
    """Press Pause once and wait (bounded) until Start shows. Pause is its own button, asking for
    "paused" (``playground.ui.presses``): a press is never lost to a rerun, so it is never repeated."""
    button(page, "Pause").click()
    page.get_by_role("button", name="Start").first.wait_for(timeout=bound_s * 1000)


def pause_and_step(page, wait_for_app) -> tuple[int, int]:
    """Press Pause, read the count once the page shows Start; press Step, read it once it changed.

    Pause returns once the worker stopped, so the Step lands exactly one past the paused count;
    had training gone on, the count would be further on. Each read waits for the condition that
    its click was drawn (a live page's fragment reruns could otherwise pass for the click's own).
    """
    press_pause(page)
    wait_for_app(page)
    paused = step_value(page)
    button(page, "Step").click()
    page.wait_for_function("(before) => { const m = document.querySelector(\"[data-testid='stMetricValue']\");"
                           " return m && parseInt(m.innerText.replace(/,/g, ''), 10) !== before; }", arg=paused)
    wait_for_app(page)
    return paused, step_value(page)


def test_start_updates_live_then_pause_step_reset(app_url, page, wait_for_app):
    page.goto(f"{app_url}/train?arch=lstm&task=adding&seq_len=50&hidden=64&seed=0")
    wait_for_app(page)
    assert step_value(page) == 0
    before = loss_chart_signature(page)
    button(page, "Start").click()
    seen = watch_updates(page, 90, enough=4)
    assert len(seen) >= 4, f"expected at least 3 live updates, saw steps {seen}"
    assert seen == sorted(seen), f"step counter went backwards: {seen}"
    assert loss_chart_signature(page) != before
    paused, stepped = pause_and_step(page, wait_for_app)
    assert stepped == paused + 1, "training went on after Pause"
    button(page, "Reset").click()
    page.wait_for_function("() => { const m = document.querySelector(\"[data-testid='stMetricValue']\");"
                           " return m && m.innerText.trim() === '0'; }")
    wait_for_app(page)
    assert step_value(page) == 0
    assert page.locator(EXCEPTION).count() == 0


def test_switching_pages_mid_training_neither_errors_nor_double_steps(app_url, page, wait_for_app):
    page.goto(f"{app_url}/train?arch=gru&task=adding&seq_len=20&hidden=16")
    wait_for_app(page)
    button(page, "Start").click()
    seen = watch_updates(page, 60, enough=2)
    assert len(seen) >= 2
    nav = page.locator("[data-testid='stSidebarNav']")
    nav.get_by_role("link", name="Home").click()
    page.wait_for_url(lambda url: "/train" not in url)      # the page switch happened ...
    page.get_by_text("Open and run").first.wait_for()       # ... and the home page is drawn
    wait_for_app(page)
    assert page.locator(EXCEPTION).count() == 0
    nav.get_by_role("link", name="Train").click()
    page.wait_for_url(lambda url: "/train" in url)
    page.locator("[data-testid='stMetricValue']").first.wait_for()
    after = watch_updates(page, 60, enough=2)
    assert after and after[0] >= seen[-1], f"the run was lost: {seen} then {after}"
    assert after == sorted(after)
    paused, stepped = pause_and_step(page, wait_for_app)
    assert stepped == paused + 1, "a second training loop kept stepping after Pause"
    assert page.locator(EXCEPTION).count() == 0


LOSS = "document.querySelector('.live-chart')"


def test_the_loss_chart_keeps_a_readers_zoom_while_points_arrive(app_url, page, wait_for_app):
    """The loss chart receives new points only; a reader's box zoom holds while they arrive (the curve
    runs past the range held when the reader zoomed), and a double click returns to the whole, still
    growing curve."""
    page.goto(f"{app_url}/train?arch=gru&task=adding&seq_len=20&hidden=16&seed=3")
    wait_for_app(page)
    button(page, "Start").click()
    page.wait_for_function(f"() => {LOSS} && {LOSS}.data && {LOSS}.data[0].x.length > 100")
    box = page.locator(".live-chart .nsewdrag").first.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.1, box["y"] + box["height"] * 0.3)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.6, steps=5)
    page.mouse.up()
    zoomed = page.evaluate(f"{LOSS}._fullLayout.xaxis.range.slice()")
    last_step = f"{LOSS}.data[0].x[{LOSS}.data[0].x.length - 1]"
    step = page.evaluate(last_step)
    page.wait_for_function(f"(s) => {last_step} > 2 * s", arg=step)   # past the range held when zoomed
    assert page.evaluate(f"{LOSS}._fullLayout.xaxis.range.slice()") == zoomed
    page.locator(".live-chart .nsewdrag").first.dblclick()
    page.wait_for_function(f"(z) => {LOSS}._fullLayout.xaxis.range[1] > z[1]", arg=zoomed)
    assert page.evaluate(f"{LOSS}._fullLayout.xaxis.range[1]") >= page.evaluate(last_step)
    press_pause(page)
    assert page.locator(EXCEPTION).count() == 0
