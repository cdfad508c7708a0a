// Ordering on the issue page without reloading it: drag a pick (native HTML5 drag and drop), or use
// the ▲ ▼ buttons of a pick or a section. The page's new order is posted whole to the order URL
// (data-order-url); when the server refuses, every node goes back where it was and the reason shows
// in #order-status. Without this script the same buttons submit the form and the server moves the
// item (saving pending edits first), so nothing depends on it. A static file, for CSP script-src 'self'.
(function () {
  "use strict";
  // Back from *Use this draft* (#pick-12): unfold that pick, so the new blurb shows where the editor was.
  const target = /^#pick-(\d+)$/.exec(window.location.hash);
  const targetCard = target && document.querySelector('.issue-pick[data-pick-id="' + target[1] + '"] > .issue-pick-details');
  if (targetCard) {
    targetCard.open = true;
    document.getElementById("pick-" + target[1]).scrollIntoView({block: "start"});
  }
  const root = document.querySelector(".issue-sections[data-order-url]");
  if (!root) return;
  const status = document.getElementById("order-status");
  const marker = document.createElement("div");
  marker.className = "drop-marker";
  let busy = false;
  let dragged = null;
  let dragSnapshot = null;

  const sections = () => Array.from(root.querySelectorAll(":scope > .issue-section"));
  const listOf = (section) => section.querySelector(":scope > .issue-section-picks");
  const picksOf = (section) => Array.from(listOf(section).querySelectorAll(":scope > .issue-pick[data-pick-id]"));
  const emptyNote = (section) => listOf(section).querySelector(":scope > .issue-section-empty");
  const titleOf = (node) => {
    const el = node.querySelector(".issue-pick-title, .issue-section-title");
    return el ? el.textContent.trim() : "";
  };

  function currentOrder() {
    const picks = {};
    for (const section of sections()) picks[section.dataset.sectionId] = picksOf(section).map((p) => Number(p.dataset.pickId));
    return {sections: sections().map((s) => Number(s.dataset.sectionId)), picks: picks};
  }

  function snapshot() {
    return sections().map((section) => ({section: section, picks: picksOf(section)}));
  }

  function restore(saved) {
    for (const {section, picks} of saved) {
      root.appendChild(section);
      for (const pick of picks) listOf(section).insertBefore(pick, emptyNote(section));
    }
    sync();
  }

  // Keep the rest of the form in step with what the page shows: each pick's section field (so Save
  // keeps the new section), the counts, and the rows of the sections table below.
  function sync() {
    for (const section of sections()) {
      const picks = picksOf(section);
      for (const pick of picks) {
        const select = pick.querySelector("select[name$='-section']");
        if (select) select.value = section.dataset.sectionId;
      }
      const count = section.querySelector(".issue-section-count");
      if (count) count.textContent = picks.length + (picks.length === 1 ? " pick" : " picks");
    }
    const table = document.querySelector("#sections-group tbody");
    if (!table) return;
    const rows = new Map();
    for (const input of table.querySelectorAll("tr.form-row input[name$='-id']")) {
      if (input.value) rows.set(input.value, input.closest("tr"));
    }
    const ordered = sections().map((s) => rows.get(s.dataset.sectionId)).filter(Boolean);
    const rest = Array.from(table.children).find((row) => !ordered.includes(row)) || null;
    for (const row of ordered) table.insertBefore(row, rest);
  }

  function say(text, isError) {
    status.textContent = text;
    status.classList.toggle("is-error", Boolean(isError));
  }

  function csrfToken() {
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  async function store(saved, node, message) {
    busy = true;
    root.setAttribute("aria-busy", "true");
    say("Saving the order…");
    try {
      const response = await fetch(root.dataset.orderUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-CSRFToken": csrfToken()},
        body: JSON.stringify(currentOrder()),
      });
      let data = {};
      try { data = await response.json(); } catch (e) { /* not JSON: a login page or a server error */ }
      if (!response.ok) throw new Error(data.error || "the server answered " + response.status + ".");
      say(message);
      node.classList.add("just-moved");
      setTimeout(() => node.classList.remove("just-moved"), 900);
    } catch (error) {
      restore(saved);
      say("Not moved: " + (error && error.message ? error.message : "the server could not be reached."), true);
    } finally {
      busy = false;
      root.removeAttribute("aria-busy");
    }
  }

  function where(pick) {
    const section = pick.closest(".issue-section");
    return "place " + (picksOf(section).indexOf(pick) + 1) + " of “" + titleOf(section) + "”";
  }

  // Same rule as the server's move_pick: past a section's edge a pick goes into the next section.
  function stepPick(pick, step) {
    const section = pick.closest(".issue-section");
    const siblings = picksOf(section);
    const index = siblings.indexOf(pick);
    if (step < 0 && index > 0) {
      listOf(section).insertBefore(pick, siblings[index - 1]);
    } else if (step > 0 && index < siblings.length - 1) {
      listOf(section).insertBefore(pick, siblings[index + 1].nextSibling);
    } else {
      const all = sections();
      const next = all[all.indexOf(section) + step];
      if (!next) return false;
      listOf(next).insertBefore(pick, step < 0 ? emptyNote(next) : listOf(next).firstChild);
    }
    return true;
  }

  function stepSection(section, step) {
    const all = sections();
    const other = all[all.indexOf(section) + step];
    if (!other) return false;
    root.insertBefore(section, step < 0 ? other : other.nextSibling);
    return true;
  }

  function move(button) {
    const pick = button.closest(".issue-pick[data-pick-id]");
    const section = button.closest(".issue-section");
    const step = button.matches(".pick-up, .section-up") ? -1 : 1;
    const node = button.matches(".pick-up, .pick-down") ? pick : section;
    const saved = snapshot();
    const y = window.scrollY;
    const moved = node === pick ? stepPick(pick, step) : stepSection(section, step);
    if (!moved) {
      say("“" + titleOf(node) + "” is already " + (step < 0 ? "first." : "last."));
      return;
    }
    sync();
    button.focus({preventScroll: true});
    if (window.scrollY !== y) window.scrollTo(window.scrollX, y);
    const message = node === pick
      ? "Moved “" + titleOf(pick) + "” to " + where(pick) + "."
      : "Moved section “" + titleOf(section) + "” " + (step < 0 ? "up." : "down.");
    store(saved, node, message);
  }

  root.addEventListener("click", (event) => {
    const button = event.target.closest(".pick-up, .pick-down, .section-up, .section-down");
    if (!button) return;
    event.preventDefault();  // the no-script fallback submits the form; here nothing reloads
    if (!busy) move(button);
  });

  // A pick chosen in another section from its drop-down moves there at once, to the end.
  root.addEventListener("change", (event) => {
    const select = event.target.closest("select[name$='-section']");
    const pick = select && select.closest(".issue-pick[data-pick-id]");
    const target = pick && root.querySelector(".issue-section[data-section-id='" + CSS.escape(select.value) + "']");
    if (!target || busy || target === pick.closest(".issue-section")) return;
    const saved = snapshot();
    listOf(target).insertBefore(pick, emptyNote(target));
    sync();
    select.focus({preventScroll: true});
    store(saved, pick, "Moved “" + titleOf(pick) + "” to " + where(pick) + ".");
  });

  // Text in the fields stays selectable: a pick is dragged from its header, not from an input.
  root.addEventListener("mousedown", (event) => {
    const pick = event.target.closest(".issue-pick[data-pick-id]");
    if (pick) pick.draggable = !event.target.closest("input, textarea, select, button, a, .draft-text");
  });

  root.addEventListener("dragstart", (event) => {
    const pick = event.target.closest && event.target.closest(".issue-pick[data-pick-id]");
    if (!pick || busy || pick !== event.target) return;
    dragged = pick;
    dragSnapshot = snapshot();
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", pick.dataset.pickId);
    requestAnimationFrame(() => pick.classList.add("dragging"));
  });

  root.addEventListener("dragover", (event) => {
    const section = dragged && event.target.closest(".issue-section");
    if (!section) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    const before = picksOf(section).find((p) => {
      if (p === dragged) return false;
      const box = p.getBoundingClientRect();
      return event.clientY < box.top + box.height / 2;
    });
    listOf(section).insertBefore(marker, before || emptyNote(section));
    for (const s of sections()) s.classList.toggle("drop-target", s === section);
  });

  root.addEventListener("drop", (event) => {
    if (!dragged || !marker.parentNode) return;
    event.preventDefault();
    const pick = dragged;
    const before = JSON.stringify(currentOrder());
    marker.replaceWith(pick);
    sync();
    if (JSON.stringify(currentOrder()) === before) return;
    store(dragSnapshot, pick, "Moved “" + titleOf(pick) + "” to " + where(pick) + ".");
  });

  root.addEventListener("dragend", () => {
    marker.remove();
    for (const s of sections()) s.classList.remove("drop-target");
    if (dragged) dragged.classList.remove("dragging");
    dragged = null;
  });
})();
