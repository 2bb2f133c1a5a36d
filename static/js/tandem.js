// A refused form comes back, like a saved one, as the part of the page it was sent from, now
// with the reason (400 bad input, 409 changed by someone else since it was opened, 422): swap
// it in place so the person sees why nothing was saved. htmx leaves every 4xx unswapped by
// default, so the form would sit there as if nothing had happened. Other errors (403, 404,
// 5xx) are whole error pages and stay unswapped.
(function () {
  "use strict";
  if (!window.htmx) { return; }
  window.htmx.config.responseHandling = [
    { code: "204", swap: false },
    { code: "[23]..", swap: true },
    { code: "^(400|409|422)$", swap: true, error: false },
    { code: "[45]..", swap: false, error: true },
  ];
})();

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

// A top-bar menu closes when the next click lands outside it or Escape is pressed, as
// people expect of a menu; without this script it closes from its own button.
(function () {
  "use strict";
  function closeMenus(except) {
    document.querySelectorAll("details.navmenu[open]").forEach(function (menu) {
      if (menu !== except) { menu.removeAttribute("open"); }
    });
  }
  document.addEventListener("click", function (event) {
    closeMenus(event.target.closest && event.target.closest("details.navmenu"));
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { closeMenus(null); }
  });
})();

// On a phone a list table stacks each row's cells (see tandem.css); each cell is given its
// column's heading so "9 h" still says "Required". Content that htmx swaps in is labelled too.
(function () {
  "use strict";
  function label(root) {
    root.querySelectorAll("table.list").forEach(function (table) {
      var headings = Array.prototype.map.call(
        table.querySelectorAll("thead th"), function (th) { return th.textContent.trim(); });
      table.querySelectorAll("tbody tr").forEach(function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          if (cell.colSpan === 1 && headings[column] && !cell.hasAttribute("data-label")) {
            cell.setAttribute("data-label", headings[column]);
          }
          column += cell.colSpan;
        });
      });
    });
  }
  label(document);
  document.addEventListener("htmx:afterSettle", function () { label(document); });
})();

// Whether a field still holds what the page was served with: one that does not was changed
// before a script arrived, or restored by the browser. Page scripts (notes.js) load after this
// one and use it as Tandem.asServed.
window.Tandem = window.Tandem || {};
window.Tandem.asServed = function (field) {
  "use strict";
  if (field.type === "checkbox" || field.type === "radio") {
    return field.checked === field.defaultChecked;
  }
  if (field.tagName !== "SELECT") { return field.value === field.defaultValue; }
  var marked = Array.prototype.some.call(field.options, function (option) {
    return option.defaultSelected;
  });
  var chosen = field.options[field.selectedIndex];
  return marked ? Boolean(chosen && chosen.defaultSelected) : field.selectedIndex <= 0;
};

// A form or field that htmx follows as it changes (the level-of-care recommendation, the code
// search) may already hold a person's choices when htmx starts: picked before it arrived, or
// restored by the browser. Once htmx has started, it is asked once for what they hold now.
(function () {
  "use strict";
  var asServed = window.Tandem.asServed;
  // htmx starts on DOMContentLoaded too, from a listener its script added before this one.
  document.addEventListener("DOMContentLoaded", function () {
    if (!window.htmx) { return; }
    document.querySelectorAll("[hx-trigger]").forEach(function (el) {
      var events = el.getAttribute("hx-trigger").split(",").map(function (spec) {
        return spec.trim().split(/\s+/)[0];
      });
      var name = ["change", "input"].find(function (e) { return events.indexOf(e) >= 0; });
      if (!name) { return; }
      var fields = el.matches("input, select, textarea") ? [el] : el.querySelectorAll("input, select, textarea");
      if (Array.prototype.some.call(fields, function (field) { return !asServed(field); })) {
        htmx.trigger(el, name);
      }
    });
  });
})();
