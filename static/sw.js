/* Service worker: keeps the app shell and the inspection pages and checklists of the assets
 * opened, so that the form opens and works without a network. API writes are never touched:
 * the page's queue (inspect.js) owns them. */
'use strict';
var CACHE = 'ust-shell-v2';
var SHELL = ['/static/css/app.css', '/static/js/inspect.js', '/static/icons/icon-192.png', '/manifest.webmanifest'];
var PAGES = /^\/(assets\/\d+\/inspect|inspections\/\d+|scan)$/;
var CHECKLIST = /^\/api\/v1\/assets\/\d+\/checklist$/;

self.addEventListener('install', function (event) {
  // force-cache: take what the page just loaded from the HTTP cache instead of fetching again.
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return cache.addAll(SHELL.map(function (url) { return new Request(url, { cache: 'force-cache' }); }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener('activate', function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== CACHE; }).map(function (k) { return caches['delete'](k); }));
  }).then(function () { return self.clients.claim(); }));
});

function keep(request, response) {
  if (response.ok && !response.redirected && response.type === 'basic') {
    var copy = response.clone();
    caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
  }
  return response;
}

function networkFirst(request, ignoreSearch) {
  return fetch(request).then(function (response) { return keep(request, response); }, function () {
    return caches.match(request, { ignoreSearch: ignoreSearch }).then(function (hit) {
      return hit || new Response('Offline', { status: 503, headers: { 'Content-Type': 'text/plain' } });
    });
  });
}

function cacheFirst(request) {
  return caches.match(request).then(function (hit) {
    var fresh = fetch(request).then(function (response) { return keep(request, response); });
    if (hit) { fresh['catch'](function () {}); return hit; }
    return fresh;
  });
}

self.addEventListener('fetch', function (event) {
  var request = event.request, url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (CHECKLIST.test(url.pathname)) { event.respondWith(networkFirst(request, false)); return; }
  if (request.mode === 'navigate') {
    if (PAGES.test(url.pathname)) event.respondWith(networkFirst(request, true));
    return;
  }
  if (SHELL.indexOf(url.pathname) >= 0 || url.pathname.indexOf('/static/') === 0) event.respondWith(cacheFirst(request));
});

// The page asks to keep itself (it was loaded before the worker took control) and its checklist.
self.addEventListener('message', function (event) {
  var paths = (event.data && event.data.cache) || [];
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return Promise.all(paths.filter(function (p) { return PAGES.test(p); }).map(function (path) {
      var jobs = [cache.match(path).then(function (hit) {
        return hit || fetch(path, { credentials: 'same-origin', cache: 'force-cache' }).then(function (r) {
          if (r.ok && !r.redirected) return cache.put(path, r);
        });
      })];
      var m = /^\/assets\/(\d+)\/inspect$/.exec(path);
      if (m) {
        var list = '/api/v1/assets/' + m[1] + '/checklist';
        jobs.push(fetch(list, { credentials: 'same-origin' }).then(function (r) { if (r.ok) return cache.put(list, r); }));
      }
      return Promise.all(jobs);
    }));
  })['catch'](function () {}));
});
