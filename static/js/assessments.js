// Skip logic for questionnaires: hide the items an instrument's own skip rules leave out
// (AUDIT 2-8 after "Never", C-SSRS 3-5 after a "no" to 2, ...). The rule comes from the
// instrument definition in each fieldset's data-skip; the server re-checks every answer,
// so this only spares the person answering questions that do not apply.
(function () {
  "use strict";
  var form = document.querySelector("form.questionnaire");
  if (!form) { return; }
  var ruled = Array.prototype.slice.call(form.querySelectorAll("fieldset[data-skip]"));
  if (!ruled.length) { return; }
  var fieldsets = {};
  Array.prototype.forEach.call(form.querySelectorAll("fieldset[data-item]"), function (fs) {
    fieldsets[fs.dataset.item] = fs;
  });

  // An item's value: a hidden (skipped) item counts as 0, as the scorer counts it;
  // null means "not answered yet", which leaves a rule undecided.
  function value(item) {
    var fs = fieldsets[item];
    if (fs && fs.hidden) { return 0; }
    var field = form.elements.namedItem("item-" + item);
    if (!field || field.value === "") { return null; }
    var number = parseInt(field.value, 10);
    return isNaN(number) ? null : number;
  }

  function allOf(results) {
    if (results.indexOf(false) >= 0) { return false; }
    return results.indexOf(null) >= 0 ? null : true;
  }

  function count(rule) {
    var matches = 0, unknown = 0, results = [];
    rule.items.forEach(function (item) {
      var v = value(item);
      if (v === null) { unknown += 1; } else if (v >= rule.low && v <= rule.high) { matches += 1; }
    });
    if (rule.at_least !== null && rule.at_least !== undefined) {
      results.push(matches >= rule.at_least ? true : (matches + unknown < rule.at_least ? false : null));
    }
    if (rule.at_most !== null && rule.at_most !== undefined) {
      results.push(matches + unknown <= rule.at_most ? true : (matches > rule.at_most ? false : null));
    }
    return allOf(results);
  }

  // Three-valued: true, false, or null when the answers so far do not decide it.
  function evaluate(rule) {
    var v, results;
    switch (rule.kind) {
      case "item-in":
        v = value(rule.item);
        return v === null ? null : rule.values.indexOf(v) >= 0;
      case "item-at-least":
        v = value(rule.item);
        return v === null ? null : v >= rule.value;
      case "count":
        return count(rule);
      case "all-of":
        return allOf(rule.conditions.map(evaluate));
      case "any-of":
        results = rule.conditions.map(evaluate);
        if (results.indexOf(true) >= 0) { return true; }
        return results.indexOf(null) >= 0 ? null : false;
      default:
        return null;
    }
  }

  function clear(fs) {
    Array.prototype.forEach.call(fs.querySelectorAll("input"), function (input) {
      if (input.type === "radio") { input.checked = false; } else { input.value = ""; }
    });
  }

  // A section heading goes when every question under it is skipped.
  function updateHeadings() {
    Array.prototype.forEach.call(form.querySelectorAll(".q-section"), function (heading) {
      var shown = false;
      for (var el = heading.nextElementSibling; el && !el.matches(".q-section"); el = el.nextElementSibling) {
        if (el.matches("fieldset[data-item]") && !el.hidden) { shown = true; break; }
      }
      heading.hidden = !shown;
    });
  }

  function update() {
    ruled.forEach(function (fs) {
      var skip = JSON.parse(fs.dataset.skip);
      var applies = evaluate(skip.when) === true;
      if (applies && !fs.hidden) {
        fs.hidden = true;
        clear(fs);
      } else if (!applies && fs.hidden) {
        fs.hidden = false;
      }
    });
    updateHeadings();
  }

  form.addEventListener("change", update);
  form.addEventListener("input", update);
  update();
})();
