// The workspace's only script (served from /static, so the Content-Security-Policy can forbid inline scripts).
// Clicking a transcript line or a quote seeks its answer's player there; the line being heard is highlighted.
(function () {
  "use strict";

  function playerFor(qid) {
    var players = document.querySelectorAll("audio[data-qid]");
    for (var i = 0; i < players.length; i++) {
      if (players[i].dataset.qid === qid) return players[i];
    }
    return null;
  }

  function seek(target) {
    var player = playerFor(target.dataset.audio);
    var at = parseFloat(target.dataset.seek);
    if (!player || isNaN(at)) return;
    player.currentTime = at;
    var playing = player.play();
    if (playing && playing.catch) playing.catch(function () { /* autoplay refused: the position is still set */ });
    player.scrollIntoView({block: "nearest", behavior: "smooth"});
  }

  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-seek]");
    if (target) seek(target);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" && event.key !== " ") return;
    var target = event.target.closest("[data-seek]");
    if (target) { event.preventDefault(); seek(target); }
  });

  // highlight the transcript line under the playhead
  document.querySelectorAll("audio[data-qid]").forEach(function (player) {
    var answer = player.closest(".answer");
    if (!answer) return;
    var lines = Array.prototype.slice.call(answer.querySelectorAll(".line[data-seek]"));
    player.addEventListener("timeupdate", function () {
      var current = null;
      lines.forEach(function (line) { if (parseFloat(line.dataset.seek) <= player.currentTime + 0.05) current = line; });
      lines.forEach(function (line) { line.classList.toggle("current", line === current && !player.paused); });
    });
    player.addEventListener("pause", function () { lines.forEach(function (l) { l.classList.remove("current"); }); });
  });

  // filters apply as soon as they change; the Apply button stays for keyboards and no-script use
  document.querySelectorAll("form[data-autosubmit] select").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
})();
