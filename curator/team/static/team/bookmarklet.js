// Turns the profile page's "Suggest to Curator" link into a bookmarklet. It is built here rather
// than written into the page, so the page itself carries no script URL; all it does when clicked
// on another site is navigate to our suggest page with that page's address and title.
(function () {
  "use strict";
  const box = document.getElementById("team-bookmarklet");
  const link = document.getElementById("team-bookmarklet-link");
  if (!box || !link) return;
  const target = JSON.stringify(box.dataset.suggestUrl);
  link.setAttribute(
    "href",
    "javascript:void(location.href=" + target +
      "+'?url='+encodeURIComponent(location.href)+'&title='+encodeURIComponent(document.title))"
  );
  link.addEventListener("click", (event) => event.preventDefault());
})();
