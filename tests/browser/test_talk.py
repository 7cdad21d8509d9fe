"""/talk in a real browser at 1280x720 (a projector), driven by the keyboard alone.

Both shipped decks are played end to end with a clicker's keys (PageDown/PageUp, → ←); at every
step the view the step names is on screen without scrolling and nothing in it is cut or
overlapping. P starts and pauses; B and period blank the screen; Space and ↓ scroll a page
taller than the screen without a click first; a focused slider keeps its arrows.
"""
import pytest

from layout_measure import layout_problems, out_of_viewport
from playground.lessons.deck import builtin_decks, load_builtin
from projector_page import projector_page
from tools.deck_player import APP_READY_JS, PROJECTOR, STEP_WAIT_MS, VIEW, play, wait_for_step

EXCEPTION = "[data-testid='stException']"
MAIN_SCROLL_JS = "document.querySelector('[data-testid=stMain]').scrollTop"


@pytest.fixture
def projector(browser):
    """A fresh page at 1280x720."""
    yield from projector_page(browser, STEP_WAIT_MS)


def open_step(page, app_url: str, name: str, k: int):
    """Open deck ``name`` at step ``k`` by link and wait until the step is drawn; return the deck."""
    deck = load_builtin(name)
    page.goto(f"{app_url}/talk?deck={name}&step={k}")
    page.wait_for_function(APP_READY_JS)
    wait_for_step(page, deck, k)
    return deck


@pytest.mark.slow                                     # trains two models to 1,500 steps and one to 300
@pytest.mark.parametrize("name", sorted(builtin_decks()))
def test_deck_plays_end_to_end_by_clicker_keys_with_each_steps_view_on_screen(app_url, projector, name):
    page = projector

    def check(deck, k: int) -> None:
        assert page.locator(EXCEPTION).count() == 0, f"step {k}: {page.locator(EXCEPTION).first.inner_text()}"
        assert f"step={k}" in page.url
        assert page.evaluate(MAIN_SCROLL_JS) == 0, f"step {k}: the page scrolled"
        assert out_of_viewport(page, VIEW) == [], f"step {k} ({deck.steps[k - 1].view}) is not on screen"
        assert layout_problems(page) == [], f"step {k} ({deck.steps[k - 1].view})"

    deck = play(page, app_url, name, check)
    page.keyboard.press("PageUp")
    wait_for_step(page, deck, len(deck) - 1)
    check(deck, len(deck) - 1)
    page.keyboard.press("ArrowLeft")
    wait_for_step(page, deck, len(deck) - 2)
    assert f"step={len(deck) - 2}" in page.url


def test_p_starts_and_pauses_the_steps_model(app_url, projector):
    page = projector
    open_step(page, app_url, "why-lstms", 1)
    page.get_by_role("button", name="Start").first.wait_for()           # step 1 arrives with the model idle
    page.keyboard.press("p")
    page.get_by_role("button", name="Pause").first.wait_for()
    page.keyboard.press("p")
    page.get_by_role("button", name="Start").first.wait_for()
    assert page.locator(EXCEPTION).count() == 0


def test_b_and_period_blank_the_screen_and_bring_it_back(app_url, projector):
    page = projector
    open_step(page, app_url, "rnns-in-one-lesson", 1)
    cover = page.locator("#talk-blank")
    for key in ("b", "."):
        page.keyboard.press(key)
        cover.wait_for(state="visible")
        box = cover.bounding_box()
        assert box["width"] >= PROJECTOR["width"] and box["height"] >= PROJECTOR["height"]
        page.keyboard.press(key)
        cover.wait_for(state="detached")
    assert "step=1" in page.url


def test_space_and_arrow_down_scroll_a_tall_step_and_a_focused_slider_keeps_its_arrows(app_url, projector):
    page = projector
    open_step(page, app_url, "rnns-in-one-lesson", 2)          # the cell step: its equations run below the fold
    assert page.evaluate("(() => { const m = document.querySelector('[data-testid=stMain]'); "
                         "return m.scrollHeight > m.clientHeight; })()")
    page.keyboard.press("ArrowDown")                            # no click first
    page.wait_for_function(f"{MAIN_SCROLL_JS} > 0")
    scrolled = page.evaluate(MAIN_SCROLL_JS)
    page.keyboard.press("Space")
    page.wait_for_function(f"{MAIN_SCROLL_JS} > {scrolled}")
    page.keyboard.press("Home")
    page.wait_for_function(f"{MAIN_SCROLL_JS} == 0")
    slider = f"{VIEW} [data-testid='stSlider'] input[type='range']"
    before = page.locator(slider).input_value()
    page.locator(slider).focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("([s, b]) => document.querySelector(s).value !== b", arg=[slider, before])
    page.wait_for_function(APP_READY_JS)
    assert "step=2" in page.url and page.locator("[data-testid='stMain'] h1").first.inner_text() == \
        load_builtin("rnns-in-one-lesson").steps[1].title
