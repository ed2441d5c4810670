/* Scenario form: show the priority weights or the single demand type only when the chosen
   objective uses them. Without JavaScript every input stays visible and still works. */
(function () {
  "use strict";
  var radios = document.querySelectorAll('input[name="objective"]');
  var parts = document.querySelectorAll("[data-objective]");
  if (!radios.length || !parts.length) { return; }

  function chosen() {
    for (var i = 0; i < radios.length; i += 1) {
      if (radios[i].checked) { return radios[i].value; }
    }
    return "value";
  }

  function update() {
    var objective = chosen();
    for (var i = 0; i < parts.length; i += 1) {
      var wanted = parts[i].getAttribute("data-objective") === objective;
      var hasError = parts[i].querySelector(".error-message") !== null;
      parts[i].hidden = !(wanted || hasError);
    }
  }

  for (var i = 0; i < radios.length; i += 1) {
    radios[i].addEventListener("change", update);
  }
  update();
}());

/* After a failed save, move focus to the list of problems so screen readers announce it. */
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
}());
