// The job page without reloading: ask for the job's state every second and move the bar.
// Without JavaScript the page reloads itself (a <noscript> refresh) and shows the same.
(function () {
  "use strict";
  var job = document.querySelector("[data-job-url]");
  if (!job || !window.fetch) {
    return;
  }
  var bar = job.querySelector("progress");
  var count = job.querySelector("[data-job-count]");
  var minutes = job.querySelector("[data-job-minutes]");
  var state = job.getAttribute("data-job-state");

  function update() {
    fetch(job.getAttribute("data-job-url"), {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      cache: "no-store"
    })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (answer) {
        if (!answer) {
          window.setTimeout(update, 3000);
          return;
        }
        if (answer.state !== state) {
          window.location.reload(); // done or failed: the page says what to do next
          return;
        }
        if (bar) {
          bar.value = answer.done;
          bar.max = answer.total;
        }
        if (count) {
          count.textContent = answer.done;
        }
        if (minutes && answer.minutes_left) {
          minutes.textContent = answer.minutes_left;
          minutes.parentNode.hidden = false;
        }
        window.setTimeout(update, 1000);
      })
      .catch(function () {
        window.setTimeout(update, 3000);
      });
  }

  if (state === "queued" || state === "running") {
    window.setTimeout(update, 1000);
  }
})();
