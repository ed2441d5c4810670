/* Analyses of a plan (Monte Carlo, re-solves on draws): move each progress bar as the server
   reports draws done, and reload the plan page at its uncertainty section when one finishes.
   Without JavaScript the bar shows where it was when the page was drawn, with a refresh link. */
(function () {
  "use strict";
  if (!window.fetch) { return; }
  var panels = document.querySelectorAll(".analysis-progress[data-status-url]");

  function follow(panel) {
    var url = panel.getAttribute("data-status-url");
    var bar = panel.querySelector("progress");
    var words = panel.querySelector(".analysis-progress-words");
    var delay = 700;

    function poll() {
      fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) { throw new Error("status " + response.status); }
          return response.json();
        })
        .then(function (analysis) {
          bar.max = analysis.draws;
          bar.value = analysis.done;
          bar.textContent = analysis.done + " of " + analysis.draws;
          if (analysis.finished) {
            words.textContent = analysis.status === "failed" ? "failed" : "finished; showing the results…";
            window.location.hash = "uncertainty";
            window.location.reload();
            return;
          }
          words.textContent = analysis.status === "queued"
            ? "waiting its turn"
            : analysis.done.toLocaleString("en-GB") + " of " + analysis.draws.toLocaleString("en-GB") + " done";
          delay = Math.min(delay * 1.2, 3000);
          window.setTimeout(poll, delay);
        })
        .catch(function () {
          words.textContent = "could not reach the server; trying again";
          window.setTimeout(poll, 4000);
        });
    }
    window.setTimeout(poll, 300);
  }

  Array.prototype.forEach.call(panels, follow);
}());
