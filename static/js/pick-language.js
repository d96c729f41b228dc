// The static export's front door (portal/export.py): open the language the reader read last
// (offline.js remembers it), else the first one their browser asks for. Without either, or
// without JavaScript, the language chooser on this page stays.
(function () {
  "use strict";
  var available = document.currentScript.getAttribute("data-languages").split(" ");
  var wanted = [];
  try {
    wanted.push(window.localStorage.getItem("wegwijs-language"));
  } catch (error) { /* storage switched off */ }
  (navigator.languages || [navigator.language]).forEach(function (tag) {
    tag = String(tag).toLowerCase();
    wanted.push(tag, tag.split("-")[0]);
  });
  for (var i = 0; i < wanted.length; i += 1) {
    if (available.indexOf(wanted[i]) >= 0) {
      window.location.replace("/" + wanted[i] + "/");
      return;
    }
  }
})();
