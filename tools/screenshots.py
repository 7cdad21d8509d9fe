"""Save a PNG of every page of the app, as headless Chromium sees it at 1400x1000.

    python -m tools.screenshots                      # starts its own server
    python -m tools.screenshots --url http://localhost:8501 --out /tmp/shots
    python -m tools.screenshots --pages / /train --full --wait 3
    python -m tools.screenshots --size 1280x720 --suffix _present --pages "/train?present=1"   # a projector

Pages that train live are caught mid-run; ``--wait`` gives them a few seconds first.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from playground.ui.page_files import navigation
from tools.local_server import CHROMIUM, CHROMIUM_ARGS, start_server, stop_server

ROOT = Path(__file__).resolve().parents[1]
PAGES = ["/" + page["url"] for section in navigation() for page in section["pages"]]   # every page, in order
APP_IDLE = ("[data-testid='stApp'][data-test-connection-state='CONNECTED']"
            "[data-test-script-state='notRunning']")
WIDTH, HEIGHT = 1400, 1000


def file_name(path: str, suffix: str = "") -> str:
    """'/' -> 'home.png', '/train?arch=gru' -> 'train.png' (``suffix`` goes before '.png')."""
    stem = path.split("?")[0].strip("/") or "home"
    return f"{stem.replace('/', '_')}{suffix}.png"


def shoot(url: str, paths: list[str], out: Path, full: bool, wait_s: float,
          size: tuple[int, int] = (WIDTH, HEIGHT), suffix: str = "") -> list[Path]:
    """Visit each path, wait for the app to be idle, save a screenshot; return the files."""
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    saved = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        for path in paths:
            width, height = size
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(url.rstrip("/") + path)
            page.wait_for_selector(APP_IDLE, state="attached", timeout=60_000)
            page.wait_for_timeout(int(wait_s * 1000) + 500)  # let charts and fonts settle
            if full:  # Streamlit scrolls inside the main block, so grow the viewport instead
                tall = page.evaluate("document.querySelector('[data-testid=stMain]').scrollHeight")
                page.set_viewport_size({"width": width, "height": max(height, int(tall))})
                page.wait_for_timeout(2000)     # charts that were off screen catch up as they come into view
            target = out / file_name(path, suffix)
            page.screenshot(path=str(target))
            saved.append(target)
            page.close()
        browser.close()
    return saved


def main(argv: list[str] | None = None) -> None:
    """Parse arguments, start a server unless --url is given, and save the screenshots."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="base URL of a running app (default: start one)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots", help="folder for the PNGs")
    parser.add_argument("--pages", nargs="+", default=PAGES, help="paths to visit, query strings allowed")
    parser.add_argument("--full", action="store_true", help="capture the whole page, not just 1400x1000")
    parser.add_argument("--wait", type=float, default=0.0, help="extra seconds on each page before the shot")
    parser.add_argument("--size", default=f"{WIDTH}x{HEIGHT}", help="viewport WIDTHxHEIGHT (e.g. 1280x720)")
    parser.add_argument("--suffix", default="", help="added to each file name before .png")
    args = parser.parse_args(argv)
    size = tuple(int(n) for n in args.size.lower().split("x"))
    proc, url = (None, args.url) if args.url else start_server()
    try:
        for target in shoot(url, args.pages, args.out, args.full, args.wait, size, args.suffix):
            print(target)
    finally:
        if proc is not None:
            stop_server(proc)


if __name__ == "__main__":
    main()
