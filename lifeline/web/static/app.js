// Draw every chart whose figure the server embedded as JSON; nothing else on the page needs script.
(function () {
  "use strict";
  var rtl = document.documentElement.dir === "rtl";
  // A legend Plotly cannot fit in the figure scrolls inside its own box, its last entries (the cap, the
  // partial periods) cut at the box's lower edge, and it squeezes the plot: on a phone a horizontal legend
  // wraps to one entry a row. The chart grows by what the legend hides and keeps a plot at least MIN_PLOT
  // pixels tall, at any width and in either direction (tests/web/test_browser_layout.py).
  var MIN_PLOT = 220;
  function fit(el, tries) {
    var full = el._fullLayout, legend = el.querySelector("g.legend");
    if (!full || !legend || tries > 4) { el.setAttribute("data-fitted", "1"); return; }
    var bg = legend.querySelector("rect.bg"), box = legend.querySelector("g.scrollbox");
    var hidden = bg && box ? Math.max(0, box.getBBox().height - bg.getBBox().height) : 0;
    var short = Math.max(0, MIN_PLOT - full._size.h);
    // a legend drawn over the time axis's title (small multiples on a phone) moves below it
    var title = el.querySelector("g.g-xtitle text"), over = 0;
    if (title) {
      var a = title.getBoundingClientRect(), l = legend.getBoundingClientRect();
      if (a.height && l.top < a.bottom + 2 && l.bottom > a.top) { over = a.bottom + 4 - l.top; }
    }
    if (over > 0) {
      Plotly.relayout(el, { "legend.y": full.legend.y - over / full._size.h }).then(function () {
        fit(el, tries + 1);
      });
    } else if (hidden + short > 1) {
      Plotly.relayout(el, { height: Math.ceil(full.height + hidden + short + 4) }).then(function () {
        fit(el, tries + 1);
      });
    } else {
      el.setAttribute("data-fitted", "1");  // settled: what a reader (or a test) sees from now on
    }
  }
  var drawn = [];
  document.querySelectorAll("div.chart").forEach(function (el) {
    var spec = document.getElementById("fig-" + el.id.slice("chart-".length));
    if (!spec || typeof Plotly === "undefined") { return; }
    var fig = JSON.parse(spec.textContent);
    if (rtl) { fig.layout.font = { family: "Tahoma, 'Noto Sans Arabic', sans-serif" }; }
    Plotly.newPlot(el, fig.data, fig.layout, { responsive: true, displaylogo: false }).then(function () {
      fit(el, 0);
    });
    drawn.push(el);
  });
  var waiting = null;
  window.addEventListener("resize", function () {  // a phone turned sideways: the legend wraps anew
    clearTimeout(waiting);
    waiting = setTimeout(function () { drawn.forEach(function (el) { fit(el, 0); }); }, 300);
  });
})();
