// Draw every chart whose figure the server embedded as JSON; nothing else on the page needs script.
(function () {
  "use strict";
  var rtl = document.documentElement.dir === "rtl";
  document.querySelectorAll("div.chart").forEach(function (el) {
    var spec = document.getElementById("fig-" + el.id.slice("chart-".length));
    if (!spec || typeof Plotly === "undefined") { return; }
    var fig = JSON.parse(spec.textContent);
    if (rtl) { fig.layout.font = { family: "Tahoma, 'Noto Sans Arabic', sans-serif" }; }
    Plotly.newPlot(el, fig.data, fig.layout, { responsive: true, displaylogo: false });
  });
})();
