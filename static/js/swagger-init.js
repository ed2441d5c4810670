/* Start Swagger UI on the API's docs page with the settings the server wrote as JSON. */
(function () {
  "use strict";
  var source = document.getElementById("swagger-settings");
  var settings = JSON.parse(source.textContent);
  var options = {
    url: new URL(settings.url, window.location.href).href,
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [window.SwaggerUIBundle.presets.apis],
    plugins: [window.SwaggerUIBundle.plugins.DownloadUrl],
    // BaseLayout: the standalone top bar draws its logo with an inline <style>, which the
    // content security policy refuses, and its address box is not needed here.
    layout: "BaseLayout",
    showExtensions: true,
    showCommonExtensions: true
  };
  Object.keys(settings.config).forEach(function (key) { options[key] = settings.config[key]; });
  window.ui = window.SwaggerUIBundle(options);
})();
