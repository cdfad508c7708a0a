// The team's desk keys: v (+1, again to take it back) and c (I'll write it). Each is a POST with
// the desk's CSRF token; the answer is said in the desk's status line and the panel is reloaded.
(function () {
  "use strict";
  const desk = document.getElementById("desk");
  const team = document.getElementById("team-desk");
  if (!desk || !team) return;

  function say(text, kind) {
    const status = document.getElementById("desk-status");
    if (!status) return;
    status.textContent = text;
    status.dataset.kind = kind || "";
  }

  async function send(kind) {
    const current = document.getElementById("desk-current");
    const entryId = current && current.dataset.entryId;
    if (!entryId) return say("Choose an entry first.", "warning");
    const template = kind === "v" ? team.dataset.voteUrl : team.dataset.claimUrl;
    const url = template.replace(/\/0\/$/, "/" + entryId + "/");
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "X-CSRFToken": desk.dataset.csrfToken, Accept: "application/json" },
        credentials: "same-origin",
      });
      const data = await response.json();
      say(data.message || "", data.ok ? "" : "warning");
      if (data.ok) {
        const panel = await fetch(desk.dataset.baseUrl + entryId + "/", { credentials: "same-origin" });
        if (panel.ok && current.dataset.entryId === entryId) current.outerHTML = await panel.text();
      }
    } catch (error) {
      say("Not saved: the server did not answer.", "warning");
    }
  }

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (target && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName))) return;
    if (event.key === "v" || event.key === "c") {
      event.preventDefault();
      send(event.key);
    }
  });
  document.addEventListener("click", (event) => {
    const button = event.target.closest && event.target.closest("[data-team-key]");
    if (button) send(button.dataset.teamKey);
  });
})();
