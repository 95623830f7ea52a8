// Enhancements for the server-rendered pages; every page works without this file.
// 1. <time datetime data-zone> elements: add the time in the reader's zone (or, with data-localize="replace",
//    rewrite the text in the reader's locale and zone). All-day dates stay dates: a world day is the same day everywhere.
// 2. Copy buttons next to read-only fields (hidden until this script shows them).
// 3. The filter form leaves empty fields out of the URL.
(function () {
  "use strict";
  var readerZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  var locale = document.documentElement.lang && document.documentElement.lang !== "en" ? document.documentElement.lang : undefined;

  function formatRange(start, end, withZone) {
    var day = { weekday: "short", day: "numeric", month: "short", year: "numeric" };
    var time = { hour: "2-digit", minute: "2-digit" };
    var startText = start.toLocaleDateString(locale, day) + ", " + start.toLocaleTimeString(locale, time);
    if (!end) return startText;
    var sameDay = start.toDateString() === end.toDateString();
    var endText = sameDay ? end.toLocaleTimeString(locale, withZone ? Object.assign({ timeZoneName: "short" }, time) : time)
      : end.toLocaleDateString(locale, day) + ", " + end.toLocaleTimeString(locale, time);
    return startText + "–" + endText;
  }

  function formatDate(iso) {
    var parts = iso.split("-");
    var date = new Date(Date.UTC(+parts[0], +parts[1] - 1, +parts[2]));
    return date.toLocaleDateString(locale, { weekday: "short", day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
  }

  document.querySelectorAll("time[datetime]").forEach(function (el) {
    var value = el.getAttribute("datetime");
    var allDay = value.length === 10;
    if (el.getAttribute("data-localize") === "replace") {
      if (allDay) { if (!el.getAttribute("data-end-date")) el.textContent = formatDate(value); return; }
      var end = el.getAttribute("data-end");
      el.textContent = formatRange(new Date(value), end ? new Date(end) : null, true);
      return;
    }
    var zone = el.getAttribute("data-zone");
    if (allDay || !zone || zone === readerZone) return;
    var note = document.createElement("span");
    note.className = "reader-time";
    var endValue = el.getAttribute("data-end");
    note.textContent = "Your time: " + formatRange(new Date(value), endValue ? new Date(endValue) : null, true);
    var zoneName = el.parentNode.querySelector(".zone-name");
    (zoneName || el).insertAdjacentElement("afterend", note);
  });

  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source) return;
    var label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      source.select();
      var done = function () {
        button.textContent = "Copied";
        setTimeout(function () { button.textContent = label; }, 2000);
      };
      if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(source.value).then(done, function () { document.execCommand("copy"); done(); });
      else { document.execCommand("copy"); done(); }
    });
  });

  var form = document.querySelector("form.filters");
  if (form) form.addEventListener("submit", function () {
    form.querySelectorAll("input[name], select[name]").forEach(function (field) {
      if ((field.type === "search" || field.tagName === "SELECT" || field.type === "hidden") && !field.value) field.disabled = true;
    });
  });
})();
