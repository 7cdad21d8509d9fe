"""The train page's tiles and insides in a real browser: tiles change their text in place, an inside chart
keeps a reader's zoom while new snapshots arrive, and neither goes blank."""
from pathlib import Path

EXCEPTION = "[data-testid='stException']"
BLANK_FRAMES_JS = Path(__file__).resolve().parents[2] / "tools" / "blank_frames.js"
PAGE = "/train?arch=gru&task=adding&seq_len=20&hidden=16&seed=3"

# The gradient-now chart: its title names the snapshot's step, so it changes with every snapshot.
GRADIENT = ("[...document.querySelectorAll('.live-chart')].find((c) => [...c.querySelectorAll('.gtitle')]"
            ".some((t) => t.textContent.startsWith('‖dL/dh_t‖ at step')))")
TITLE = f"[...{GRADIENT}.querySelectorAll('.gtitle')].map((t) => t.textContent).join('|')"
STEP = ("parseInt(document.querySelector(\"[data-testid='stMetricValue']\").textContent.replace(/,/g, ''), 10)")


def test_tiles_change_their_text_in_place(app_url, page, wait_for_app):
    """The Step tile's element is the same one across many updates (no remount): only its text changes."""
    page.goto(f"{app_url}{PAGE}")
    wait_for_app(page)
    page.get_by_role("button", name="Start").first.click()
    page.wait_for_function(f"() => document.querySelector(\"[data-testid='stMetricValue']\") && {STEP} > 0")
    page.evaluate("""() => {
      const tile = document.querySelector("[data-testid='stMetricValue']");
      tile.__marked = true;
      window.__tileTexts = new Set();
      new MutationObserver(() => window.__tileTexts.add(tile.textContent))
        .observe(tile, {subtree: true, childList: true, characterData: true});
    }""")
    page.wait_for_function("() => window.__tileTexts.size >= 5")          # five updates, bounded by the timeout
    assert page.evaluate("() => document.querySelector(\"[data-testid='stMetricValue']\").__marked === true")
    labels = page.locator("[data-testid='stMetricLabel']").all_inner_texts()
    assert labels[:2] == ["Step", "Steps / s"] and len(labels) == 5     # text a screen reader can read
    assert page.locator(".live-tiles[aria-live='off']").count() == 1
    page.get_by_role("button", name="Pause").first.click()
    page.get_by_role("button", name="Start").first.wait_for()
    assert page.locator(EXCEPTION).count() == 0


def test_an_inside_chart_keeps_a_readers_zoom_and_never_blanks(app_url, page, wait_for_app):
    """The gradient chart receives arrays and layout changes; a reader's box zoom holds across new snapshots
    (its title's step changes), and its plot is never blank nor replaced in any frame."""
    page.goto(f"{app_url}{PAGE}")
    wait_for_app(page)
    page.add_script_tag(path=str(BLANK_FRAMES_JS))
    page.get_by_role("button", name="Start").first.click()
    page.get_by_role("heading", name="Gradients across timesteps").scroll_into_view_if_needed()
    page.wait_for_function(f"() => !!{GRADIENT}")
    page.evaluate(f"() => {{ {GRADIENT}.id = 'gradient-now'; window.__counter = window.countBlankFrames('#gradient-now'); }}")
    box = page.locator("#gradient-now .nsewdrag").first.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.2, box["y"] + box["height"] * 0.2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.7, steps=5)
    page.mouse.up()
    chart = "document.querySelector('#gradient-now .js-plotly-plot') || document.querySelector('#gradient-now')"
    zoomed = page.evaluate(f"() => ({chart})._fullLayout.xaxis.range.slice()")
    for _ in range(2):                                                   # two new snapshots drawn
        title = page.evaluate(f"() => {TITLE}")
        page.wait_for_function(f"(before) => {TITLE} !== before", arg=title)
    assert page.evaluate(f"() => ({chart})._fullLayout.xaxis.range.slice()") == zoomed
    counter = page.evaluate("() => { const c = window.__counter; c.stop(); return {frames: c.frames, blank: c.blank,"
                            " nodeChanges: c.nodeChanges}; }")
    assert counter["frames"] > 0 and counter["blank"] == 0 and counter["nodeChanges"] == 0, counter
    page.get_by_role("button", name="Pause").first.click()
    assert page.locator(EXCEPTION).count() == 0
