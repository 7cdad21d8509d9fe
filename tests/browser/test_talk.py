"""/talk in a real browser driven by the keyboard alone: both shipped decks end to end, P starts and pauses."""
import re

import pytest

from playground.lessons.deck import builtin_decks, load_builtin

EXCEPTION = "[data-testid='stException']"
STEP_WAIT_MS = 120_000       # a step that builds a model waits for its worker's first probe
TRAIN_WAIT_MS = 600_000      # a step that trains 1,500 steps, on a busy two-core machine


def wait_for_step(page, deck, k: int) -> None:
    """Wait until step ``k`` (1-based) shows its title and progress, then check it drew no exception."""
    title = deck.steps[k - 1].title
    page.locator("[data-testid='stMain'] h1", has_text=title).first.wait_for(timeout=STEP_WAIT_MS)
    page.get_by_text(f"Step {k} of {len(deck)}").first.wait_for(timeout=STEP_WAIT_MS)
    assert page.locator(EXCEPTION).count() == 0, f"step {k}: {page.locator(EXCEPTION).first.inner_text()}"


@pytest.mark.parametrize("name", sorted(builtin_decks()))
def test_deck_plays_end_to_end_by_keyboard(app_url, page, wait_for_app, name):
    deck = load_builtin(name)
    page.goto(f"{app_url}/talk?deck={name}&step=1")
    wait_for_app(page, live=True)
    wait_for_step(page, deck, 1)
    for k in range(2, len(deck) + 1):
        page.keyboard.press("ArrowRight")
        wait_for_step(page, deck, k)
        assert f"step={k}" in page.url
        step = deck.steps[k - 1]
        if step.on_arrival == "train":                  # trains to its step count, then pauses by itself
            paused = re.compile(rf"^Model: {step.config.arch.upper()} · .* · step {step.steps:,}$")
            page.get_by_text(paused).first.wait_for(timeout=TRAIN_WAIT_MS)
            page.get_by_role("button", name="Start").first.wait_for(timeout=STEP_WAIT_MS)
    page.keyboard.press("ArrowLeft")
    wait_for_step(page, deck, len(deck) - 1)


def test_p_starts_and_pauses_the_steps_model(app_url, page, wait_for_app):
    deck = load_builtin("why-lstms")
    page.goto(f"{app_url}/talk?deck=why-lstms&step=1")
    wait_for_app(page, live=True)
    wait_for_step(page, deck, 1)
    page.get_by_role("button", name="Start").first.wait_for()           # step 1 arrives with the model idle
    page.keyboard.press("p")
    page.get_by_role("button", name="Pause").first.wait_for(timeout=STEP_WAIT_MS)
    page.keyboard.press("p")
    page.get_by_role("button", name="Start").first.wait_for(timeout=STEP_WAIT_MS)
    wait_for_app(page)
    assert page.locator(EXCEPTION).count() == 0
