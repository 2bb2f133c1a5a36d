// Sign the page out in the browser too when the server-side idle limit passes,
// so a record is not left on an unattended screen.
(function () {
  "use strict";
  var seconds = parseInt(document.body.dataset.idleSeconds || "0", 10);
  if (!seconds || !document.querySelector(".signout")) { return; }
  var timer;
  function reset() {
    clearTimeout(timer);
    timer = setTimeout(function () { window.location.reload(); }, (seconds + 5) * 1000);
  }
  ["click", "keydown", "htmx:afterRequest"].forEach(function (name) {
    document.addEventListener(name, reset, { passive: true });
  });
  reset();
})();
