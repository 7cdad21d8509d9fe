"""Measure in a real browser what a projector shows: text cut or overflowing, boxes overlapping.

``layout_problems(page)`` returns one line per problem on the page as drawn now, for
- metric tiles: label, value and delta each fit their box (no scroll overflow, no text cut by an
  ellipsis), the delta badge stays on one line, the tile stays inside its column, and no two
  tiles overlap;
- headings (h1-h3) and page links of the main block: no overflow, no ellipsis;
- every Plotly chart (``st.plotly_chart`` and the live charts): its title, axis titles,
  colour-bar titles, annotations and legend lie inside the chart; the title, legend, colour bars
  and axis titles do not overlap each other (a legend on the title), and neither the title nor a
  colour bar overlaps a plot area (a colour bar on a neighbouring panel).
``out_of_viewport(page, selector)`` lists what of an element (its top, and every chart, image,
text block, tile and table in it) lies outside the window as it is scrolled now.
"""
from __future__ import annotations

LAYOUT_JS = r"""
() => {
  const problems = [];
  const main = document.querySelector('[data-testid="stMain"]');
  if (!main) return ["no main block"];
  const box = (el) => el.getBoundingClientRect();
  const shown = (el) => { const b = box(el); return b.width > 0.5 && b.height > 0.5 &&
                          getComputedStyle(el).visibility !== "hidden"; };
  const words = (el) => (el.textContent || "").replace(/\s+/g, " ").trim().slice(0, 50);
  const overlaps = (a, b, tol = 2) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > tol &&
                                      Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > tol;
  const inside = (a, b, tol = 2) => a.left >= b.left - tol && a.right <= b.right + tol &&
                                    a.top >= b.top - tol && a.bottom <= b.bottom + tol;
  const cut = (el, what) => {
    for (const node of [el, ...el.querySelectorAll("*")]) {
      if (!shown(node)) continue;
      const css = getComputedStyle(node);
      const wider = node.scrollWidth > node.clientWidth + 1 && node.clientWidth > 0;
      if (wider && css.textOverflow === "ellipsis") return problems.push(`${what} cut by an ellipsis: "${words(el)}"`);
      if (wider && css.overflowX !== "visible") return problems.push(`${what} overflows its box: "${words(el)}"`);
    }
  };
  // tiles
  const tiles = [...main.querySelectorAll('[data-testid="stMetric"]')].filter(shown);
  for (const tile of tiles) {
    const name = words(tile);
    for (const part of ["stMetricLabel", "stMetricValue", "stMetricDelta"]) {
      const el = tile.querySelector(`[data-testid="${part}"]`);
      if (el && shown(el)) cut(el, `tile ${part.slice(8).toLowerCase()}`);
    }
    const delta = tile.querySelector('[data-testid="stMetricDelta"]');
    if (delta && shown(delta)) {
      const text = delta.querySelector("div, p") || delta;
      const line = parseFloat(getComputedStyle(text).lineHeight) || parseFloat(getComputedStyle(text).fontSize) * 1.6;
      const lines = Math.round(box(text).height / line);
      if (box(text).height > line * 1.5) problems.push(`tile delta wraps onto ${lines} lines: "${name}"`);
    }
    const column = tile.closest('[data-testid="stColumn"]') || tile.parentElement;
    if (!inside(box(tile), box(column))) problems.push(`tile outside its column: "${name}"`);
    for (const part of tile.querySelectorAll('[data-testid="stMetricValue"] *, [data-testid="stMetricDelta"] *'))
      if (shown(part) && box(part).right > box(column).right + 2) {
        problems.push(`tile text runs out of its column: "${name}"`);
        break;
      }
  }
  for (let i = 0; i < tiles.length; i++)
    for (let j = i + 1; j < tiles.length; j++)
      if (overlaps(box(tiles[i]), box(tiles[j])))
        problems.push(`tiles overlap: "${words(tiles[i])}" / "${words(tiles[j])}"`);
  // headings and page links
  for (const h of main.querySelectorAll("h1, h2, h3")) if (shown(h)) cut(h, h.tagName.toLowerCase());
  for (const link of main.querySelectorAll('[data-testid="stPageLink"]')) if (shown(link)) cut(link, "page link");
  // charts
  for (const plot of main.querySelectorAll(".js-plotly-plot")) {
    if (!shown(plot)) continue;
    const svg = plot.querySelector(".main-svg");
    if (!svg) continue;
    const frame = box(svg);
    const title = plot.querySelector(".infolayer .g-gtitle text");
    const chart = `chart "${title ? words(title) : words(plot.querySelector(".infolayer") || plot)}"`;
    const texts = [...plot.querySelectorAll(".infolayer g[class$='title'] text, .infolayer .annotation-text, " +
                                            ".infolayer .cbtitle text")]
      .filter((t) => shown(t) && words(t));
    for (const t of texts) if (!inside(box(t), frame)) problems.push(`${chart}: "${words(t)}" runs out of the chart`);
    const legend = [...plot.querySelectorAll(".infolayer .legend")].filter(shown);
    for (const l of legend) if (!inside(box(l), frame)) problems.push(`${chart}: its legend runs out of the chart`);
    const areas = [...plot.querySelectorAll(".draglayer .nsewdrag")].filter(shown).map(box);
    const bars = [...plot.querySelectorAll(".infolayer .colorbar")].filter(shown);
    const axisTitles = [...plot.querySelectorAll(".infolayer g[class^='g-x'][class$='title'] text, " +
                                                 ".infolayer g[class^='g-y'][class$='title'] text")]
      .filter((t) => shown(t) && words(t));
    const labelled = [];
    if (title && shown(title) && words(title)) labelled.push(["title", title]);
    for (const l of legend) labelled.push(["legend", l.querySelector(".bg") || l]);
    for (const b of bars) labelled.push(["colour bar", b]);
    for (const a of axisTitles) labelled.push([`axis title "${words(a)}"`, a]);
    for (let i = 0; i < labelled.length; i++) {
      const [what, el] = labelled[i];
      for (let j = i + 1; j < labelled.length; j++) {
        const [other, el2] = labelled[j];
        if (what.startsWith("axis") && other.startsWith("axis")) continue;   // x and y titles never meet
        if (overlaps(box(el), box(el2))) problems.push(`${chart}: ${what} overlaps ${other}`);
      }
      // an axis title sits beside its own plot; a legend may sit in an empty corner of one
      if (what.startsWith("axis") || what === "legend") continue;
      if (areas.some((area) => overlaps(box(el), area))) problems.push(`${chart}: ${what} overlaps a plot area`);
    }
  }
  return problems;
}
"""

IN_VIEWPORT_JS = r"""
(selector) => {
  const view = document.querySelector(selector);
  if (!view) return [`no ${selector} on the page`];
  const height = window.innerHeight, width = window.innerWidth;
  const header = document.querySelector('[data-testid="stHeader"]');
  const top = header ? header.getBoundingClientRect().bottom : 0;
  const out = [];
  const check = (el, what) => {
    const b = el.getBoundingClientRect();
    if (b.width < 1 || b.height < 1) return;
    if (b.top < top - 1 || b.bottom > height + 1 || b.left < -1 || b.right > width + 1)
      out.push(`${what} at ${Math.round(b.top)}-${Math.round(b.bottom)} px, outside 0-${height}`);
  };
  const vb = view.getBoundingClientRect();
  if (vb.top < top - 1 || vb.top > height - 100) out.push(`the view starts at ${Math.round(vb.top)} px`);
  for (const el of view.querySelectorAll('.js-plotly-plot, [data-testid="stImage"], [data-testid="stMetric"], ' +
                                         '[data-testid="stDataFrame"], [data-testid="stTable"], ' +
                                         '[data-testid="stCode"]'))
    check(el, el.matches('.js-plotly-plot') ? "a chart" : el.getAttribute("data-testid"));
  return out;
}
"""


def layout_problems(page) -> list[str]:
    """Every cut, overflowing or overlapping text and box on the page as drawn now."""
    return page.evaluate(LAYOUT_JS)


def out_of_viewport(page, selector: str) -> list[str]:
    """What of ``selector`` (its top, its charts, images, tiles and tables) lies outside the window."""
    return page.evaluate(IN_VIEWPORT_JS, selector)
