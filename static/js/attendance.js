// Roll call: a row the facilitator may no longer record (403) comes back with its reason; show
// it in place too (tandem.js swaps the refusals every form shows: bad minutes, someone else's
// newer entry).
(function () {
  "use strict";
  var SHOW = [403];
  document.addEventListener("htmx:beforeSwap", function (event) {
    var detail = event.detail;
    if (SHOW.indexOf(detail.xhr.status) === -1) { return; }
    if (!detail.target || !detail.target.closest("[data-roll-call]")) { return; }
    detail.shouldSwap = true;
    detail.isError = false;
  });
  // After a refused row is swapped in, put the cursor where the fix goes.
  document.addEventListener("htmx:afterSwap", function (event) {
    var row = event.detail.target;
    if (!row || !row.classList || !row.classList.contains("has-problem")) { return; }
    var minutes = row.querySelector("input[name=minutes]");
    if (minutes && row.querySelector(".error")) { minutes.focus(); }
  });
})();
