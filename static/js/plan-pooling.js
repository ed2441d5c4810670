/* The value of pooling is worked out by a job of its own after the plan (planner.solving.pooling_job).
   While it runs, ask the server how it is doing and put the figures into the page when ready.
   Without JavaScript the page says it is being worked out, and a reload shows it. */
(function () {
  "use strict";
  var section = document.getElementById("value-of-pooling");
  if (!section || !window.fetch) { return; }
  var url = section.getAttribute("data-pooling-url");
  var headline = document.getElementById("pooling-headline");
  var delay = 1000;

  function poll() {
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("status " + response.status); }
        return response.json();
      })
      .then(function (pooling) {
        if (!pooling.finished) {
          delay = Math.min(delay * 1.3, 5000);
          window.setTimeout(poll, delay);
          return;
        }
        // The server renders the section (escaped, as the page itself is): swap it in whole.
        var fresh = new DOMParser().parseFromString(pooling.html, "text/html");
        section.replaceChildren.apply(section, Array.prototype.slice.call(fresh.body.childNodes));
        section.setAttribute("data-pooling-status", pooling.status);
        if (headline) { headline.textContent = pooling.headline; }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }

  if (section.getAttribute("data-pooling-status") === "waiting" ||
      section.getAttribute("data-pooling-status") === "working") {
    window.setTimeout(poll, delay);
  }
}());
