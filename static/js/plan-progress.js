/* Solving progress: ask the server how the plan is doing (waiting its turn, with how many plans
   are ahead of it, or solving) and open it when it is ready, or show why it failed.
   Without JavaScript the page refreshes itself (a <noscript> meta refresh) instead. */
(function () {
  "use strict";
  var panel = document.getElementById("plan-progress");
  if (!panel || !window.fetch) { return; }
  var statusUrl = panel.getAttribute("data-status-url");
  var statusText = document.getElementById("progress-status");
  var doing = document.getElementById("progress-doing");
  var delay = 800;
  var lastLabel = "";

  function show(label) {
    if (label === lastLabel) { return; }
    lastLabel = label;
    statusText.textContent = "Status: " + label;
  }

  function poll() {
    fetch(statusUrl, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("status " + response.status); }
        return response.json();
      })
      .then(function (plan) {
        show(plan.label);
        if (doing && plan.doing && plan.status === "running") {
          // What the worker is doing now, in words, with how far it has got.
          doing.textContent = plan.doing + (plan.progress ? " (" + plan.progress + "%)" : "");
          doing.hidden = false;
        }
        if (plan.finished && plan.status === "error") {
          // This page says why a plan failed, and offers to run it again.
          window.location.reload();
          return;
        }
        if (plan.finished) {
          statusText.textContent = "Status: " + plan.label + ". Opening the plan…";
          window.location.assign(plan.url);
          return;
        }
        delay = Math.min(delay * 1.3, 4000);
        window.setTimeout(poll, delay);
      })
      .catch(function () {
        show("Could not reach the server; trying again");
        window.setTimeout(poll, 4000);
      });
  }

  window.setTimeout(poll, 300);
}());
