// Roll call: a row that was not saved (bad minutes, someone else's newer entry, no access)
// comes back with a 4xx status; show it in place so the facilitator sees why.
(function () {
  "use strict";
  var SHOW = [403, 409, 422];
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
