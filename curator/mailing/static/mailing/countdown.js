(function () {
  // Ticks every [data-countdown] element down to its data-send-at; the server-rendered text is the fallback.
  function tick() {
    for (const el of document.querySelectorAll("[data-countdown]")) {
      let left = Math.max(0, Math.floor((Date.parse(el.dataset.sendAt) - Date.now()) / 1000));
      const d = Math.floor(left / 86400), h = Math.floor(left % 86400 / 3600), m = Math.floor(left % 3600 / 60), s = left % 60;
      el.textContent = left ? `in ${d ? d + " d " : ""}${h} h ${m} min ${s} s` : "due now";
    }
  }
  tick();
  setInterval(tick, 1000);
})();
