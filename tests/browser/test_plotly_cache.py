"""plotly.js reaches the browser once: a later visit in the same browser takes its stored copy.

Streamlit serves ``plotly.min.js`` with ``Cache-Control: public`` and no lifetime or validator, so a
plain ``<script>`` fetches its 4.8 MB again on every visit; the app frame's preload
(``playground.ui.plotly_preload``) asks for the stored copy. Resource Timing tells a stored copy
from a transfer: ``transferSize`` is 0 for a response served from the browser's cache.
"""
from __future__ import annotations

DRAWN = ".live-chart .main-svg"
WAIT_MS = 120_000

# Every plotly.min.js fetch of this document: (transferred bytes, body bytes).
PLOTLY_FETCHES_JS = """() => performance.getEntriesByType('resource')
  .filter((e) => e.name.includes('plotly.min.js'))
  .map((e) => [e.transferSize, e.decodedBodySize, e.name, e.initiatorType])"""


def visit(page, url, wait_for_app):
    """Open ``url``, wait until its charts are drawn; the plotly.min.js fetches of the visit."""
    page.goto(url)
    wait_for_app(page)
    page.wait_for_selector(DRAWN, timeout=WAIT_MS)
    return page.evaluate(PLOTLY_FETCHES_JS)


def test_a_second_visit_draws_its_charts_without_fetching_plotly_again(app_url, page, wait_for_app):
    first = visit(page, f"{app_url}/train", wait_for_app)
    assert len(first) == 1 and first[0][0] > 1_000_000            # fetched once, over the network
    second_page = page.context.new_page()                            # a new tab: a new session
    second = visit(second_page, f"{app_url}/train", wait_for_app)
    assert len(second) == 1 and second[0][0] == 0 and second[0][1] > 1_000_000   # the stored copy
    third = visit(second_page, f"{app_url}/train?seq_len=20", wait_for_app)   # a reload, another run
    assert len(third) == 1 and third[0][0] == 0
