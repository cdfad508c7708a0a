// The schedule form's time zone: when the server knows nothing better (the editor never scheduled
// before), start from the zone this browser runs in, so "09:00" means the editor's nine o'clock.
(function () {
  "use strict";
  var select = document.querySelector("select[data-browser-zone]");
  var zone = window.Intl && Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!select || !zone) return;
  for (var i = 0; i < select.options.length; i++) {
    if (select.options[i].value === zone) {
      select.value = zone;
      return;
    }
  }
})();
