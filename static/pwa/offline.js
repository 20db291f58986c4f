/* The offline page: says what was just saved on this phone and offers to try again. */
"use strict";
(function () {
  const saved = document.getElementById("saved-on-phone");
  if (saved && new URLSearchParams(location.search).has("saved")) saved.hidden = false;
  const retry = document.getElementById("try-again");
  if (retry) retry.addEventListener("click", () => history.length > 1 ? history.back() : location.assign("/"));
})();
