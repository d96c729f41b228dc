// Readability advice beside the Dutch editor, kept up to date while the editor types.
// The server measures (the same rules as `flask content check`) and sends the advice back.
"use strict";
document.querySelectorAll("[data-readability]").forEach(function (panel) {
  var form = document.getElementById(panel.dataset.form);
  var text = document.getElementById(panel.dataset.readability);
  var timer = null;
  var asked = 0;
  function measure() {
    var number = ++asked;
    var data = new FormData();
    data.append("csrf_token", form.elements.csrf_token.value);
    data.append("text", text.value);
    fetch(panel.dataset.url, { method: "POST", body: data, credentials: "same-origin" })
      .then(function (reply) { return reply.ok ? reply.text() : null; })
      .then(function (html) {
        if (html !== null && number === asked) { panel.innerHTML = html; }  // the latest only
      })
      .catch(function () { /* offline: the advice from the last answer stays */ });
  }
  text.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(measure, 400);
  });
});
