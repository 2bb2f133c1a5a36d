// Diagnoses tab: a "Use F10.20" button in the code search results fills the code field.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-use-code]");
    var input = document.getElementById("id_code");
    if (!button || !input) { return; }
    input.value = button.getAttribute("data-use-code");
    input.focus();
  });
})();
