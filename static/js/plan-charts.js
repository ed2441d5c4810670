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
  // On a phone, long names beside horizontal bars would leave the bars no room: they are
  // broken into lines of a few words and drawn a little smaller. Names arrive with &, < and >
  // already written as entities (planner/plans/charts.py), and spaces never fall inside one.
  function wrapped(label, width) {
    var lines = [];
    var line = "";
    String(label).split(" ").forEach(function (word) {
      if (line && (line + " " + word).length > width) {
        lines.push(line);
        line = word;
      } else {
        line = line ? line + " " + word : word;
      }
    });
    lines.push(line);
    return lines.join("<br>");
  }

  function fitted(chart, element) {
    var meta = chart.layout.meta || {};
    if (element.clientWidth >= 640 || meta.category_axis !== "y") { return chart; }
    chart.data.forEach(function (trace) {
      if (trace.y) { trace.y = trace.y.map(function (label) { return wrapped(label, 16); }); }
    });
    chart.layout.font = Object.assign({}, chart.layout.font, { size: 12 });
    return chart;
  }

  Object.keys(charts).forEach(function (id) {
    var element = document.getElementById(id);
    if (!element) { return; }
    var chart = fitted(charts[id], element);
    window.Plotly.newPlot(element, chart.data, chart.layout, config).then(function () {
      element.classList.add("chart-drawn");
    });
  });
}());
