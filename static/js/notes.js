// Note form: choosing a session sets "How" to the way that session was held (telehealth for
// an online one), as the form opened for that session starts, so "In person" is not sent on
// an online session and refused. Without JavaScript the service's refusal still says so.
(function () {
  "use strict";
  var session = document.getElementById("id_session");
  var mode = document.getElementById("id_mode");
  if (!session || !mode) { return; }
  session.addEventListener("change", function () {
    var held = session.options[session.selectedIndex].getAttribute("data-mode");
    var offered = Array.prototype.some.call(mode.options, function (option) {
      return option.value === held;
    });
    if (offered) { mode.value = held; }
  });
})();
