"""Every page's explanations render as typeset maths in a real browser, in normal and presenter mode.

Opens each page, opens every collapsed box ("How to read this", "Limits", ...), and fails on a
KaTeX error element or on TeX source left in the rendered text (``$$``, ``\\frac`` ...): the
signs of a display-math block that Markdown broke apart.
"""
import pytest

# path -> (explanation boxes the page must have, whether its text holds maths); pages named in
# TRAIN_FIRST show their explanations once a model is trained there (5 s, the shortest choice).
TRAIN_FIRST = {"/language": "Train a small model here", "/interventions": "Train an LSTM on the adding problem here"}
PAGES = {
    "/": (0, True),
    "/train?task=adding&seq_len=12&hidden=8": (4, True),
    "/compare?task=adding&seq_len=8&hidden=4": (2, True),
    "/cell": (1, True),
    "/cell?cell_mode=backward": (1, True),
    "/gradients": (1, True),
    "/language": (3, True),
    "/interventions": (1, False),
    "/data": (1, False),
    "/model": (0, False),
}
RAW_TEX = ("$$", "\\frac", "\\partial", "\\lVert", "\\mathrm", "\\odot", "\\begin{")
EXPANDER = "[data-testid='stMain'] [data-testid='stExpander'] details:not([open]) > summary"
EXCEPTION = "[data-testid='stException']"


def open_every_box(page, wait_for_app, least: int) -> None:
    """Click each closed expander in the main area (at least ``least`` of them must appear)."""
    if least:
        page.locator("[data-testid='stMain'] [data-testid='stExpander']").nth(least - 1).wait_for(timeout=120_000)
    for _ in range(30):                                  # bounded: a page has a handful of boxes
        closed = page.locator(EXPANDER)
        if not closed.count():
            return
        closed.first.click()
    raise AssertionError("expanders kept closing again")


def check_page(page, wait_for_app, path: str, least: int, has_math: bool) -> list[str]:
    """Problems found on one page (empty when its explanations rendered)."""
    page.goto(path)
    wait_for_app(page, live=True)
    train = next((label for stem, label in TRAIN_FIRST.items() if stem in path), None)
    if train:
        page.get_by_role("slider").first.press("Home")          # the shortest training time
        page.wait_for_function("() => document.querySelector(\"input[type='range']\").value === '5'")
        wait_for_app(page)
        page.get_by_role("button", name=train).click()
        wait_for_app(page)
    try:
        open_every_box(page, wait_for_app, least)
    except Exception as err:                          # noqa: BLE001  (reported with the page's path)
        return [f"{path}: expected {least} explanation boxes: {str(err).splitlines()[0]}"]
    wait_for_app(page, live=True)
    if has_math:
        page.locator("[data-testid='stMain'] .katex").first.wait_for(state="attached")
    problems = []
    errors = page.locator(".katex-error")
    if errors.count():
        problems.append(f"{path}: KaTeX error: {errors.first.get_attribute('title') or errors.first.inner_text()[:80]}")
    main = page.locator("[data-testid='stMain']")
    text = main.inner_text()
    problems += [f"{path}: raw {tex!r} in the rendered text" for tex in RAW_TEX if tex in text]
    if page.locator(EXCEPTION).count():
        problems.append(f"{path}: exception shown")
    return problems


@pytest.mark.parametrize("present", [False, True], ids=["normal", "presenter"])
def test_every_explanation_typesets(app_url, page, wait_for_app, present):
    problems = []
    for path, (least, has_math) in PAGES.items():
        url = app_url + path
        if present:
            url += ("&" if "?" in url else "?") + "present=1"
        problems += check_page(page, wait_for_app, url, least, has_math)
    assert not problems, "\n".join(problems)
