// The triage desk: keys and buttons decide the current entry without reloading the page.
// A static file, not an inline script, so the page works under Content-Security-Policy script-src 'self'.
// Decisions are sent one after another (a queue of promises), so fast typing never reorders them;
// the list moves on at once and each entry shows "saving…" until the server has answered.
(function () {
  "use strict";
  const root = document.getElementById("desk");
  if (!root) return;
  const statusLine = document.getElementById("desk-status");
  const counter = document.getElementById("desk-remaining");
  const help = document.getElementById("desk-help");
  const base = root.dataset.baseUrl;
  const canDecide = root.dataset.canDecide === "true";
  const undoStack = [];
  let chain = Promise.resolve();
  let showing = 0;  // the latest panel asked for; older answers are dropped

  const items = () => Array.from(root.querySelectorAll(".desk-item[data-entry-id]"));
  const current = () => root.querySelector(".desk-item.is-current");
  const itemOf = (id) => root.querySelector('.desk-item[data-entry-id="' + id + '"]');
  const isOpen = (item) => item.dataset.triage === "new" && !item.classList.contains("is-pending");

  function say(text, kind) {
    statusLine.textContent = text;
    statusLine.className = "desk-status" + (kind ? " is-" + kind : "");
  }

  // An entry may have several requests on their way (decided, undone, decided again): it stays
  // "pending" until the last of them is answered. #desk[data-busy] counts all of them.
  function pending(item, text) {
    item.dataset.pending = String(Number(item.dataset.pending || 0) + 1);
    root.dataset.busy = String(Number(root.dataset.busy || 0) + 1);
    item.classList.add("is-pending");
    item.querySelector(".desk-item-state").textContent = text;
  }

  function mark(item, triage) {
    item.dataset.triage = triage;
    const left = Math.max(0, Number(item.dataset.pending || 0) - 1);
    item.dataset.pending = String(left);
    root.dataset.busy = String(Math.max(0, Number(root.dataset.busy || 0) - 1));
    if (left) return;
    item.classList.remove("is-pending");
    item.querySelector(".desk-item-state").textContent = triage === "new" ? "" : triage;
  }

  async function show(item) {
    if (!item) return;
    for (const other of items()) {
      other.classList.toggle("is-current", other === item);
      if (other === item) other.setAttribute("aria-current", "true"); else other.removeAttribute("aria-current");
    }
    item.focus({preventScroll: true});
    item.scrollIntoView({block: "nearest"});
    const ticket = ++showing;
    try {
      const response = await fetch(base + item.dataset.entryId + "/", {credentials: "same-origin"});
      if (!response.ok) throw new Error("HTTP " + response.status);
      const html = await response.text();
      if (ticket !== showing) return;
      const panel = document.getElementById("desk-current");
      panel.outerHTML = html;
    } catch (error) {
      if (ticket === showing) say("Could not load the entry (" + error.message + "). Try again.", "error");
    }
  }

  function step(direction) {
    const list = items();
    const index = list.indexOf(current());
    const next = list[index + direction];
    if (next) show(next);
  }

  function nextOpen(from) {
    const list = items();
    const index = list.indexOf(from);
    return list.slice(index + 1).find(isOpen) || list.slice(0, index).find(isOpen) || null;
  }

  async function post(url, fields) {
    const body = new URLSearchParams({...fields, scope: root.dataset.scope});
    let response;
    try {
      response = await fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: {"X-CSRFToken": root.dataset.csrfToken, "X-Requested-With": "fetch"},
        body: body,
      });
    } catch (error) {
      return {ok: false, message: "The server could not be reached: nothing was saved."};
    }
    const type = response.headers.get("Content-Type") || "";
    if (type.startsWith("application/json")) {
      try { return await response.json(); } catch (error) { /* answered below */ }
    }
    const reason = response.status === 403 ? "you may not do that, or your session expired: reload the page" : "HTTP " + response.status;
    return {ok: false, message: "The server refused (" + reason + "): nothing was saved."};
  }

  // One request after another; a step that throws is reported and never stops the ones after it.
  function enqueue(step) {
    chain = chain.then(step).catch((error) => say("Something went wrong: " + error.message, "error"));
  }

  function answered(item, data) {
    if (typeof data.remaining === "number") counter.textContent = data.remaining;
    mark(item, data.triage || item.dataset.triage);
    if (!data.ok) item.classList.add("is-failed"); else item.classList.remove("is-failed");
    say(data.message, !data.ok ? (data.conflict ? "conflict" : "error") : (data.warning ? "warning" : "done"));
    const panel = document.getElementById("desk-current");
    if (panel && panel.dataset.entryId === item.dataset.entryId && data.triage) {
      const state = panel.querySelector(".desk-triage");
      if (state) state.textContent = data.triage;
      panel.dataset.triage = data.triage;
    }
  }

  function decide(action) {
    const item = current();
    if (!item) return;
    if (action === "redraft") {
      pending(item, "drafting…");
      say("Asking for a new draft…", "busy");
      enqueue(async () => {
        answered(item, await post(base + item.dataset.entryId + "/decide/", {action: action, seen: item.dataset.triage}));
      });
      return;
    }
    pending(item, "saving…");
    const next = nextOpen(item);
    if (next) show(next);
    // Pushed now, filled in when the server answers: "u" always undoes the last key pressed.
    const record = {item: item, undo: null};
    undoStack.push(record);
    enqueue(async () => {
      const data = await post(base + item.dataset.entryId + "/decide/", {action: action, seen: item.dataset.triage});
      answered(item, data);
      if (data.ok) record.undo = data.undo;
      else if (undoStack.includes(record)) undoStack.splice(undoStack.indexOf(record), 1);  // nothing to undo
      if (!next && data.ok) say(data.message + " Nothing else is left in this list.", "done");
    });
  }

  function undo() {
    const record = undoStack.pop();
    if (!record) { say("Nothing to undo.", "warning"); return; }
    const item = record.item;
    show(item);
    pending(item, "undoing…");
    enqueue(async () => {
      if (!record.undo) {
        mark(item, item.dataset.triage);
        say("Nothing to undo: that decision was not saved.", "warning");
        return;
      }
      const fields = {action: record.undo.action, previous: record.undo.previous};
      if (record.undo.pick) fields.pick = record.undo.pick;
      const data = await post(base + item.dataset.entryId + "/undo/", fields);
      answered(item, data);
      // The panel was loaded before the undo was saved: load it again for the restored relevance and "like" line.
      if (data.ok && current() === item) show(item);
    });
  }

  function toggleHelp(open) {
    help.hidden = open === undefined ? !help.hidden : !open;
  }

  function openOriginal() {
    const panel = document.getElementById("desk-current");
    const url = panel && panel.dataset.url;
    if (url) window.open(url, "_blank", "noopener"); else say("This entry has no web address to open.", "warning");
  }

  const DECIDING = {s: "shortlist", x: "reject", a: "add", d: "redraft"};

  function focusSearch() {
    // The search box in the admin header (searches every entry, pick and issue).
    const box = document.getElementById("header-search-q");
    if (box) box.focus(); else say("Search needs permission to view entries.", "warning");
  }

  function handle(key) {
    if (key === "/") return focusSearch();
    if (key === "?") return toggleHelp();
    if (key === "Escape") return toggleHelp(false);
    if (key === "j") return step(1);
    if (key === "k") return step(-1);
    if (key === "o") return openOriginal();
    if (key in DECIDING || key === "u") {
      if (!canDecide) return say("You may only view the desk: deciding needs permission to change entries.", "warning");
      if (key === "a" && root.dataset.canAdd !== "true") return say("You may not add entries to issues.", "warning");
      if (key === "d" && root.dataset.canRedraft !== "true") return say("You may not ask for drafts.", "warning");
      return key === "u" ? undo() : decide(DECIDING[key]);
    }
  }

  document.addEventListener("keydown", (event) => {
    const target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (target.closest && target.closest("input, textarea, select, [contenteditable]")) return;
    if (event.key in DECIDING || ["?", "/", "Escape", "j", "k", "o", "u"].includes(event.key)) {
      event.preventDefault();
      handle(event.key);
    }
  });

  root.addEventListener("click", (event) => {
    const button = event.target.closest("[data-desk-key]");
    if (button) { handle(button.dataset.deskKey); return; }
    const item = event.target.closest(".desk-item[data-entry-id]");
    if (item) show(item);
  });
})();
