// Roost's small front-end helpers. No inline scripts anywhere: the CSP forbids them.
(function () {
  "use strict";

  // Every HTMX request carries the CSRF token from the page's meta tag.
  document.addEventListener("htmx:configRequest", function (event) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) { event.detail.headers["X-CSRFToken"] = meta.content; }
  });

  // Sign-up guesses the organisation's time zone and currency from the browser.
  document.addEventListener("DOMContentLoaded", function () {
    var zone = document.querySelector('input[data-guess="timezone"]');
    if (zone) {
      try { zone.value = Intl.DateTimeFormat().resolvedOptions().timeZone || zone.value; } catch (e) { /* keep UTC */ }
    }
    var locale = document.querySelector('input[data-guess="locale"]');
    if (locale && navigator.language) { locale.value = navigator.language; }
  });

  // On a phone the main menu folds behind a button; the button says whether it is open.
  function setMenu(toggle, open) {
    toggle.setAttribute("aria-expanded", String(open));
    document.getElementById(toggle.getAttribute("aria-controls")).classList.toggle("is-open", open);
  }
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest(".nav-toggle");
    if (toggle) { setMenu(toggle, toggle.getAttribute("aria-expanded") !== "true"); }
  });
  // Escape closes the open menu and gives the focus back to its button.
  document.addEventListener("keydown", function (event) {
    var toggle = document.querySelector('.nav-toggle[aria-expanded="true"]');
    if (event.key === "Escape" && toggle) {
      setMenu(toggle, false);
      toggle.focus();
    }
  });
})();
