// The periodic-task form of django-celery-beat: the chosen crontab in words under the field.
// A static file because script-src 'self' blocks the package's inline script; the words are set as
// text (textContent), never parsed as HTML, since crontab fields are free text in the database.
(function () {
  "use strict";
  const data = document.getElementById("readable-crontabs");
  const select = document.getElementById("id_crontab");
  if (!data || !select) return;
  const readable = JSON.parse(data.textContent);
  const translation = document.createElement("div");
  translation.className = "help crontab-translation";
  select.closest(".field-crontab, .form-row")?.appendChild(translation);
  function update() {
    const words = readable[select.value];
    translation.textContent = words ? "Translation: " + words : "";
  }
  select.addEventListener("change", update);
  update();
  for (const row of document.querySelectorAll(".field-crontab_translation")) row.hidden = true;
})();
