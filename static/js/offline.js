// Save a language's plan on this phone, to read it without internet, and keep it up to date.
//
// A bundle (portal/offline.py) is listed at offline.json: every file with its size and a hash
// of its bytes. This script saves the files into a cache of the browser; the list itself goes
// in last, so a save that was cut short never counts as saved. Whenever a page opens online,
// every saved bundle is compared with its list again: changed files are fetched, files that
// are gone are deleted. The service worker (/sw.js) only reads these caches.
(function () {
  "use strict";
  var PREFIX = "wegwijs-offline:";
  var BUSY_TRIES = 10; // 30 seconds of "not ready yet" before saving counts as failed
  if (!("serviceWorker" in navigator) || !window.caches || !window.fetch || !window.Promise) {
    // This browser cannot save pages: no button that does nothing.
    var unusable = document.querySelector("[data-offline-bundle]");
    if (unusable) {
      unusable.hidden = true;
    }
    return;
  }

  function cacheName(bundleUrl) {
    return PREFIX + bundleUrl;
  }

  // Fetch a file of a bundle; while the server is still making it (503, e.g. the plan's PDF
  // right after a text changed) ask again a little later instead of giving up.
  function fetchFresh(url, triesLeft) {
    return fetch(url, { cache: "no-cache", credentials: "omit" }).then(function (answer) {
      if (answer.status === 503 && triesLeft > 0) {
        return new Promise(function (resolve) { setTimeout(resolve, 3000); })
          .then(function () { return fetchFresh(url, triesLeft - 1); });
      }
      if (!answer.ok || answer.redirected) {
        var error = new Error(url + " answered " + answer.status);
        error.status = answer.status;
        throw error;
      }
      return answer;
    });
  }

  function fetchList(bundleUrl) {
    return fetchFresh(bundleUrl, BUSY_TRIES).then(function (answer) { return answer.json(); });
  }

  function savedList(cache, bundleUrl) {
    return cache.match(bundleUrl).then(function (kept) {
      return kept ? kept.json() : null;
    });
  }

  // Make the saved copy of a bundle what `list` describes. `progress` hears the bytes done.
  function sync(bundleUrl, list, progress) {
    return caches.open(cacheName(bundleUrl)).then(function (cache) {
      return savedList(cache, bundleUrl).then(function (old) {
        var oldHashes = {};
        (old ? old.files : []).forEach(function (file) {
          oldHashes[file.url] = file.hash;
        });
        var wanted = {};
        list.files.forEach(function (file) {
          wanted[file.url] = true;
        });
        var changed = list.files.filter(function (file) {
          return oldHashes[file.url] !== file.hash;
        });
        var total = changed.reduce(function (sum, file) { return sum + file.size; }, 0);
        var done = 0;
        // One file after the other: on a slow line that is as fast, and the bar moves evenly.
        var saving = changed.reduce(function (previous, file) {
          return previous.then(function () {
            return fetchFresh(file.url, BUSY_TRIES).then(function (answer) {
              // A recording the page has played sits in the browser's cache in parts (206),
              // which a cache cannot keep: fetch it whole.
              return answer.status === 206
                ? fetch(file.url, { cache: "reload", credentials: "omit" })
                : answer;
            }).then(function (answer) {
              return cache.put(file.url, answer).then(function () {
                done += file.size;
                if (progress) {
                  progress(done, total);
                }
              });
            });
          });
        }, Promise.resolve());
        return saving
          .then(function () { return cache.keys(); })
          .then(function (requests) {
            return Promise.all(requests.map(function (request) {
              var path = new URL(request.url).pathname;
              return wanted[path] || path === bundleUrl ? null : cache.delete(request);
            }));
          })
          .then(function () {
            var body = JSON.stringify(list);
            return cache.put(bundleUrl, new Response(body, {
              headers: { "Content-Type": "application/json" }
            }));
          });
      });
    });
  }

  function isSaved(bundleUrl) {
    return caches.has(cacheName(bundleUrl)).then(function (exists) {
      if (!exists) {
        return false;
      }
      return caches.open(cacheName(bundleUrl)).then(function (cache) {
        return cache.match(bundleUrl).then(function (kept) { return Boolean(kept); });
      });
    });
  }

  function savedBundles() {
    return caches.keys().then(function (names) {
      return names.filter(function (name) { return name.indexOf(PREFIX) === 0; })
        .map(function (name) { return name.slice(PREFIX.length); });
    });
  }

  // Online again: bring every saved bundle up to date (a 304 when nothing changed).
  function refreshAll() {
    return savedBundles().then(function (bundles) {
      return Promise.all(bundles.map(function (bundleUrl) {
        return fetchList(bundleUrl).then(function (list) {
          return isSaved(bundleUrl).then(function (complete) {
            return complete ? sync(bundleUrl, list) : null; // a save cut short waits for a tap
          });
        }, function (error) {
          if (error.status === 404) {
            return caches.delete(cacheName(bundleUrl)); // the language or municipality is gone
          }
          return null; // offline or busy: try again on the next page
        });
      }));
    });
  }

  function formatSize(bytes) {
    var lang = document.documentElement.lang;
    var kilobytes = Math.max(1, Math.round(bytes / 1000));
    try {
      return new Intl.NumberFormat(lang, { style: "unit", unit: "kilobyte" }).format(kilobytes);
    } catch (error) {
      return kilobytes + " kB";
    }
  }

  // Put a translated sentence with one {size} in it into an element, the size isolated.
  function showSize(element, bytes) {
    var parts = element.getAttribute("data-text").split("{size}");
    var size = document.createElement("bdi");
    size.textContent = formatSize(bytes);
    element.textContent = parts[0];
    element.appendChild(size);
    element.appendChild(document.createTextNode(parts[1] || ""));
  }

  function setUp(box) {
    var bundleUrl = box.getAttribute("data-offline-bundle");
    var saveButton = box.querySelector("[data-action=save-offline]");
    var removeButton = box.querySelector("[data-action=remove-offline]");
    var sizeText = box.querySelector("[data-offline-size]");
    var bar = box.querySelector("progress");
    var status = box.querySelector("[data-offline-status]");

    function say(state) {
      status.textContent = state ? status.getAttribute("data-" + state) : "";
      box.setAttribute("data-offline-state", state || "ready");
    }

    function showSaved() {
      say("saved");
      saveButton.hidden = true;
      sizeText.hidden = true;
      bar.hidden = true;
      removeButton.hidden = false;
    }

    function showReady() {
      saveButton.hidden = false;
      saveButton.disabled = false;
      sizeText.hidden = false;
      removeButton.hidden = true;
      bar.hidden = true;
      fetchList(bundleUrl).then(function (list) {
        showSize(sizeText, list.size);
      }, function () { /* the size is shown once the list can be had */ });
    }

    saveButton.addEventListener("click", function () {
      saveButton.disabled = true;
      bar.value = 0;
      bar.hidden = false;
      say("saving");
      navigator.serviceWorker.register("/sw.js")
        .then(function () { return fetchList(bundleUrl); })
        .then(function (list) {
          showSize(sizeText, list.size);
          return sync(bundleUrl, list, function (done, total) {
            bar.value = total ? Math.round(100 * done / total) : 100;
          });
        })
        .then(function () { return navigator.serviceWorker.ready; })
        .then(showSaved, function (error) {
          saveButton.disabled = false;
          bar.hidden = true;
          say(error && error.name === "QuotaExceededError" ? "full" : "failed");
        });
    });

    removeButton.addEventListener("click", function () {
      caches.delete(cacheName(bundleUrl)).then(function () {
        showReady();
        say("removed");
      });
    });

    isSaved(bundleUrl).then(function (saved) {
      if (saved) {
        showSaved();
      } else {
        showReady();
      }
    });
  }

  // The language read last: the static export's front door opens it (pick-language.js).
  try {
    window.localStorage.setItem("wegwijs-language", document.documentElement.lang);
  } catch (error) { /* storage switched off: the chooser asks again */ }

  var box = document.querySelector("[data-offline-bundle]");
  if (box) {
    setUp(box);
  }
  savedBundles().then(function (bundles) {
    if (bundles.length && navigator.onLine) {
      navigator.serviceWorker.register("/sw.js"); // in case the browser dropped it
      refreshAll().then(function () {
        document.documentElement.setAttribute("data-offline-refreshed", "");
      });
    }
  });
})();
