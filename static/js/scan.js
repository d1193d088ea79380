/* The scan page: reads QR codes from the camera in the page and opens the tag. BarcodeDetector
 * where the browser can read QR codes with it; elsewhere the vendored jsQR decoder, loaded from
 * this host only when the camera starts. A read beeps (or vibrates), says which tag it is and
 * opens it after a moment, which the "undo" button cancels; codes that are not our labels are
 * named as such and scanning goes on. */
(function () {
  'use strict';
  var box = document.getElementById('scanner');
  if (!box) return;
  var T = JSON.parse(box.getAttribute('data-i18n') || '{}');
  var $ = function (id) { return document.getElementById(id); };
  var start = $('scan-start'), view = $('scan-view'), video = $('scan-video'), status = $('scan-status');
  var torch = $('scan-torch'), stopBtn = $('scan-stop'), last = $('scan-last'), lastText = $('scan-last-text');
  var undo = box.querySelector('[data-action="undo-scan"]');
  var ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  var stream = null, detector = null, pending = null, looking = false, ignored = '', torchOn = false;
  // An undone tag is not read again for a moment: the phone is still pointing at it.
  var undone = '', undoneUntil = 0;

  function say(text) { status.textContent = text; }

  /* ---- tags: the server's rules (registry.assets.tags) ---- */
  function canonical(text) {
    var t = String(text || '').replace(/[\s\-_]+/g, '').toUpperCase().replace(/O/g, '0').replace(/[IL]/g, '1');
    if (t.length !== 12) return null;
    var n = 0;
    for (var i = 0; i < 12; i++) {
      var v = ALPHABET.indexOf(t.charAt(i));
      if (v < 0) return null;
      if (i < 11) n = (n * 32 + v) % 37;
      else if (n !== v) return null;
    }
    return t;
  }
  /* A label holds PUBLIC_BASE_URL/t/<tag>; a bare tag is accepted too. */
  function tagOf(raw) {
    var text = String(raw || '').trim(), m = /^[a-z][a-z0-9+.-]*:\/\/[^/]+\/t\/([^/?#]+)\/?(?:[?#].*)?$/i.exec(text);
    if (m) { try { return canonical(decodeURIComponent(m[1])); } catch (e) { return null; } }
    return /^[0-9A-Za-z\s\-_]+$/.test(text) ? canonical(text) : null;
  }
  function display(tag) { return tag.match(/.{1,4}/g).join('-'); }

  /* ---- feedback ---- */
  function beep() {
    if (navigator.vibrate) navigator.vibrate(80);
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) return;
    try {
      var ctx = new Ctx(), osc = ctx.createOscillator(), gain = ctx.createGain();
      osc.frequency.value = 1200;
      gain.gain.value = 0.1;
      osc.connect(gain);
      gain.connect(ctx.destination);
      osc.start();
      osc.stop(ctx.currentTime + 0.12);
      osc.onended = function () { ctx.close(); };
    } catch (e) { /* no sound: the message says it */ }
  }

  /* ---- decoding ---- */
  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement('script');
      s.src = src;
      s.onload = resolve;
      s.onerror = reject;
      document.head.appendChild(s);
    });
  }
  function makeDetector() {
    var BD = window.BarcodeDetector;
    var native = BD && BD.getSupportedFormats ? BD.getSupportedFormats().then(function (f) { return f.indexOf('qr_code') >= 0; }, function () { return false; }) : Promise.resolve(false);
    return native.then(function (ok) {
      if (ok) {
        var d = new BD({ formats: ['qr_code'] });
        return function () { return d.detect(video).then(function (codes) { return codes.map(function (c) { return c.rawValue; }); }); };
      }
      var load = window.jsQR ? Promise.resolve() : loadScript(box.getAttribute('data-decoder'));
      return load.then(function () {
        var canvas = document.createElement('canvas'), ctx = canvas.getContext('2d', { willReadFrequently: true });
        return function () {
          var w = video.videoWidth, h = video.videoHeight;
          if (!w || !h) return Promise.resolve([]);
          var k = Math.min(1, 800 / Math.max(w, h));
          canvas.width = Math.round(w * k);
          canvas.height = Math.round(h * k);
          ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
          var img = ctx.getImageData(0, 0, canvas.width, canvas.height);
          var code = window.jsQR(img.data, img.width, img.height, { inversionAttempts: 'dontInvert' });
          return Promise.resolve(code ? [code.data] : []);
        };
      }, function () { throw new Error(T.decoder); });
    });
  }
  function look() {
    if (!looking) return;
    detector().then(function (values) {
      if (!looking) return;
      for (var i = 0; i < values.length; i++) {
        var tag = tagOf(values[i]);
        if (tag && tag === undone && Date.now() < undoneUntil) continue;
        if (tag) { found(tag); return; }
        if (values[i] !== ignored) { ignored = values[i]; say(T.foreign); if (navigator.vibrate) navigator.vibrate([30, 60, 30]); }
      }
      setTimeout(look, 150);
    }, function () { setTimeout(look, 400); });
  }
  function found(tag) {
    looking = false;
    beep();
    lastText.textContent = T.read.replace('{tag}', display(tag));
    last.hidden = false;
    say('');
    box.setAttribute('data-last-tag', tag);
    pending = setTimeout(function () { stop(); location.assign('/t/' + tag); }, 1200);
  }
  undo.addEventListener('click', function () {
    clearTimeout(pending);
    pending = null;
    undone = box.getAttribute('data-last-tag') || '';
    undoneUntil = Date.now() + 3000;
    last.hidden = true;
    box.removeAttribute('data-last-tag');
    say(T.undone);
    if (stream) { looking = true; ignored = ''; look(); }
  });

  /* ---- the camera ---- */
  function stop() {
    looking = false;
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
    stream = null;
    view.hidden = true;
    start.hidden = false;
  }
  function setupTorch() {
    var track = stream.getVideoTracks()[0], caps = track && track.getCapabilities ? track.getCapabilities() : {};
    torch.hidden = !caps.torch;
    torch.onclick = function () {
      torchOn = !torchOn;
      track.applyConstraints({ advanced: [{ torch: torchOn }] }).then(function () {
        torch.setAttribute('aria-pressed', String(torchOn));
        torch.textContent = torchOn ? T.torch_on : T.torch_off;
      }, function () { torch.hidden = true; });
    };
  }
  start.addEventListener('click', function () {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) { say(T.nocamera); $('f-tag').focus(); return; }
    say(T.starting);
    start.hidden = true;
    navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment', width: { ideal: 1280 }, height: { ideal: 720 } }, audio: false })
      .then(function (s) {
        stream = s;
        video.srcObject = s;
        view.hidden = false;
        return video.play();
      })
      .then(function () { return detector ? detector : makeDetector(); })
      .then(function (d) {
        detector = d;
        setupTorch();
        say(T.aim);
        looking = true;
        ignored = '';
        look();
      })
      ['catch'](function (err) {
        stop();
        say(err && err.message === T.decoder ? T.decoder : T.nocamera);
        $('f-tag').focus();
      });
  });
  stopBtn.addEventListener('click', function () { clearTimeout(pending); stop(); say(''); });
  window.addEventListener('pagehide', stop);
  // Typed: straight to the tag's page, which the worker answers offline too (a query string
  // to /scan would only find the cached scan page again).
  var typed = $('tag-form');
  if (typed) typed.addEventListener('submit', function (e) {
    var text = $('f-tag').value.trim();
    if (!text) return;
    e.preventDefault();
    location.assign('/t/' + encodeURIComponent(canonical(text) || text.replace(/\//g, '')));
  });
})();
