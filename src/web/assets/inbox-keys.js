// Keyboard shortcuts for tracers at a desk (Chatwoot-like). Queue: j/k move between chats, Enter opens, n takes the next
// chat, / focuses the search. Chat: c claims (or takes over), r goes to the reply box, e goes to "resolve", n takes the
// next chat, Esc goes back to the queue. Keys typed into a field are text, never shortcuts; nothing here is needed to work.
(function () {
  'use strict';
  var selected = -1;

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll('#queue-list tr[data-conversation-id]'));
  }
  function select(k) {
    var list = rows();
    if (list.length === 0) return;
    selected = Math.max(0, Math.min(list.length - 1, k));
    list.forEach(function (r, i) { r.classList.toggle('kb-selected', i === selected); });
    var link = list[selected].querySelector('a');
    if (link) link.focus();
    document.documentElement.dataset.kbSelected = list[selected].dataset.conversationId;
  }
  function csrf() {
    var input = document.querySelector('input[name=_csrf]');
    return input ? input.value : '';
  }
  function takeNext() {
    var button = document.getElementById('next-chat');
    if (button) return button.click();
    // On a chat page there is no button: post the same form the queue page has.
    var form = document.createElement('form');
    form.method = 'post';
    form.action = '/inbox/next';
    var token = document.createElement('input');
    token.type = 'hidden';
    token.name = '_csrf';
    token.value = csrf();
    form.appendChild(token);
    document.body.appendChild(form);
    form.submit();
  }
  function click(selector) {
    var el = document.querySelector(selector);
    if (el) el.click();
    return Boolean(el);
  }

  document.addEventListener('keydown', function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || ev.defaultPrevented) return;
    var t = ev.target;
    if (t && (/^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName) || t.isContentEditable)) {
      if (ev.key === 'Escape') t.blur();
      return;
    }
    var inQueue = Boolean(document.getElementById('queue-list'));
    var handled = true;
    switch (ev.key) {
      case 'j':
        if (inQueue) select(selected + 1);
        else handled = false;
        break;
      case 'k':
        if (inQueue) select(selected - 1);
        else handled = false;
        break;
      case 'Enter':
        handled = inQueue && selected >= 0 && click('#queue-list tr.kb-selected a');
        break;
      case '/':
        handled = Boolean(document.getElementById('queue-q'));
        if (handled) document.getElementById('queue-q').focus();
        break;
      case 'n':
        takeNext();
        break;
      case 'c':
        handled = click('button[data-action="claim"]') || click('button[data-action="take-over"]');
        break;
      case 'r':
        handled = Boolean(document.getElementById('reply-text'));
        if (handled) document.getElementById('reply-text').focus();
        break;
      case 'e': {
        var resolve = document.querySelector('form.action button[data-action="resolve"]');
        handled = Boolean(resolve);
        // Resolving asks for an outcome: focus its choice; Enter on the button then resolves.
        if (resolve) {
          var outcome = resolve.form.querySelector('select[name=outcome]');
          (outcome || resolve).focus();
        }
        break;
      }
      case 'Escape':
        if (!inQueue && document.querySelector('a.back')) location.href = '/inbox';
        else handled = false;
        break;
      default:
        handled = false;
    }
    if (handled) ev.preventDefault();
  });
  // A live refresh replaces the rows: keep the selection on the same chat when it is still there.
  document.addEventListener('htmx:afterSwap', function (ev) {
    if (!ev.detail || !ev.detail.target || ev.detail.target.id !== 'queue-list') return;
    var id = document.documentElement.dataset.kbSelected;
    var list = rows();
    var k = list.findIndex(function (r) { return r.dataset.conversationId === id; });
    if (k >= 0) {
      selected = k;
      list[k].classList.add('kb-selected');
    }
  });
})();
