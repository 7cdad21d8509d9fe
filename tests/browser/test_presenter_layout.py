"""Every page in presenter mode at 1280x720, the size of a projector: nothing cut, nothing overlapping.

The page list is walked (``navigation.toml``), not written out. On each page, every metric
tile, heading, chart title, axis title, colour bar and legend is measured in the browser
(``layout_measure``): a text that overflows its box or is cut by an ellipsis, a delta badge
that wraps, or a chart's title, legend, colour bar or axis title that overlaps another or
runs out of the chart fails the test, with the page and the text named.
"""
import pytest

from layout_measure import layout_problems
from playground.ui.page_files import navigation
from projector_page import projector_page

PAGES = ["/" + page["url"] for section in navigation() for page in section["pages"]]
WAIT_MS = 120_000

# Connected, and idle or (a page that trains live) showing no stale element; every live chart
# drawn by plotly.js, which loads asynchronously.
DRAWN_JS = """
() => {
  const app = document.querySelector("[data-testid='stApp']");
  const main = document.querySelector("[data-testid='stMain']");
  if (!app || !main || app.getAttribute('data-test-connection-state') !== 'CONNECTED') return false;
  const state = app.getAttribute('data-test-script-state');
  if (state !== 'notRunning' && (state !== 'running' || main.querySelector("[data-stale='true']"))) return false;
  if (!main.querySelector("[data-stale='false']")) return false;
  return [...main.querySelectorAll('.live-chart')].every((c) => c.querySelector('.main-svg'));
}
"""


@pytest.fixture(scope="module")
def projector(browser):
    """One 1280x720 page for the module's walk over the pages."""
    yield from projector_page(browser, WAIT_MS)


@pytest.mark.parametrize("path", PAGES)
def test_nothing_is_cut_or_overlaps_in_presenter_mode_at_1280x720(app_url, projector, path):
    page = projector
    page.goto(f"{app_url}{path}?present=1")
    page.wait_for_function(DRAWN_JS)
    for chart in page.locator("[data-testid='stMain'] .js-plotly-plot").all():
        chart.scroll_into_view_if_needed()                     # an off-screen live chart draws its latest update
    page.wait_for_function(DRAWN_JS)
    assert page.locator("[data-testid='stException']").count() == 0
    assert layout_problems(page) == [], path
