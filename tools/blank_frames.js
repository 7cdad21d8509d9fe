// Counts the animation frames in which a Plotly chart is not drawn, and its remounts.
//
// Load it into a page (Playwright: page.add_script_tag(path=...) or evaluate its text),
// then call
//     const counter = window.countBlankFrames("[data-testid='stPlotlyChart']");
// From the first frame in which the chart under that CSS selector is drawn, every
// animation frame is checked: is a drawn plot there (a `.main-svg` holding a trace whose path
// has a non-empty `d`, or whose image is there), and is the plot's DOM node the one of
// the first drawn frame? `counter` (also window.blankFrameCounters[selector]) holds:
//   frames       frames checked since the first drawn frame
//   blank        of those, frames with no drawn plot under the selector
//   nodeChanges  frames whose plot node differs from the previous frame's (remounts)
//   sameNode     true while every frame showed the first drawn frame's node
//   points       markers drawn in the chart's scatter traces, in the last frame
// Stop it with counter.stop(). It only reads the DOM: it does not slow the chart down
// beyond one querySelector per frame.
(() => {
  function plotNode(selector) {
    const box = document.querySelector(selector);
    if (!box) return null;
    return box.classList.contains("js-plotly-plot") ? box : box.querySelector(".js-plotly-plot");
  }

  function isDrawn(node) {
    if (!node || !node.querySelector(".main-svg")) return false;
    for (const el of node.querySelectorAll(".main-svg .trace path, .main-svg .trace image")) {
      if (el.tagName.toLowerCase() === "image" || (el.getAttribute("d") || "").length > 0) return true;
    }
    return false;
  }

  window.blankFrameCounters = window.blankFrameCounters || {};
  window.countBlankFrames = function (selector) {
    const counter = {selector, frames: 0, blank: 0, nodeChanges: 0, sameNode: true, points: 0,
                     started: false, running: true, stop() { this.running = false; }};
    let first = null;
    let previous = null;
    function tick() {
      if (!counter.running) return;
      const node = plotNode(selector);
      const drawn = isDrawn(node);
      if (!counter.started && drawn) {
        counter.started = true;
        first = previous = node;
      } else if (counter.started) {
        counter.frames += 1;
        if (!drawn) counter.blank += 1;
        if (node !== previous) counter.nodeChanges += 1;
        if (node !== first) counter.sameNode = false;
        previous = node;
      }
      if (drawn) counter.points = node.querySelectorAll(".scatterlayer .trace .points path").length;
      requestAnimationFrame(tick);
    }
    requestAnimationFrame(tick);
    window.blankFrameCounters[selector] = counter;
    return counter;
  };
})();
