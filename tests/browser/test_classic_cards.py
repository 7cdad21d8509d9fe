"""Each classic experiment on the home page opens from its card and starts training (one test per card).

The cards are the gallery's entries that cite a paper (``Experiment.cites``); each opens a
ready-made sweep that starts on load. The test waits, with a generous bound, until the page shows
a trial running or done, then cancels the sweep and waits until it says so, so the next card has the CPUs.
The cards share one server, so their sweeps run one after another on the same local Ray, as a
teacher clicking through them would.
"""
import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from playground.gallery import GALLERY

CLASSICS = [card for card in GALLERY if card.cites]
TRAINING = re.compile(r"[1-9][0-9]* running|[1-9][0-9]* of [0-9]+ trials done")
EXCEPTION = "[data-testid='stException']"
BOUND_MS = 300_000            # Ray starts in the server process on the first card: minutes on a loaded machine


def card_link(page, title: str):
    """The "Open and run" link inside the card titled ``title`` (its innermost block holding both)."""
    card = page.locator("div").filter(has=page.get_by_text(title, exact=True)) \
        .filter(has=page.get_by_role("link", name="Open and run")).last
    return card.get_by_role("link", name="Open and run")


@pytest.mark.slow
@pytest.mark.timeout(900)
@pytest.mark.parametrize("card", CLASSICS, ids=[card.params.get("preset", card.page) for card in CLASSICS])
def test_a_classic_card_opens_and_trains(card, app_url, page, wait_for_app):
    assert len(CLASSICS) >= 5
    page.goto(app_url)
    wait_for_app(page)
    card_link(page, card.title).click()
    page.wait_for_url(re.compile(rf"/{card.page}\?"), timeout=BOUND_MS)
    page.get_by_text(TRAINING).first.wait_for(timeout=BOUND_MS)
    assert page.locator(EXCEPTION).count() == 0
    form = page.get_by_text(re.compile(r"^Ready-made: ")).first
    assert form.inner_text().removeprefix("Ready-made: ").strip()          # the preset's title is shown
    page.get_by_role("button", name="Cancel").first.click()
    try:
        page.get_by_text("Cancelled.").first.wait_for(timeout=BOUND_MS)  # its CPUs are free for the next card
    except PlaywrightTimeout:
        raise AssertionError(f"Cancel had no effect; the page says:\n{page.inner_text('main')[-1500:]}") from None
