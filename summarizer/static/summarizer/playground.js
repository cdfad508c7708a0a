// Changing a knob means the editor wants to see it run: tick "The knobs below" as a column.
(function () {
  "use strict";
  const knobs = document.querySelector("input[name=columns][value=knobs]");
  const tweak = document.querySelector(".playground-tweak");
  if (!knobs || !tweak) return;
  tweak.addEventListener("change", function (event) {
    if (event.target.closest("table") && event.target.name !== "name" && event.target.name !== "description") {
      knobs.checked = true;
    }
  });
})();
