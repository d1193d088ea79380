/* Service worker: keeps the app shell and the inspection pages and checklists of the assets
 * opened, so that the form opens and works without a network. Field mode: once the phone is
 * prepared (field.js), every carried tag's page and inspection form open offline from one
 * cached shell page that renders the carried data. API writes are never touched: the page's
 * queue (inspect.js) owns them. Logging out clears what is carried; unsent inspections stay. */
'use strict';
var CACHE = 'ust-shell-v3';
var SHELL = ['/static/css/app.css', '/static/js/inspect.js', '/static/icons/icon-192.png', '/manifest.webmanifest'];
// What a prepared phone may be asked to carry besides the data (the scan page names the
// pages that render it and the scanner's scripts; see templates/field/scan.html).
var CARRY = /^\/(scan|field\/[a-z]+|static\/[\w./-]+)$/;
var PAGES = /^\/(assets\/\d+\/inspect|inspections\/\d+|scan)$/;
var FORM = /^\/assets\/\d+\/inspect$/;
var TAG = /^\/t\/[^/]+$/;
var CHECKLIST = /^\/api\/v1\/assets\/\d+\/checklist$/;
var SHELL_PAGE = '/field/shell';

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

function offline() {
  return new Response('Offline', { status: 503, headers: { 'Content-Type': 'text/plain' } });
}

function networkFirst(request, ignoreSearch) {
  return fetch(request).then(function (response) { return keep(request, response); }, function () {
    return caches.match(request, { ignoreSearch: ignoreSearch }).then(function (hit) { return hit || offline(); });
  });
}

/* A tag's page or a form: the network; offline, the page as last seen (forms), else the
 * shell that renders the carried data (it says so when the tag is not carried). */
function carried(request, keepPage) {
  return fetch(request).then(function (response) { return keepPage ? keep(request, response) : response; }, function () {
    return caches.match(request, { ignoreSearch: true }).then(function (hit) {
      return hit || caches.match(SHELL_PAGE).then(function (shell) { return shell || offline(); });
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

/* ---- the queue of unsent inspections (inspect.js's database), read here at log-out ---- */
function unsent() {
  return new Promise(function (resolve) {
    var req = indexedDB.open('ust-inspections', 1);
    req.onupgradeneeded = function () { req.result.createObjectStore('queue', { keyPath: 'client_uuid' }); };
    req.onerror = function () { resolve(0); };
    req.onsuccess = function () {
      var db = req.result, tx = db.transaction('queue', 'readonly'), all = tx.objectStore('queue').getAll();
      all.onsuccess = function () { db.close(); resolve(all.result.length); };
      all.onerror = function () { db.close(); resolve(0); };
    };
  });
}

/* Forget what was carried: the field data and every cached page (they show the user's data).
 * The queue keeps what is not sent yet (what was sent left it already). */
function clearCarried() {
  var data = new Promise(function (resolve) {
    var req = indexedDB.deleteDatabase('ust-field');
    req.onsuccess = req.onerror = req.onblocked = function () { resolve(); };
  });
  var pages = caches.open(CACHE).then(function (cache) {
    return cache.keys().then(function (keys) {
      return Promise.all(keys.filter(function (r) {
        var path = new URL(r.url).pathname;
        return path.indexOf('/static/') !== 0 && path !== '/manifest.webmanifest';
      }).map(function (r) { return cache['delete'](r); }));
    });
  });
  return Promise.all([data, pages]);
}

function logout(event) {
  var request = event.request;
  return request.clone().formData().then(function (form) { return form.get('confirm_unsent'); }, function () { return null; })
    .then(function (confirmed) {
      return unsent().then(function (n) {
        if (n > 0 && !confirmed) {
          return caches.match('/field/logout').then(function (hit) {
            return hit ? Response.redirect('/field/logout', 303) : clearCarried().then(function () { return fetch(request); });
          });
        }
        return clearCarried().then(function () { return fetch(request); });
      });
    });
}

self.addEventListener('fetch', function (event) {
  var request = event.request, url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === 'POST' && url.pathname === '/logout' && request.mode === 'navigate') {
    event.respondWith(logout(event));
    return;
  }
  if (request.method !== 'GET') return;
  if (CHECKLIST.test(url.pathname)) { event.respondWith(networkFirst(request, false)); return; }
  if (request.mode === 'navigate') {
    if (TAG.test(url.pathname)) event.respondWith(carried(request, false));
    else if (FORM.test(url.pathname)) event.respondWith(carried(request, true));
    else if (PAGES.test(url.pathname) || CARRY.test(url.pathname)) event.respondWith(networkFirst(request, true));
    return;
  }
  if (SHELL.indexOf(url.pathname) >= 0 || url.pathname.indexOf('/static/') === 0) event.respondWith(cacheFirst(request));
});

function carry(paths) {
  return caches.open(CACHE).then(function (cache) {
    return Promise.all(paths.filter(function (p) { return CARRY.test(p); }).concat(SHELL).map(function (path) {
      return fetch(path, { credentials: 'same-origin', cache: 'no-cache' }).then(function (r) {
        if (!r.ok || r.redirected) throw new Error(path + ' ' + r.status);
        return cache.put(path, r);
      });
    }));
  });
}

// The page asks to keep itself (it was loaded before the worker took control) and its
// checklist; the scan page asks to carry the field pages ({carry: [paths]}, answered on a port).
self.addEventListener('message', function (event) {
  var data = event.data || {}, port = event.ports && event.ports[0];
  if (data.carry) {
    event.waitUntil(carry(data.carry).then(function () { if (port) port.postMessage({ ok: true }); }, function (err) {
      if (port) port.postMessage({ ok: false, error: String(err && err.message || err) });
    }));
    return;
  }
  if (data.forget) {
    event.waitUntil(clearCarried().then(function () { if (port) port.postMessage({ ok: true }); }));
    return;
  }
  var paths = data.cache || [];
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
