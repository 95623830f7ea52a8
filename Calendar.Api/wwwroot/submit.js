// Small enhancements of the event form; the form works the same without this file.
// - An empty time zone gets the browser's own zone (the server still checks it).
// - Only the timing fields that match "At set times" / "Whole days" are shown.
(function () {
  "use strict";
  var zone = document.getElementById("timeZone");
  if (zone && zone.value === "") {
    try {
      var own = Intl.DateTimeFormat().resolvedOptions().timeZone;
      if (own) zone.value = own;
    } catch (e) { /* keep it empty: the person types it */ }
  }
  var timed = document.getElementById("timing-timed");
  var allDay = document.getElementById("timing-all-day");
  var timedFields = document.getElementById("timed-fields");
  var dayFields = document.getElementById("all-day-fields");
  if (!timed || !allDay || !timedFields || !dayFields) return;
  document.querySelectorAll(".js-hide").forEach(function (el) { el.hidden = true; });
  function update() {
    timedFields.hidden = allDay.checked;
    dayFields.hidden = !allDay.checked;
  }
  timed.addEventListener("change", update);
  allDay.addEventListener("change", update);
  update();
})();
