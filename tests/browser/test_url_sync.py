"""Sliders moved with the keyboard, fast: the widget, the URL and the trained model end up agreeing.

Each arrow key fires a rerun; the browser sends its address bar with every rerun, and it lags
behind fast reruns. A page that took that lagging URL for a link pulled the slider back
(63, 62, 61, 62, …) and left the model on yet another value. Waits are conditions with
generous bounds; nothing is timed.
"""
import re
from urllib.parse import parse_qs, urlparse

SETTLE_MS = 120_000
MODEL = re.compile(r"model: \S+(?: RNN)?, H = (\d+), \d+ layers?, T = (\d+)")


def slider(page, label: str):
    return page.locator(f"input[type='range'][aria-label='{label}']").first


def state(page) -> dict:
    """Widget values, the URL's values and the model's, as the page shows them now."""
    query = {k: v[-1] for k, v in parse_qs(urlparse(page.url).query).items()}
    header = page.locator("[data-testid='stMain'] [data-testid='stMarkdownContainer']",
                          has_text="model:").first.inner_text()
    found = MODEL.search(header)
    return {"widget": (slider(page, "Hidden units H").input_value(), slider(page, "Sequence length T").input_value()),
            "url": (query.get("hidden", "64"), query.get("seq_len", "50")),
            "model": found.groups() if found else None}


def settle(page, wait_for_app, expected: tuple[str, str]) -> dict:
    """Wait until the page is idle and shows ``expected`` (H, T) everywhere; return what it shows."""
    page.wait_for_function(
        """([h, t]) => {
             const app = document.querySelector("[data-testid='stApp']");
             const head = [...document.querySelectorAll("[data-testid='stMain'] [data-testid='stMarkdownContainer']")]
               .map(e => e.innerText).find(s => s.includes('model:')) || '';
             const q = new URLSearchParams(location.search);
             return app.getAttribute('data-test-script-state') === 'notRunning'
               && head.includes(`H = ${h},`) && head.includes(`T = ${t},`)
               && (q.get('hidden') || '64') === h && (q.get('seq_len') || '50') === t;
           }""", arg=list(expected), timeout=SETTLE_MS)
    wait_for_app(page)
    return state(page)


def press(page, label: str, key: str, times: int) -> None:
    """Focus the slider and press ``key`` ``times`` times with no pause between presses."""
    target = slider(page, label)
    target.focus()
    for _ in range(times):
        page.keyboard.press(key)


def test_fast_arrow_keys_leave_widget_url_and_model_agreeing(app_url, page, wait_for_app):
    page.goto(f"{app_url}/train?task=adding&seq_len=20&hidden=16&seed=3")
    wait_for_app(page)
    assert state(page) == {"widget": ("16", "20"), "url": ("16", "20"), "model": ("16", "20")}

    press(page, "Hidden units H", "ArrowRight", 7)
    shown = settle(page, wait_for_app, ("23", "20"))
    assert shown["widget"] == shown["url"] == shown["model"] == ("23", "20"), shown

    press(page, "Hidden units H", "ArrowLeft", 10)
    press(page, "Sequence length T", "ArrowRight", 4)
    shown = settle(page, wait_for_app, ("13", "24"))
    assert shown["widget"] == shown["url"] == shown["model"] == ("13", "24"), shown

    # the next click is not swallowed: one Step makes exactly one step
    page.get_by_role("button", name="Step").first.click()
    page.wait_for_function("() => { const m = document.querySelector(\"[data-testid='stMetricValue']\");"
                           " return m && m.innerText.trim() === '1'; }", timeout=SETTLE_MS)

    # the link reproduces the run: a fresh tab on the same URL builds the same model
    other = page.context.browser.new_page()
    try:
        other.goto(page.url)
        wait_for_app(other)
        assert state(other) == shown
    finally:
        other.close()


def test_gradients_card_opens_the_state_it_names(app_url, page, wait_for_app):
    page.goto(app_url)
    wait_for_app(page)
    card = page.locator("[data-testid='stVerticalBlockBorderWrapper'], [data-testid='stVerticalBlock']",
                        has_text="Gradients vanish at spectral radius 0.9").last
    card.get_by_role("link", name="Open and run").click()
    page.wait_for_url("**/gradients?*", timeout=SETTLE_MS)
    page.locator("input[type='range'][aria-label='Spectral radius ρ of W_hh']").wait_for(timeout=SETTLE_MS)
    wait_for_app(page)
    rho = page.locator("input[type='range'][aria-label='Spectral radius ρ of W_hh']").input_value()
    query = {k: v[-1] for k, v in parse_qs(urlparse(page.url).query).items()}
    assert float(rho) == 0.9 and query.get("grad_act") == "linear"
    assert page.get_by_role("radio", name="linear").is_checked()
    assert "exact" in page.locator("[data-testid='stMain']").inner_text()      # the linear theory's caption
