// Note form: choosing a session fills in what the form opened for that session starts with:
// its date, times and minutes, and "How" as the session was held (telehealth for an online
// one), so the draft is not refused for a date or a way that differs from the session's.
// Without JavaScript the service's refusals still say so.
(function () {
  "use strict";
  var session = document.getElementById("id_session");
  var mode = document.getElementById("id_mode");
  if (!session || !mode) { return; }
  var fields = { date: "id_service_date", start: "id_start_time", end: "id_end_time", minutes: "id_minutes" };
  session.addEventListener("change", function () {
    var chosen = session.options[session.selectedIndex];
    var held = chosen.getAttribute("data-mode");
    var offered = Array.prototype.some.call(mode.options, function (option) {
      return option.value === held;
    });
    if (offered) { mode.value = held; }
    Object.keys(fields).forEach(function (key) {
      var input = document.getElementById(fields[key]);
      var value = chosen.getAttribute("data-" + key);
      if (input && value) { input.value = value; }
    });
  });
})();
