"""A click on a cell of /train's hidden-state heatmap opens that unit and timestep in the cell view."""
import re

HEATMAP = ".live-chart[aria-label^='Hidden units']"
EXCEPTION = "[data-testid='stException']"

# Page coordinates of heatmap cell (t, unit): plotly's axis mapping plus the plot area's offset.
CELL_XY_JS = """
([selector, t, unit]) => {
  const div = document.querySelector(selector);
  const full = div && div._fullLayout;
  if (!full || !full.xaxis || !full.xaxis.l2p) return null;
  const box = div.getBoundingClientRect();
  return {x: box.left + full._size.l + full.xaxis.l2p(t), y: box.top + full._size.t + full.yaxis.l2p(unit),
          z: div._fullData[0].z[unit][t - 1]};
}
"""


def test_heatmap_click_opens_the_unit_with_the_models_numbers(app_url, page, wait_for_app):
    page.goto(f"{app_url}/train?arch=lstm&task=adding&seq_len=20&hidden=16&seed=3")
    wait_for_app(page)
    heatmap = page.locator(HEATMAP).first
    heatmap.scroll_into_view_if_needed()
    page.wait_for_function(f"() => {{ const d = document.querySelector(\"{HEATMAP}\"); "
                           "return d && d._fullLayout && d.data && d.data.length; }")
    t, unit = 7, 5
    cell = page.evaluate(CELL_XY_JS, [HEATMAP, t, unit])
    assert cell is not None
    page.mouse.click(cell["x"], cell["y"])
    page.wait_for_url(re.compile(r"/cell\?.*"), timeout=60_000)
    page.get_by_text(f"Unit {unit} of layer 0 at t = {t}: forward").first.wait_for(timeout=60_000)
    wait_for_app(page)
    assert "source=model" in page.url and f"unit={unit}" in page.url and f"t={t}" in page.url
    caption = page.get_by_text("the model's own replay gives h =").first.inner_text()
    shown = float(re.search(r"gives h = (-?\d+\.\d+)", caption).group(1))
    assert abs(shown - cell["z"]) < 2e-6, (shown, cell["z"])      # the probe's h_t[k] on /train
    assert page.locator(EXCEPTION).count() == 0
