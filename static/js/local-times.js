// Dates in the reader's own time zone. The server writes each moment in the site's time zone
// (TIME_ZONE) inside <time datetime="…" data-local-time>; this rewrites the text with the
// browser's zone and locale, and says which zone it is. Without scripts the server's text stays.
(function () {
  "use strict";
  var format;
  try {
    format = new Intl.DateTimeFormat(undefined, {
      dateStyle: "medium",
      timeStyle: "short",
    });
  } catch (error) {
    return; // an old browser: the server's text stays
  }
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  document.querySelectorAll("time[data-local-time]").forEach(function (element) {
    var moment = new Date(element.getAttribute("datetime"));
    if (isNaN(moment.getTime())) return;
    element.textContent = format.format(moment) + (zone ? " (" + zone.replace(/_/g, " ") + ")" : "");
    element.title = "Your time zone: " + zone;
  });
})();
