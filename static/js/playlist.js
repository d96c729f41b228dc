// The plan's play button plays every recorded step, one after another: when one ends, the
// next starts. Without JavaScript the first step plays.
(function () {
  "use strict";
  var player = document.querySelector("audio[data-playlist]");
  if (!player) return;
  var addresses = player.getAttribute("data-playlist").split(" ");
  var playing = 0;
  player.addEventListener("ended", function () {
    playing += 1;
    if (playing >= addresses.length) { playing = 0; player.src = addresses[0]; return; }
    player.src = addresses[playing];
    player.play();
  });
})();
