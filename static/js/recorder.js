// Record a text read aloud with the browser's microphone (MediaRecorder): start, stop,
// listen, record again, save. Saving puts the recording into the upload form's file field
// and sends the form, so the server answers as for an uploaded file. Without JavaScript or a
// microphone the upload form alone is shown.
(function () {
  "use strict";
  var box = document.querySelector("[data-recorder]");
  var form = document.querySelector("[data-record-form]");
  if (!box || !form || !window.MediaRecorder || !navigator.mediaDevices) return;
  var start = box.querySelector("[data-record-start]");
  var stop = box.querySelector("[data-record-stop]");
  var again = box.querySelector("[data-record-again]");
  var save = box.querySelector("[data-record-save]");
  var playback = box.querySelector("[data-record-playback]");
  var state = box.querySelector("[data-record-state]");
  var failed = box.querySelector("[data-record-failed]");
  var recorder = null;
  var recorded = null;

  function show(element, shown) { element.hidden = !shown; }

  function reset() {
    recorded = null;
    show(start, true); show(stop, false); show(again, false); show(save, false);
    show(playback, false);
    state.textContent = "";
  }

  start.addEventListener("click", function () {
    navigator.mediaDevices.getUserMedia({ audio: true }).then(function (stream) {
      var parts = [];
      recorder = new MediaRecorder(stream);
      recorder.addEventListener("dataavailable", function (event) {
        if (event.data.size) parts.push(event.data);
      });
      recorder.addEventListener("stop", function () {
        stream.getTracks().forEach(function (track) { track.stop(); });
        recorded = new Blob(parts, { type: recorder.mimeType || "audio/webm" });
        playback.src = URL.createObjectURL(recorded);
        show(playback, true); show(again, true); show(save, true); show(stop, false);
        state.textContent = "";
      });
      recorder.start();
      show(start, false); show(stop, true);
      state.textContent = "\u25CF " + stop.textContent.trim() + "?";
    }, function () {
      show(failed, true); show(start, false);
    });
  });
  stop.addEventListener("click", function () { if (recorder) recorder.stop(); });
  again.addEventListener("click", reset);
  save.addEventListener("click", function () {
    if (!recorded) return;
    var type = recorded.type.split(";")[0];
    var extension = type.indexOf("mp4") >= 0 ? "m4a" : type.indexOf("ogg") >= 0 ? "ogg" : "webm";
    var file = new File([recorded], "recording." + extension, { type: type });
    var files = new DataTransfer();
    files.items.add(file);
    form.querySelector("input[type=file]").files = files.files;
    save.disabled = true;
    form.submit();
  });
  show(box, true);
})();
