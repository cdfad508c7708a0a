// Live sending progress on the issue page: polls the progress URL and reloads once sending stops.
// A static file, not an inline script, so the page works under Content-Security-Policy script-src 'self'.
(function () {
  "use strict";
  const panel = document.getElementById("mailing-panel");
  if (!panel || panel.dataset.status !== "sending" || panel.dataset.paused === "true") return;
  async function poll() {
    try {
      const response = await fetch(panel.dataset.progressUrl, {credentials: "same-origin"});
      const data = await response.json();
      for (const el of panel.querySelectorAll("[data-field]")) el.textContent = data[el.dataset.field];
      const bar = document.getElementById("mailing-bar");
      if (bar) bar.value = data.sent + data.failed;
      const stall = document.getElementById("mailing-stall");
      if (stall) {
        stall.hidden = !data.stalled;
        stall.className = data.stalled ? "errornote" : "";
        stall.textContent = data.stalled ? data.stalled.text : "";
      }
      if (data.status !== "sending" || data.paused) { window.location.reload(); return; }
    } catch (e) { /* a missed poll is retried below */ }
    setTimeout(poll, 2000);
  }
  setTimeout(poll, 2000);
})();
