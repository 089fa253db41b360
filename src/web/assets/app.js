// Live updates for the inbox and the patient phone. One EventSource per page; on every (re)connect the page re-fetches
// its live regions, so an event lost while the stream was down (Chatwoot #9306) cannot leave the page stale.
(function () {
  'use strict';
  var root = document.querySelector('[data-stream]');
  var statusEl = document.getElementById('live-status');
  var pending = new Set();
  var timer = null;
  var source = null;
  var watchdog = null;
  var heartbeatMs = 15000;
  var backoff = 1000;

  function setStatus(ok) {
    document.documentElement.dataset.live = ok ? 'up' : 'down';
    if (!statusEl) return;
    statusEl.textContent = ok ? statusEl.dataset.ok : statusEl.dataset.wait;
    statusEl.classList.toggle('up', ok);
  }

  function busy(el) {
    // Never swap a region under the user's cursor: a half-typed edit would be lost. It refreshes when focus leaves.
    var a = document.activeElement;
    return a && a !== document.body && el.contains(a) && /^(INPUT|TEXTAREA|SELECT)$/.test(a.tagName);
  }

  function refresh(el) {
    if (busy(el)) {
      el.dataset.stale = '1';
      return;
    }
    delete el.dataset.stale;
    if (window.htmx) window.htmx.trigger(el, 'live-refresh');
  }

  function schedule(names) {
    names.forEach(function (n) { pending.add(n); });
    if (timer) return;
    // Coalesce bursts (a bot turn sends several messages) into one fetch per region.
    timer = setTimeout(function () {
      timer = null;
      var all = pending.has('*');
      document.querySelectorAll('[data-live]').forEach(function (el) {
        if (all || pending.has(el.dataset.live)) refresh(el);
      });
      pending.clear();
    }, 150);
  }

  function onLive(ev) {
    var e;
    try { e = JSON.parse(ev.data); } catch (_) { return; }
    var names = ['queue'];
    var conv = document.querySelector('[data-conversation-id]');
    if (conv && Number(conv.dataset.conversationId) === e.conversationId) {
      names.push('transcript');
      if (e.type !== 'message.updated') names.push('head', 'composer', 'side');
    }
    schedule(names);
  }

  function alive() {
    clearTimeout(watchdog);
    // No heartbeat for two periods: the connection is dead even if the socket looks open (sleeping laptop, lost Wi-Fi).
    watchdog = setTimeout(function () { reconnect(); }, heartbeatMs * 2 + 5000);
  }

  function reconnect() {
    if (source) source.close();
    setStatus(false);
    setTimeout(connect, backoff);
    backoff = Math.min(backoff * 2, 15000);
  }

  function connect() {
    if (!root) return;
    source = new EventSource(root.dataset.stream);
    source.addEventListener('open', function () {
      backoff = 1000;
      setStatus(true);
      alive();
      schedule(['*']);
    });
    source.addEventListener('hello', function (ev) {
      try { heartbeatMs = JSON.parse(ev.data).heartbeatMs || heartbeatMs; } catch (_) { /* keep default */ }
      alive();
    });
    source.addEventListener('ping', alive);
    source.addEventListener('live', function (ev) { alive(); onLive(ev); });
    source.addEventListener('phone', function () { alive(); schedule(['phone']); });
    source.addEventListener('error', function () {
      setStatus(false);
      // The browser retries by itself while readyState is CONNECTING; after a 503 or a network error it gives up (CLOSED).
      if (source.readyState === EventSource.CLOSED) reconnect();
    });
  }

  document.addEventListener('focusout', function () {
    setTimeout(function () {
      document.querySelectorAll('[data-live][data-stale]').forEach(refresh);
    }, 0);
  });

  // Canned replies: picking one fills the reply box; the tracer can still edit before sending.
  document.addEventListener('change', function (ev) {
    var sel = ev.target;
    if (!(sel instanceof HTMLSelectElement) || !sel.dataset.canned || !sel.value) return;
    var box = document.getElementById(sel.dataset.canned);
    if (box) {
      box.value = sel.value;
      box.focus();
    }
    sel.selectedIndex = 0;
  });

  // Keep the newest message in view after a transcript refresh.
  document.addEventListener('htmx:afterSwap', function (ev) {
    var el = ev.detail && ev.detail.target;
    if (el && (el.dataset.live === 'transcript' || el.dataset.live === 'phone')) el.scrollTop = el.scrollHeight;
  });
  document.addEventListener('DOMContentLoaded', function () {
    document.querySelectorAll('[data-live=transcript],[data-live=phone]').forEach(function (el) { el.scrollTop = el.scrollHeight; });
  });

  if (root) connect();
})();
