/* Behaviour every page shares, kept out of the HTML because the content security policy allows
   no inline script or style (planner/security/headers.py):
   - data-min-width="900" on a wide table: its least width in pixels (set through element.style,
     which the policy allows; without script the table still scrolls inside its .table-wrap);
   - data-action="print" on a button: prints the page. */
(function () {
  "use strict";
  function ready() {
    document.querySelectorAll("[data-min-width]").forEach(function (element) {
      var width = parseInt(element.getAttribute("data-min-width"), 10);
      if (width > 0) { element.style.minWidth = width + "px"; }
    });
    document.querySelectorAll("[data-action='print']").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
