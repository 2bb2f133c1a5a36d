// Availability and working-hours editors: "Add a window" clones the last empty row of the
// formset and bumps its TOTAL_FORMS count. Without JavaScript the spare rows still work.
(function () {
  "use strict";
  document.querySelectorAll("[data-windows]").forEach(function (table) {
    var form = table.closest("form");
    var button = form && form.querySelector("[data-add-window]");
    var total = form && form.querySelector("input[name$='-TOTAL_FORMS']");
    if (!button || !total) { return; }
    var prefix = total.name.replace(/-TOTAL_FORMS$/, "");
    button.hidden = false;
    button.addEventListener("click", function () {
      var rows = table.querySelectorAll("[data-window-row]");
      var last = rows[rows.length - 1];
      var index = parseInt(total.value, 10);
      var copy = last.cloneNode(true);
      var pattern = new RegExp(prefix + "-\\d+-", "g");
      copy.querySelectorAll("input, select, label").forEach(function (el) {
        ["name", "id", "for"].forEach(function (attr) {
          var value = el.getAttribute(attr);
          if (value) { el.setAttribute(attr, value.replace(pattern, prefix + "-" + index + "-")); }
        });
        if (el.tagName !== "LABEL") { el.value = ""; }
      });
      copy.querySelectorAll(".error").forEach(function (el) { el.remove(); });
      last.parentNode.appendChild(copy);
      total.value = index + 1;
      copy.querySelector("select, input").focus();
    });
  });
})();

// The build card names the week it will build: picking another date renames it to that
// date's week (Monday to Sunday), written as the server writes dates ("Mon 7 Dec 2026").
// It also names the date already in the field when the script starts, which differs from the
// server's when the browser restored the form or the user picked a date before the page loaded.
(function () {
  "use strict";
  var DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  document.querySelectorAll("[data-build-form]").forEach(function (form) {
    var input = form.querySelector("input[name='week_of']");
    var card = form.closest("section");
    if (!input || !card) { return; }
    function rename() {
      var parts = /^(\d{4})-(\d{2})-(\d{2})$/.exec(input.value);
      if (!parts) { return; }
      var monday = new Date(Date.UTC(+parts[1], +parts[2] - 1, +parts[3]));
      monday.setUTCDate(monday.getUTCDate() - (monday.getUTCDay() + 6) % 7);
      var text = DAYS[monday.getUTCDay()] + " " + monday.getUTCDate() + " " +
        MONTHS[monday.getUTCMonth()] + " " + monday.getUTCFullYear();
      card.querySelectorAll("[data-build-week]").forEach(function (el) { el.textContent = text; });
    }
    input.addEventListener("change", rename);
    rename();
  });
})();
