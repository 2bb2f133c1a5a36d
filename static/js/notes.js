// Note form: choosing a session fills in what the form opened for that session starts with:
// its date, times and minutes, and "How" as the session was held (telehealth for an online
// one), so the draft is not refused for a date or a way that differs from the session's.
// A session chosen before this script arrived (or restored by the browser) is filled in when
// it starts, leaving alone any field the person changed too. Without JavaScript the service's
// refusals still say so.
(function () {
  "use strict";
  var session = document.getElementById("id_session");
  var mode = document.getElementById("id_mode");
  if (!session || !mode) { return; }
  var fields = { date: "id_service_date", start: "id_start_time", end: "id_end_time", minutes: "id_minutes" };
  var asServed = window.Tandem.asServed;  // tandem.js, loaded before this script

  function follow(keepChanged) {
    var chosen = session.options[session.selectedIndex];
    if (!chosen) { return; }
    function fill(field, value) {
      if (field && value && !(keepChanged && !asServed(field))) { field.value = value; }
    }
    var held = chosen.getAttribute("data-mode");
    var offered = Array.prototype.some.call(mode.options, function (option) {
      return option.value === held;
    });
    if (offered) { fill(mode, held); }
    Object.keys(fields).forEach(function (key) {
      fill(document.getElementById(fields[key]), chosen.getAttribute("data-" + key));
    });
  }

  session.addEventListener("change", function () { follow(false); });
  if (!asServed(session)) { follow(true); }
})();
