// The service worker of Wegwijs: it opens saved pages when the network cannot.
//
// It only reads the caches that the page's script (offline.js) fills with a reader's saved
// bundles, and never writes: a page online comes from the network as usual, a saved page
// offline (or on a line that does not answer) from the cache, any other page offline gets
// the offline page of a saved bundle, in the reader's language where there is one.
// Staff and editor pages are never answered here: they are not saved and never will be.
"use strict";

var PREFIX = "wegwijs-offline:";
var NETWORK_WAIT_MS = 5000; // then a saved copy is better than waiting longer

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) {
    return;
  }
  if (/^\/(staff|editor)(\/|$)/.test(url.pathname)) {
    return;
  }
  event.respondWith(answer(request, url));
});

function answer(request, url) {
  return caches.match(url.pathname, { ignoreVary: true }).then(function (saved) {
    if (saved && url.pathname.indexOf("/static/") === 0) {
      return saved; // a static file's address changes with its contents: never stale
    }
    if (saved && url.pathname.indexOf("/audio/") === 0) {
      // A recording's address names its version, too. An audio element asks for byte
      // ranges (Safari insists on them): cut the saved file to the range asked for.
      var range = request.headers.get("range");
      return range ? partial(saved, range) : saved;
    }
    if (!saved && request.mode !== "navigate") {
      return fetch(request);
    }
    return fromNetwork(request, saved ? NETWORK_WAIT_MS : 0).then(function (response) {
      return response.status >= 500 && saved ? saved : response;
    }, function () {
      return saved || offlinePage(url);
    });
  });
}

// The part of a saved response that a Range header ("bytes=100-" or "bytes=100-199") asks for.
function partial(saved, range) {
  var found = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
  return saved.arrayBuffer().then(function (body) {
    var size = body.byteLength;
    var start = found && found[1] ? parseInt(found[1], 10) : 0;
    var end = found && found[2] ? Math.min(parseInt(found[2], 10), size - 1) : size - 1;
    if (!found || start >= size || start > end) {
      return new Response(null, { status: 416, headers: { "Content-Range": "bytes */" + size } });
    }
    return new Response(body.slice(start, end + 1), {
      status: 206,
      headers: {
        "Content-Type": saved.headers.get("Content-Type") || "audio/mp4",
        "Content-Range": "bytes " + start + "-" + end + "/" + size,
        "Content-Length": String(end - start + 1),
        "Accept-Ranges": "bytes"
      }
    });
  });
}

// The network's answer, or a failure once it took longer than `waitMs` (0: wait for it).
function fromNetwork(request, waitMs) {
  var network = fetch(request);
  if (!waitMs) {
    return network;
  }
  return new Promise(function (resolve, reject) {
    var timer = setTimeout(function () { reject(new Error("slow network")); }, waitMs);
    network.then(function (response) {
      clearTimeout(timer);
      resolve(response);
    }, function (error) {
      clearTimeout(timer);
      reject(error);
    });
  });
}

// The offline page of a saved bundle: the one in the language of the address first.
// A bundle saved at /<lang>/offline.json has its offline page at /<lang>/offline/.
function offlinePage(url) {
  var lang = url.pathname.split("/")[1];
  return caches.keys().then(function (names) {
    var bundles = names.filter(function (name) { return name.indexOf(PREFIX) === 0; })
      .map(function (name) { return name.slice(PREFIX.length); });
    bundles.sort(function (a, b) {
      return (b.split("/")[1] === lang) - (a.split("/")[1] === lang);
    });
    return bundles.reduce(function (found, bundleUrl) {
      return found.then(function (page) {
        return page || caches.open(PREFIX + bundleUrl).then(function (cache) {
          return cache.match(bundleUrl.replace(/\.json$/, "/"));
        });
      });
    }, Promise.resolve(null));
  }).then(function (page) {
    return page || Response.error();
  });
}
