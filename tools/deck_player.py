"""Play a shipped deck on /talk by keyboard alone in headless Chromium at 1280x720, as a speaker would.

    python -m tools.deck_player                                  # both decks; a PNG of every step
    python -m tools.deck_player --decks why-lstms --out /tmp/shots

Each step is reached with a clicker's key (PageDown and → in turn), waited for until its view
is drawn (a "train to step n" step until it has trained there and paused), and then handed to
``on_step`` — the browser test measures it, this command saves a screenshot of it
(``docs/screenshots/talk/<deck>-<step>.png``, reduced to a small palette). The talk's own wait
conditions live here so that the test and the screenshots play a deck the same way.
"""
from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Callable

from playground.lessons.deck import Deck, builtin_decks, load_builtin
from tools.local_server import CHROMIUM, CHROMIUM_ARGS, start_server, stop_server

ROOT = Path(__file__).resolve().parents[1]
PROJECTOR = {"width": 1280, "height": 720}
VIEW = ".st-key-talk_view"
STEP_WAIT_MS = 120_000       # a step that builds a model waits for its worker's first probe
TRAIN_WAIT_MS = 600_000      # a step that trains 1,500 steps, on a busy two-core machine
FORWARD_KEYS = ("PageDown", "ArrowRight")   # a clicker's key and the keyboard's, in turn

# True once the step's view shows what it is about: something drawn (a chart, an image, a text
# block, a tile, a table) and every live chart drawn by plotly.js (it loads asynchronously), no stale element;
# and the talk's keys are listened to (``playground/ui/talk_keys.py`` has mounted).
VIEW_DRAWN_JS = """
(selector) => {
  const view = document.querySelector(selector);
  if (!view || view.querySelector("[data-stale='true']") || !window.__talkKeysOn) return false;
  const drawn = view.querySelectorAll('.js-plotly-plot .main-svg, [data-testid="stImage"], [data-testid="stCode"], ' +
                                      '[data-testid="stMetric"], [data-testid="stDataFrame"]');
  const charts = [...view.querySelectorAll(".live-chart")];
  return drawn.length > 0 &&
         charts.every((c) => c.classList.contains("js-plotly-plot") && c.querySelector(".main-svg"));
}
"""
APP_READY_JS = """
() => {
  const app = document.querySelector("[data-testid='stApp']");
  return !!app && app.getAttribute('data-test-connection-state') === 'CONNECTED'
         && app.getAttribute('data-test-script-state') !== 'initial';
}
"""


def wait_for_step(page, deck: Deck, k: int) -> None:
    """Wait until step ``k`` (1-based) shows its title (the h1), its progress and its drawn view."""
    step = deck.steps[k - 1]
    page.locator("[data-testid='stMain'] h1", has_text=step.title).first.wait_for(timeout=STEP_WAIT_MS)
    page.get_by_text(f"Step {k} of {len(deck)}").first.wait_for(timeout=STEP_WAIT_MS)
    if step.on_arrival == "train":                  # trains to its step count, then pauses by itself
        paused = re.compile(rf"^Model: {step.config.arch.upper()} · .* · step {step.steps:,}$")
        page.get_by_text(paused).first.wait_for(timeout=TRAIN_WAIT_MS)
        page.get_by_role("button", name="Start").first.wait_for(timeout=STEP_WAIT_MS)
    page.wait_for_function(VIEW_DRAWN_JS, arg=VIEW, timeout=STEP_WAIT_MS)


def play(page, base_url: str, name: str, on_step: Callable[[Deck, int], None]) -> Deck:
    """Open deck ``name`` at step 1 and move through every step by keyboard, calling ``on_step(deck, k)``."""
    deck = load_builtin(name)
    page.goto(f"{base_url}/talk?deck={name}&step=1")
    page.wait_for_function(APP_READY_JS, timeout=STEP_WAIT_MS)
    wait_for_step(page, deck, 1)
    on_step(deck, 1)
    for k in range(2, len(deck) + 1):
        page.keyboard.press(FORWARD_KEYS[k % 2])
        wait_for_step(page, deck, k)
        on_step(deck, k)
    return deck


def small_png(path: Path) -> None:
    """Rewrite the PNG at ``path`` with a 256-colour palette (a screenshot shrinks about threefold)."""
    from PIL import Image

    with Image.open(path) as image:
        reduced = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    reduced.save(path, optimize=True)


def main(argv: list[str] | None = None) -> None:
    """Play the decks against a server of its own (or ``--url``) and save a PNG of every step."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="base URL of a running app (default: start one)")
    parser.add_argument("--decks", nargs="+", default=sorted(builtin_decks()), help="deck names")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots" / "talk", help="folder for the PNGs")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    proc, url = (None, args.url) if args.url else start_server()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            for name in args.decks:
                page = browser.new_page(viewport=PROJECTOR)

                def shoot(deck: Deck, k: int, name=name, page=page) -> None:
                    target = args.out / f"{name}-{k}.png"
                    page.wait_for_timeout(1500)          # fonts and the last chart frame settle
                    page.screenshot(path=str(target))
                    small_png(target)
                    print(target)

                play(page, url, name, shoot)
                page.close()
            browser.close()
    finally:
        if proc is not None:
            stop_server(proc)


if __name__ == "__main__":
    main()
