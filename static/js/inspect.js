/* Offline queue for the phone inspection form. Hand-written, no framework, no build step.
 * Submissions go to IndexedDB with a client-made client_uuid and are sent when the server can
 * be reached; an entry leaves the queue only after the server acknowledged the inspection AND
 * every one of its photos. A 4xx answer holds the entry for the inspector; nothing is dropped. */
(function () {
  'use strict';
  var DB_NAME = 'ust-inspections', STORE = 'queue', MAX_SIDE = 1600;
  var $ = function (sel, root) { return (root || document).querySelector(sel); };
  var $$ = function (sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); };
  var statusEl = $('#queue-status');
  var T = statusEl ? JSON.parse(statusEl.getAttribute('data-i18n') || '{}') : {};
  // Whose inspections this page sends: on a shared phone each waits for its own inspector.
  var USER = statusEl ? Number(statusEl.getAttribute('data-user')) || null : null;
  var mine = function (r) { return !r.user || !USER || r.user === USER; };
  /* A counted message comes as {one, other}, both already in the page's language (Chinese has
   * one form, so both are the same there). */
  var t = function (key, n) {
    var m = T[key] || key;
    if (typeof m === 'object') m = n === 1 ? m.one : m.other;
    return m.replace('{n}', n);
  };

  /* ---- IndexedDB ---- */
  var dbPromise = null;
  function openDb() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        var req = indexedDB.open(DB_NAME, 1);
        req.onupgradeneeded = function () { req.result.createObjectStore(STORE, { keyPath: 'client_uuid' }); };
        req.onsuccess = function () { resolve(req.result); };
        req.onerror = function () { reject(req.error); };
      });
    }
    return dbPromise;
  }
  function store(mode, fn) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode), out = fn(tx.objectStore(STORE));
        tx.oncomplete = function () { resolve(out && 'result' in out ? out.result : undefined); };
        tx.onerror = tx.onabort = function () { reject(tx.error); };
      });
    });
  }
  var everything = function () { return store('readonly', function (s) { return s.getAll(); }); };
  var all = function () { return everything().then(function (list) { return list.filter(mine); }); };
  var put = function (rec) { return store('readwrite', function (s) { s.put(rec); }); };
  var drop = function (id) { return store('readwrite', function (s) { s['delete'](id); }); };
  var get = function (id) { return store('readonly', function (s) { return s.get(id); }); };

  /* ---- what waits ---- */
  function render() {
    if (!statusEl) return Promise.resolve();
    return all().then(function (list) {
      var photos = 0;
      list.forEach(function (r) { r.photos.forEach(function (p) { if (!p.sent) photos++; }); });
      statusEl.hidden = false;
      statusEl.setAttribute('data-waiting-inspections', list.length);
      statusEl.setAttribute('data-waiting-photos', photos);
      statusEl.className = 'queue' + (list.length ? ' waiting' : '');
      statusEl.textContent = list.length
        ? t('waiting').replace('{inspections}', t('inspections', list.length)).replace('{photos}', t('waiting_photos', photos)) + (navigator.onLine ? '' : ' ' + t('offline'))
        : t('none');
      renderHeld(list.filter(function (r) { return r.state === 'held'; }));
    });
  }
  function renderHeld(held) {
    var box = $('#held-list');
    if (!box) return;
    box.textContent = '';
    held.forEach(function (r) {
      var div = document.createElement('div'), p = document.createElement('p');
      div.className = 'held';
      div.setAttribute('role', 'alert');
      p.textContent = t('held') + ' ' + (r.message || '');
      div.appendChild(p);
      var retry = document.createElement('button');
      retry.type = 'button';
      retry.textContent = t('retry');
      retry.onclick = function () { r.state = 'pending'; r.attempts = 0; put(r).then(syncNow); };
      div.appendChild(retry);
      if (!r.inspection_id) {
        var fix = document.createElement('a');
        fix.className = 'button';
        fix.href = '/assets/' + r.body.asset_id + '/inspect?resume=' + encodeURIComponent(r.client_uuid);
        fix.textContent = t('correct');
        div.appendChild(fix);
      }
      var del = document.createElement('button');
      del.type = 'button';
      del.textContent = t('discard');
      del.onclick = function () { if (window.confirm(t('confirm'))) drop(r.client_uuid).then(render); };
      div.appendChild(del);
      box.appendChild(div);
    });
  }

  /* ---- sending ---- */
  function csrf() { var m = $('meta[name="csrf-token"]'); return m ? m.content : ''; }
  function Held(message) { this.message = message; }
  function Retry(message) { this.message = message; }
  function answer(res) {
    return res.text().then(function (text) {
      var data = {};
      try { data = JSON.parse(text); } catch (e) { data = { message: text.slice(0, 200) }; }
      if (res.ok) return data;
      var msg = (data.message || res.status) + (data.errors ? ' ' + JSON.stringify(data.errors) : '');
      if (res.status === 401) throw new Retry(t('login'));
      if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) throw new Held(msg);
      throw new Retry(msg);
    });
  }
  function post(url, body, json) {
    var headers = { 'X-CSRFToken': csrf(), 'Accept': 'application/json' };
    if (json) headers['Content-Type'] = 'application/json';
    return fetch(url, { method: 'POST', credentials: 'same-origin', headers: headers, body: json ? JSON.stringify(body) : body })
      .then(answer, function () { throw new Retry(t('network')); });
  }
  function sendPhotos(rec, i) {
    if (i >= rec.photos.length) return drop(rec.client_uuid).then(function () { return rec; });
    var ph = rec.photos[i];
    if (ph.sent) return sendPhotos(rec, i + 1);
    var fd = new FormData();
    fd.append('file', ph.blob, ph.name || 'photo.jpg');
    return post('/api/v1/inspections/' + rec.inspection_id + '/photos', fd, false).then(function () {
      ph.sent = true;
      ph.blob = null;
      return put(rec).then(function () { return sendPhotos(rec, i + 1); });
    });
  }
  function sendOne(rec) {
    var first = rec.inspection_id ? Promise.resolve() : post('/api/v1/inspections', rec.body, true).then(function (data) {
      rec.inspection_id = data.id;
      return put(rec);
    });
    return first.then(function () { return sendPhotos(rec, 0); }).catch(function (err) {
      if (!(err instanceof Held)) throw err;
      rec.state = 'held';
      rec.message = err.message;
      return put(rec).then(function () { return null; });
    });
  }
  var syncing = null, attempt = 0, timer = null, nextTry = 0, delivered = {};
  function syncNow() {
    if (syncing) return syncing;
    clearTimeout(timer);
    syncing = all().then(function (list) {
      var pending = list.filter(function (r) { return r.state !== 'held'; });
      return pending.reduce(function (chain, rec) {
        return chain.then(function () {
          return sendOne(rec).then(function (done) { if (done) delivered[done.client_uuid] = done.inspection_id; });
        });
      }, Promise.resolve());
    }).then(function () {
      attempt = 0;
    }, function (err) {
      attempt += 1;
      // Exponential backoff with jitter: 2 s, 4 s, 8 s ... at most 5 minutes.
      var delay = Math.min(300000, 2000 * Math.pow(2, attempt - 1)) * (0.75 + Math.random() / 2);
      nextTry = Date.now() + delay;
      timer = setTimeout(syncNow, delay);
      if (statusEl && err && err.message) statusEl.title = err.message;
    }).then(function () {
      syncing = null;
      return render();
    });
    return syncing;
  }

  /* ---- photos: scaled on the phone ---- */
  function scale(file) {
    if (!window.createImageBitmap) return Promise.resolve(file);
    return createImageBitmap(file, { imageOrientation: 'from-image' }).then(function (bmp) {
      var k = Math.min(1, MAX_SIDE / Math.max(bmp.width, bmp.height));
      var c = document.createElement('canvas');
      c.width = Math.round(bmp.width * k);
      c.height = Math.round(bmp.height * k);
      c.getContext('2d').drawImage(bmp, 0, 0, c.width, c.height);
      return new Promise(function (resolve) {
        c.toBlob(function (b) { resolve(b || file); }, 'image/jpeg', 0.85);
      });
    }).catch(function () { return file; }); // the server decodes it and says what is wrong
  }

  /* ---- the form ---- */
  var form = $('#inspect-form');
  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16)), h = [];
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    for (var i = 0; i < 16; i++) h.push((b[i] + 256).toString(16).slice(1));
    return h.slice(0, 4).join('') + '-' + h.slice(4, 6).join('') + '-' + h.slice(6, 8).join('') + '-' + h.slice(8, 10).join('') + '-' + h.slice(10).join('');
  }
  function valueOf(q) {
    var type = q.getAttribute('data-type');
    if (type === 'yesno' || type === 'choice') {
      var on = $('input[type=radio]:checked', q);
      return on ? on.value : null;
    }
    var el = $('[name^="answer-"]', q), v = el.value.trim();
    if (!v) return null;
    return type === 'number' ? Number(v.replace(',', '.')) : v;
  }
  function num(name) { var v = form.elements[name].value; return v === '' ? null : Number(v); }
  function body() {
    var answers = [];
    $$('[data-item]', form).forEach(function (q) {
      var code = q.getAttribute('data-item'), v = valueOf(q), noteEl = form.elements['note-' + code];
      var note = noteEl && noteEl.value.trim() ? noteEl.value.trim() : null;
      if (v !== null || note) answers.push({ item: code, value: v, note: note });
    });
    var findings = $$('.finding', form).map(function (row) {
      return {
        severity: $('[name="finding-severity"]', row).value,
        description: $('[name="finding-description"]', row).value.trim(),
        due_on: $('[name="finding-due_on"]', row).value || null
      };
    }).filter(function (f) { return f.description; });
    return {
      client_uuid: form.dataset.resume || uuid(),
      asset_id: Number(form.getAttribute('data-asset-id')),
      performed_at: new Date().toISOString(),
      answers: answers,
      notes: form.elements.notes.value.trim() || null,
      latitude: num('latitude'),
      longitude: num('longitude'),
      findings: findings
    };
  }
  function missing() {
    return $$('[data-required]', form).filter(function (q) {
      var bad = valueOf(q) === null || (typeof valueOf(q) === 'number' && isNaN(valueOf(q)));
      q.classList.toggle('has-error', bad);
      return bad;
    });
  }
  function say(text) {
    var p = $('#form-message');
    if (!p) {
      p = document.createElement('p');
      p.id = 'form-message';
      p.className = 'flash';
      p.setAttribute('role', 'alert');
      form.parentNode.insertBefore(p, form);
    }
    p.textContent = text;
    p.scrollIntoView({ block: 'center' });
  }
  function proposeDue(row) {
    var due = $('[name="finding-due_on"]', row), sev = $('[name="finding-severity"]', row).value;
    var days = JSON.parse(form.getAttribute('data-due-days') || '{}')[sev];
    if (!days || (due.value && !due.dataset.auto)) return;
    var d = new Date(Date.now() + days * 86400000);
    due.value = d.getFullYear() + '-' + ('0' + (d.getMonth() + 1)).slice(-2) + '-' + ('0' + d.getDate()).slice(-2);
    due.dataset.auto = '1';
  }
  function markFailing(q) {
    var v = valueOf(q), fail = (q.getAttribute('data-fail') || '').split(' ');
    var el = $('input[type=number]', q);
    q.classList.toggle('failing', (v !== null && fail.indexOf(String(v)) >= 0) || !!(el && el.validity.rangeOverflow) || !!(el && el.validity.rangeUnderflow));
  }
  function fill(rec) {
    var b = rec.body;
    form.dataset.resume = rec.client_uuid;
    b.answers.forEach(function (a) {
      var els = form.elements['answer-' + a.item];
      if (els && els.length !== undefined && !els.tagName) {
        $$('input', form).forEach(function (i) { if (i.name === 'answer-' + a.item) i.checked = i.value === String(a.value); });
      } else if (els) { els.value = a.value === null ? '' : a.value; }
      if (form.elements['note-' + a.item]) form.elements['note-' + a.item].value = a.note || '';
    });
    form.elements.notes.value = b.notes || '';
    var f = b.findings[0], row = $('.finding', form);
    if (f && row) {
      $('[name="finding-severity"]', row).value = f.severity;
      $('[name="finding-description"]', row).value = f.description;
      $('[name="finding-due_on"]', row).value = f.due_on || '';
    }
    say(t('held') + ' ' + (rec.message || ''));
  }
  function setupForm() {
    var add = $('#add-finding'), photoIn = form.elements.photos;
    $$('.finding', form).forEach(proposeDue);
    form.addEventListener('change', function (e) {
      var row = e.target.closest('.finding'), q = e.target.closest('[data-item]');
      if (row && e.target.name === 'finding-severity') proposeDue(row);
      if (row && e.target.name === 'finding-due_on') delete e.target.dataset.auto;
      if (q) { markFailing(q); q.classList.remove('has-error'); }
      if (e.target === photoIn) $('#photo-count').textContent = photoIn.files.length ? t('photos', photoIn.files.length) : '';
    });
    if (add) {
      add.hidden = false;
      add.onclick = function () {
        var rows = $$('.finding', form), row = rows[0].cloneNode(true);
        $$('textarea, input', row).forEach(function (el) { el.value = ''; el.removeAttribute('id'); });
        $$('label', row).forEach(function (l) { l.removeAttribute('for'); });
        rows[rows.length - 1].after(row);
        proposeDue(row);
      };
    }
    var resume = new URLSearchParams(location.search).get('resume');
    if (resume) get(resume).then(function (rec) { if (rec) fill(rec); });
    if (navigator.geolocation) {
      var gps = $('#gps-status');
      navigator.geolocation.getCurrentPosition(function (pos) {
        form.elements.latitude.value = pos.coords.latitude.toFixed(6);
        form.elements.longitude.value = pos.coords.longitude.toFixed(6);
        gps.textContent = t('gps');
      }, function () { gps.textContent = t('nogps'); }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    }
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var gaps = missing();
      if (gaps.length) {
        say(form.getAttribute('data-msg-required'));
        var first = $('input, textarea', gaps[0]);
        if (first) first.focus();
        return;
      }
      var button = $('button[type=submit]', form), b = body();
      button.disabled = true;
      Promise.all(Array.prototype.map.call(photoIn.files, scale)).then(function (blobs) {
        return get(b.client_uuid).then(function (old) {
          var kept = old ? old.photos.filter(function (p) { return !p.sent; }) : [];
          var rec = {
            client_uuid: b.client_uuid, body: b, state: 'pending', created: Date.now(), user: USER,
            photos: kept.concat(blobs.map(function (blob, i) { return { name: 'photo-' + (i + 1) + '.jpg', blob: blob, sent: false }; }))
          };
          return put(rec).then(function () { return rec; });
        });
      }).then(function (rec) {
        form.reset();
        delete form.dataset.resume;
        $$('.finding', form).slice(1).forEach(function (r) { r.remove(); });
        $$('.failing', form).forEach(function (q) { q.classList.remove('failing'); });
        $('#photo-count').textContent = '';
        if (resume) history.replaceState(null, '', location.pathname);
        return render().then(syncNow).then(function () {
          if (delivered[rec.client_uuid]) {
            location.assign('/inspections/' + delivered[rec.client_uuid]);
            return;
          }
          return get(rec.client_uuid).then(function (left) {
            if (left && left.state === 'held') { fill(left); } else { say(form.getAttribute('data-msg-queued')); }
          });
        });
      }).catch(function (err) { say(String(err && err.message || err)); })
        .then(function () { button.disabled = false; });
    });
  }

  if (form) setupForm();
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/sw.js').then(function () { return navigator.serviceWorker.ready; })
      .then(function (reg) { if (reg.active) reg.active.postMessage({ cache: [location.pathname] }); })
      .catch(function () { /* the page works without the worker */ });
  }
  if (window.indexedDB) {
    window.addEventListener('online', function () { attempt = 0; nextTry = 0; syncNow(); });
    window.addEventListener('offline', render);
    render().then(syncNow);
    // A periodic nudge in case the online event never comes (captive portals, flaky radio).
    setInterval(function () { if (!syncing && Date.now() >= nextTry) syncNow(); }, 30000);
  }
})();
