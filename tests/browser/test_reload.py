"""A reload of /train gets the run back: the same step and the same history, from the same browser."""
from __future__ import annotations

import re

EXCEPTION = "[data-testid='stException']"
URL = "/train?arch=gru&task=adding&seq_len=20&hidden=16&seed=3"


def step_value(page) -> int:
    return int(page.locator("[data-testid='stMetricValue']").first.inner_text().replace(",", ""))


def loss_history(page) -> list[str]:
    """The loss chart's text alternative: it names the steps and losses the chart draws."""
    return page.locator(".live-chart").first.get_attribute("aria-label") or ""


def test_a_reload_brings_the_run_back_at_the_same_step(app_url, page, wait_for_app):
    page.goto(f"{app_url}{URL}")
    wait_for_app(page)
    page.get_by_role("button", name="Step").first.click()
    page.wait_for_function("() => { const m = document.querySelector(\"[data-testid='stMetricValue']\");"
                           " return m && m.innerText.trim() === '1'; }", timeout=120_000)
    page.get_by_role("button", name="Start").first.click()
    page.wait_for_function("() => { const m = document.querySelector(\"[data-testid='stMetricValue']\");"
                           " return m && parseInt(m.innerText.replace(/,/g, ''), 10) >= 40; }", timeout=120_000)
    page.get_by_role("button", name="Pause").first.click()
    page.get_by_role("button", name="Start").first.wait_for(timeout=120_000)
    wait_for_app(page)
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", cookies.get("rnn_playground_browser", ""))
    paused = step_value(page)
    before = loss_history(page)
    page.reload()
    wait_for_app(page)
    page.get_by_text("Your run is back").first.wait_for(timeout=120_000)
    wait_for_app(page)
    assert step_value(page) == paused
    assert loss_history(page) == before
    assert page.locator(EXCEPTION).count() == 0
    page.get_by_role("button", name="Step").first.click()           # and it trains on from there
    page.wait_for_function("(n) => { const m = document.querySelector(\"[data-testid='stMetricValue']\");"
                           " return m && parseInt(m.innerText.replace(/,/g, ''), 10) === n; }",
                           arg=paused + 1, timeout=120_000)
