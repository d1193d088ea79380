/* Field mode. On the scan page: "prepare this phone" reads the user's field pack
 * (GET /api/v1/field/pack, paged; later only what changed since the cursor) into IndexedDB and
 * has the service worker keep the pages that render it. On the shell page (which the worker
 * answers offline for /t/<tag> and /assets/<id>/inspect): renders the carried card or the
 * inspection form, then loads the queue (inspect.js) that stores and sends inspections. */
(function () {
  'use strict';
  var DB_NAME = 'ust-field', STORES = ['assets', 'facilities', 'checklists', 'meta'], DAY = 86400000;
  var $ = function (sel, root) { return (root || document).querySelector(sel); };
  var $$ = function (sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); };
  var LANG = document.documentElement.lang || 'en';

  /* ---- IndexedDB ---- */
  var dbPromise = null;
  function openDb() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        var req = indexedDB.open(DB_NAME, 1);
        req.onupgradeneeded = function () {
          var db = req.result;
          db.createObjectStore('assets', { keyPath: 'id' }).createIndex('tag', 'tag', { unique: true });
          db.createObjectStore('facilities', { keyPath: 'id' });
          db.createObjectStore('checklists', { keyPath: 'key' });
          db.createObjectStore('meta', { keyPath: 'key' });
        };
        req.onsuccess = function () {
          req.result.onversionchange = function () { req.result.close(); dbPromise = null; };
          resolve(req.result);
        };
        req.onerror = function () { reject(req.error); };
      });
    }
    return dbPromise;
  }
  function tx(names, mode, fn) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(names, mode), out = fn(t);
        t.oncomplete = function () { resolve(out && 'result' in out ? out.result : out); };
        t.onerror = t.onabort = function () { reject(t.error); };
      });
    });
  }
  function getOne(store, key, index) {
    return tx([store], 'readonly', function (t) {
      var s = t.objectStore(store);
      return index ? s.index(index).get(key) : s.get(key);
    });
  }
  function count() { return tx(['assets'], 'readonly', function (t) { return t.objectStore('assets').count(); }); }
  function forget() {
    return tx(STORES, 'readwrite', function (t) { STORES.forEach(function (n) { t.objectStore(n).clear(); }); });
  }

  /* ---- dates and tags ---- */
  function day(iso) { return new Date(iso.length === 10 ? iso + 'T00:00:00' : iso); }
  function showDate(iso) {
    return iso ? new Intl.DateTimeFormat(LANG, { year: 'numeric', month: 'short', day: 'numeric' }).format(day(iso)) : '';
  }
  function showMoment(ms) {
    return new Intl.DateTimeFormat(LANG, { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' }).format(new Date(ms));
  }
  function isoToday(offsetDays) {
    var d = new Date(Date.now() + (offsetDays || 0) * DAY);
    return d.getFullYear() + '-' + ('0' + (d.getMonth() + 1)).slice(-2) + '-' + ('0' + d.getDate()).slice(-2);
  }
  function canonical(text) {
    return String(text || '').replace(/[\s\-_]+/g, '').toUpperCase().replace(/O/g, '0').replace(/[IL]/g, '1');
  }
  function display(tag) { return tag.match(/.{1,4}/g).join('-'); }

  /* ---- the service worker ---- */
  function worker(message) {
    if (!('serviceWorker' in navigator)) return Promise.reject(new Error('no service worker'));
    return navigator.serviceWorker.register('/sw.js').then(function () { return navigator.serviceWorker.ready; }).then(function (reg) {
      return new Promise(function (resolve, reject) {
        var channel = new MessageChannel();
        channel.port1.onmessage = function (e) { if (e.data && e.data.ok) resolve(); else reject(new Error(e.data && e.data.error)); };
        reg.active.postMessage(message, [channel.port2]);
      });
    });
  }

  /* ================= the scan page: prepare ================= */
  function setupPrepare(box) {
    var T = JSON.parse(box.getAttribute('data-i18n') || '{}'), user = Number(box.getAttribute('data-user'));
    var button = $('[data-action="prepare-offline"]', box), state = $('#field-state'), bar = $('#field-progress');
    var busy = false;
    function counted(key, n) { var m = T[key]; return (n === 1 ? m.one : m.other).replace('{n}', n); }
    function showReady(meta, n, extra) {
      state.setAttribute('data-offline-ready', 'true');
      state.setAttribute('data-prepared-at', new Date(meta.prepared).toISOString());
      state.setAttribute('data-carried', n);
      var stale = Date.now() - meta.prepared > DAY;
      state.className = 'queue' + (stale ? ' waiting' : '');
      state.textContent = T.ready.replace('{count}', n).replace('{when}', showMoment(meta.prepared)) + (extra ? ' ' + extra : '') + (stale ? ' ' + T.stale : '');
    }
    function fetchPage(mode, since, after) {
      var q = '?mode=' + mode + '&limit=500&after=' + after + (since ? '&since=' + encodeURIComponent(since) : '');
      return fetch(box.getAttribute('data-pack') + q, { credentials: 'same-origin', headers: { Accept: 'application/json' } }).then(function (r) {
        return r.json().then(function (data) {
          if (!r.ok) { var e = new Error(data.message || r.status); e.status = r.status; throw e; }
          return data;
        });
      });
    }
    function save(page) {
      return tx(['assets', 'facilities', 'checklists'], 'readwrite', function (t) {
        var a = t.objectStore('assets'), f = t.objectStore('facilities'), c = t.objectStore('checklists');
        page.assets.forEach(function (rec) { a.put(rec); });
        Object.keys(page.facilities).forEach(function (id) { var v = page.facilities[id]; v.id = Number(id); f.put(v); });
        Object.keys(page.checklists).forEach(function (key) { c.put({ key: key, html: page.checklists[key] }); });
        page.removed.forEach(function (id) { a['delete'](id); });
      });
    }
    function run(mode, since) {
      var cursor = null, done = 0, prepared = Date.now();
      function next(after) {
        return fetchPage(mode, since, after).then(function (page) {
          if (cursor === null) cursor = page.cursor;
          done += page.assets.length;
          bar.max = Math.max(page.total, 1);
          bar.value = done;
          state.textContent = T.loading.replace('{done}', done).replace('{total}', page.total);
          return save(page).then(function () { return page.next === null ? null : next(page.next); });
        });
      }
      return (since ? Promise.resolve() : forget()).then(function () { return next(0); }).then(function () {
        state.textContent = T.pages;
        return worker({ carry: JSON.parse(box.getAttribute('data-carry') || '[]') });
      }).then(function () {
        var meta = { key: 'pack', cursor: cursor, prepared: prepared, mode: mode, user: user };
        return tx(['meta'], 'readwrite', function (t) { t.objectStore('meta').put(meta); }).then(function () { return meta; });
      }).then(function (meta) {
        return count().then(function (n) { showReady(meta, n, since ? counted('updated', done) : ''); });
      });
    }
    button.addEventListener('click', function () {
      if (busy) return;
      if (!navigator.onLine) { state.textContent = T.offline; return; }
      var chosen = $('input[name="field-mode"]:checked'), mode = chosen ? chosen.value : 'all';
      busy = true;
      button.disabled = true;
      bar.hidden = false;
      state.setAttribute('data-offline-ready', 'false');
      state.removeAttribute('data-prepared-at');
      getOne('meta', 'pack').then(function (meta) {
        var since = meta && meta.user === user && meta.mode === mode && mode === 'all' ? meta.cursor : null; // a plan: whole
        return run(mode, since)['catch'](function (err) {
          if (since && err.status === 422) return run(mode, null); // a cursor the server refuses
          throw err;
        });
      })['catch'](function (err) {
        state.setAttribute('data-offline-ready', 'false');
        state.className = 'queue waiting';
        state.textContent = T.failed.replace('{why}', err && err.message || err);
      }).then(function () { busy = false; button.disabled = false; bar.hidden = true; });
    });
    // What this phone carries already (someone else's data is forgotten first).
    getOne('meta', 'pack').then(function (meta) {
      if (!meta) return;
      if (meta.user !== user) return forget().then(function () { return worker({ forget: true }); });
      return count().then(function (n) { showReady(meta, n, ''); });
    })['catch'](function () {});
  }

  /* ================= the shell: render carried data ================= */
  function fill(root, slot, text) { var el = $('[data-slot="' + slot + '"]', root); if (el) el.textContent = text; return el; }
  function show(root, slot, on) { var el = $('[data-slot="' + slot + '"]', root); if (el) el.hidden = !on; return el; }
  function links(root, shell, rec) {
    var slot = shell.getAttribute('data-slot-id');
    $$('[data-href]', root).forEach(function (a) {
      a.href = a.getAttribute('data-href').split(slot).join(String(rec.id)).replace('{tag}', rec.tag);
    });
  }
  function dueState(item, today, soon) {
    var due = item[1], state = item[2];
    if (state === 'no_record') return { state: state, days: 0 };
    if (due < today) return { state: 'overdue', days: Math.round((day(today) - day(due)) / DAY) };
    return { state: due <= soon ? 'due_soon' : 'ok', days: 0 };
  }
  function renderDue(root, shell, rec, T, L) {
    var list = $('[data-slot="due"]', root), today = isoToday(0), soon = isoToday(Number(shell.getAttribute('data-window')) || 14);
    var badges = $('[data-slot="badges"]', root);
    rec.due.forEach(function (item) {
      var s = dueState(item, today, soon);
      if (s.state === 'ok') return;
      var li = document.createElement('li'), badge;
      li.setAttribute('data-state', s.state);
      li.textContent = (L.obligation[item[0]] || item[0]) + ' · ' + T.due.replace('{date}', showDate(item[1])) + ' ';
      if (s.state === 'overdue') {
        badge = document.createElement('span');
        badge.className = 'badge bad';
        badge.textContent = (s.days === 1 ? T.overdue.one : T.overdue.other).replace('{n}', s.days);
      } else {
        badge = $('[data-state="' + s.state + '"]', badges).cloneNode(true);
      }
      li.appendChild(badge);
      list.appendChild(li);
    });
    show(root, 'nothing-due', !list.children.length);
    list.hidden = !list.children.length;
  }
  function renderFindings(root, rec, T, L) {
    var list = $('[data-slot="findings"]', root);
    rec.findings.forEach(function (f) {
      var li = document.createElement('li'), badge = document.createElement('span');
      badge.className = 'badge ' + (f[0] === 'high' || f[0] === 'critical' ? 'bad' : 'warn');
      badge.textContent = L.severity[f[0]] || f[0];
      li.appendChild(badge);
      li.appendChild(document.createTextNode(' ' + f[1] + (f[2] ? ' · ' + T.fix_by.replace('{date}', showDate(f[2])) : '')));
      list.appendChild(li);
    });
    show(root, 'no-findings', !rec.findings.length);
    list.hidden = !rec.findings.length;
  }
  function label(L, group, code) { return code ? (L[group] && L[group][code]) || code : ''; }
  function renderCard(shell, rec, facility, T, L) {
    var root = $('#tpl-card').content.cloneNode(true), main = $('main');
    var cert = rec.cert && rec.cert[1] >= isoToday(0) ? rec.cert : null, red = rec.red !== null && rec.red !== undefined;
    var title = label(L, 'asset_kind', rec.kind) + (rec.ref ? ' ' + rec.ref : '');
    fill(root, 'title', title);
    fill(root, 'tag', display(rec.tag));
    fill(root, 'facility', facility ? facility.name : '');
    fill(root, 'status', label(L, 'asset_status', rec.status)).setAttribute('data-status', rec.status);
    show(root, 'red-banner', red);
    fill(root, 'red-reason', red ? rec.red : '');
    var release = show(root, 'release-banner', !!(facility && facility.release));
    if (facility && facility.release) {
      release.setAttribute('data-release', facility.release);
      $$('p', release)[1].textContent = $$('p', release)[1].textContent.replace('{number}', facility.release);
    }
    var c = $('[data-slot="certificate"]', root);
    c.setAttribute('data-certificate', cert ? 'valid' : 'none');
    c.setAttribute('data-red-tagged', String(red));
    $$('[data-when]', c).forEach(function (el) { el.hidden = el.getAttribute('data-when') !== (red ? 'red' : cert ? 'valid' : 'none'); });
    fill(root, 'red-cert', cert ? $('[data-slot="red-cert-text"]', c).textContent + ' · ' + cert[0] : $('[data-slot="no-cert-text"]', c).textContent);
    if (cert) { fill(root, 'valid-until', T.valid_until.replace('{date}', showDate(cert[1]))); fill(root, 'cert-number', cert[0]); }
    fill(root, 'substance', label(L, 'substance', rec.substance) + (rec.substance_detail ? ' · ' + rec.substance_detail : ''));
    fill(root, 'construction', [label(L, 'wall', rec.wall), label(L, 'material', rec.material), label(L, 'anti_seepage', rec.seepage), label(L, 'corrosion_protection', rec.corrosion)].filter(Boolean).join(' · ') || '—');
    fill(root, 'leak', rec.leak.map(function (v) { return label(L, 'leak_detection', v); }).join(', ') || '—');
    show(root, 'size-tank', rec.kind === 'tank');
    show(root, 'size-pipeline', rec.kind !== 'tank');
    fill(root, 'size', rec.size === null ? '—' : rec.kind === 'tank' ? Math.round(rec.size).toLocaleString('en-US') : String(rec.size));
    if (rec.last) {
      var last = $('[data-slot="last"]', root), badge = document.createElement('span');
      last.textContent = showDate(rec.last[0]) + ' ';
      badge.className = 'badge ' + (rec.last[1] === 'pass' ? 'ok' : 'bad');
      badge.textContent = label(L, 'inspection_result', rec.last[1]);
      last.appendChild(badge);
    }
    renderDue(root, shell, rec, T, L);
    renderFindings(root, rec, T, L);
    links(root, shell, rec);
    main.setAttribute('data-page', 'tag-landing');
    main.setAttribute('data-registered', 'true');
    main.setAttribute('data-red-tagged', String(red));
    main.setAttribute('data-view', 'summary');
    main.setAttribute('data-tag', rec.tag);
    main.setAttribute('data-open-release', String(!!(facility && facility.release)));
    main.className = 'landing';
    document.title = title + ' ' + display(rec.tag);
    return root;
  }
  function renderForm(shell, rec, facility, checklist, T, L) {
    var tpl = $('#tpl-inspect');
    if (!tpl || !checklist) return null;
    var root = tpl.content.cloneNode(true), form = $('#inspect-form', root);
    var title = T.inspect_title + ': ' + label(L, 'asset_kind', rec.kind) + ' ' + (rec.ref || '');
    var h1 = fill(root, 'title', title + ' '), code = document.createElement('code');
    code.textContent = display(rec.tag);
    h1.appendChild(code);
    fill(root, 'subtitle', [facility ? facility.name : '', label(L, 'substance', rec.substance), label(L, 'wall', rec.wall)].filter(Boolean).join(' · '));
    $('[data-slot="items"]', root).innerHTML = checklist.html; // rendered by our server's template
    form.setAttribute('data-asset-id', rec.id);
    form.setAttribute('action', location.pathname);
    links(root, shell, rec);
    $('main').setAttribute('data-page', 'inspect');
    document.title = title;
    return root;
  }
  function loadQueue() {
    var s = document.createElement('script');
    s.src = '/static/js/inspect.js';
    document.body.appendChild(s);
  }
  function setupShell(shell) {
    var T = JSON.parse(shell.getAttribute('data-i18n') || '{}'), L = JSON.parse(shell.getAttribute('data-labels') || '{}');
    var view = $('#field-view'), path = location.pathname, m;
    var tagMatch = /^\/t\/([^/]+)$/.exec(path), formMatch = /^\/assets\/(\d+)\/inspect$/.exec(path);
    var found = tagMatch ? getOne('assets', canonical(decodeURIComponent(tagMatch[1])), 'tag')
      : formMatch ? getOne('assets', Number(formMatch[1])) : Promise.resolve(null);
    Promise.all([found, getOne('meta', 'pack')]).then(function (r) {
      var rec = r[0], meta = r[1];
      if (meta) {
        $('#field-age').textContent = T.age.replace('{when}', showMoment(meta.prepared));
        $('#field-stale').hidden = Date.now() - meta.prepared <= DAY;
      }
      if (!rec) {
        var miss = $('#tpl-missing').content.cloneNode(true);
        fill(miss, 'tag', tagMatch ? decodeURIComponent(tagMatch[1]) : path);
        view.appendChild(miss);
        shell.setAttribute('data-carried', 'false');
        return;
      }
      return Promise.all([getOne('facilities', rec.facility), rec.checklist ? getOne('checklists', rec.checklist) : null]).then(function (x) {
        var node = formMatch ? renderForm(shell, rec, x[0], x[1], T, L) : renderCard(shell, rec, x[0], T, L);
        if (!node) { m = $('#tpl-missing').content.cloneNode(true); fill(m, 'tag', display(rec.tag)); node = m; }
        view.appendChild(node);
        shell.setAttribute('data-carried', 'true');
      });
    })['catch'](function (err) { view.textContent = String(err && err.message || err); })
      .then(loadQueue);
  }

  var prepare = $('#field-offline'), shell = $('#field-shell');
  if (prepare && window.indexedDB) setupPrepare(prepare);
  if (shell && window.indexedDB) setupShell(shell);
})();
