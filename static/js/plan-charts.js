/* Draw the plan page's charts with the app's own copy of plotly.js. Every chart repeats a table
   that is always in the page; if plotly is missing the tables stand alone. */
(function () {
  "use strict";
  var source = document.getElementById("plan-charts");
  if (!source || !window.Plotly) { return; }
  var charts;
  try {
    charts = JSON.parse(source.textContent);
  } catch (error) {
    return;
  }
  var config = {
    displaylogo: false,
    responsive: true,
    modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d", "toggleSpikelines"],
    locale: "en-GB"
  };
  Object.keys(charts).forEach(function (id) {
    var element = document.getElementById(id);
    if (!element) { return; }
    var chart = charts[id];
    window.Plotly.newPlot(element, chart.data, chart.layout, config).then(function () {
      element.classList.add("chart-drawn");
    });
  });
}());
