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
