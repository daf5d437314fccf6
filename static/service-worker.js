// Roost's service worker (served from /service-worker.js, scope "/").
// Pages: network first; a copy of each recently viewed page is kept so it opens offline, read-only,
// marked as an offline copy. Never cached: anything but GET, HTMX fragments, the API.
// A form sent while offline gets the offline page, which says that nothing was saved.
"use strict";

var PAGES = "roost-pages-v1";    // recently viewed pages; emptied at log out (pwa.js)
var SHELL = "roost-shell-v1";    // the offline page, styles and scripts
var KEEP_PAGES = 30;
var OFFLINE_URL = "/offline";
// Kept at install so that the offline page has its looks even before any page was viewed.
var SHELL_FILES = [OFFLINE_URL, "/static/vendor/pico/pico.min.css", "/static/app.css", "/static/icon.svg"];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL).then(function (cache) { return cache.addAll(SHELL_FILES); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  var current = [PAGES, SHELL];
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) { return current.indexOf(name) < 0; })
      .map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function isCacheable(request, url) {
  if (request.method !== "GET" || url.origin !== self.location.origin) { return false; }
  if (url.pathname.indexOf("/api/") === 0 || request.headers.get("HX-Request")) { return false; }
  return request.mode === "navigate" || url.pathname.indexOf("/static/") === 0;
}

// Pages are kept only as HTML: a downloaded file (an attachment) is never stored on the device.
function isWorthKeeping(response, isPage) {
  return !isPage || (response.headers.get("Content-Type") || "").indexOf("text/html") === 0;
}

// Keep the newest KEEP_PAGES pages: the cache lists entries oldest first.
function trim(cache) {
  return cache.keys().then(function (keys) {
    return Promise.all(keys.slice(0, Math.max(0, keys.length - KEEP_PAGES)).map(function (key) { return cache.delete(key); }));
  });
}

// The saved copy of a page, marked so that pwa.js shows the offline notice and keeps forms from being sent.
function offlineCopy(response) {
  return response.text().then(function (html) {
    var headers = new Headers(response.headers);
    headers.delete("Content-Length");
    return new Response(html.replace("<html ", '<html data-offline-copy="true" '), {status: 200, headers: headers});
  });
}

function offlinePage() {
  return caches.match(OFFLINE_URL, {cacheName: SHELL}).then(function (page) {
    return page || Response.error();  // the browser's own (translated) network error page
  });
}

// A static file's link names its content (?v=...): one copy per file is kept, whatever its version, and offline
// any version serves (the offline page's copies were fetched without one, at install).
function networkFirst(request, url) {
  var isPage = request.mode === "navigate";
  var cacheName = isPage ? PAGES : SHELL;
  var sameFile = {cacheName: cacheName, ignoreSearch: !isPage};
  return fetch(request).then(function (response) {
    if (response.ok && response.type === "basic" && !response.redirected && isWorthKeeping(response, isPage)) {
      var copy = response.clone();
      caches.open(cacheName).then(function (cache) {
        return cache.delete(request, sameFile).then(function () { return cache.put(request, copy); })
          .then(function () { return isPage ? trim(cache) : null; });
      });
    }
    return response;
  }).catch(function () {
    return caches.match(request, sameFile).then(function (saved) {
      if (saved) { return isPage ? offlineCopy(saved) : saved; }
      return isPage ? offlinePage() : Response.error();
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (isCacheable(request, url)) {
    event.respondWith(networkFirst(request, url));
  } else if (request.mode === "navigate") {
    // A form sent as a page (POST): straight to the network; when that fails, say so, save nothing.
    event.respondWith(fetch(request).catch(offlinePage));
  }
});

self.addEventListener("message", function (event) {
  if (event.data === "forget-pages") { event.waitUntil(caches.delete(PAGES)); }
});
