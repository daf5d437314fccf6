// The phone-ready side of Roost: registers the service worker, shows the offline notice, and makes
// sure nothing is "sent" while offline without the user seeing that it failed.
(function () {
  "use strict";

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/service-worker.js", {scope: "/"}).catch(function (error) {
      console.warn("Roost works without offline pages here:", error);
    });
  }

  function notice() { return document.getElementById("offline-notice"); }

  function isOfflineCopy() { return document.documentElement.dataset.offlineCopy === "true"; }

  function cannotSend() { return isOfflineCopy() || !navigator.onLine; }

  function showNotice() {
    var element = notice();
    if (element) { element.hidden = !cannotSend(); }
  }

  // Said in the page's live region, so screen readers hear it too.
  function sayNotSent() {
    var element = notice(), messages = document.getElementById("messages");
    if (!element || !messages) { return; }
    var line = document.createElement("p");
    line.className = "notice notice-error";
    line.setAttribute("role", "alert");
    line.textContent = element.dataset.notSent;
    messages.appendChild(line);
  }

  function forgetPages() {
    if (navigator.serviceWorker && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage("forget-pages");
    }
  }

  // A page served to nobody signed in (the session ended, or someone else is about to sign in):
  // the pages kept for the last user go.
  document.addEventListener("DOMContentLoaded", function () {
    if (!isOfflineCopy() && !document.querySelector("[data-forget-offline-pages]")) { forgetPages(); }
  });
  document.addEventListener("DOMContentLoaded", showNotice);
  window.addEventListener("online", showNotice);
  window.addEventListener("offline", showNotice);

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.hasAttribute("data-forget-offline-pages")) { forgetPages(); }  // log out: the next user sees none
    if (cannotSend() && (form.method || "get").toLowerCase() === "post") {
      event.preventDefault();
      event.stopImmediatePropagation();
      sayNotSent();
    }
  }, true);

  document.addEventListener("htmx:beforeRequest", function (event) {
    if (cannotSend()) {
      event.preventDefault();
      sayNotSent();
    }
  });
  document.addEventListener("htmx:sendError", sayNotSent);
})();
