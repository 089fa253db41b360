// The flow page's form editor: shows one step as a form, sends a change with the editor's current YAML to the server,
// and puts the YAML it answers with back into the editor (where the usual live check runs). The YAML stays the source of
// truth: publishing and saving are the editor's buttons. Needs scripts; without them the YAML editor is still there.
(function () {
  'use strict';
  var tab = document.getElementById('tab-form');
  var panel = document.getElementById('ff-panel');
  if (!tab || !panel) return;
  var base = tab.dataset.formUrl;
  var csrfInput = document.querySelector('#flow-form input[name=_csrf]');
  var csrf = csrfInput ? csrfInput.value : '';
  var current = null;

  function editor() {
    var el = document.querySelector('.CodeMirror');
    return el && el.CodeMirror ? el.CodeMirror : null;
  }
  function source() {
    var cm = editor();
    return cm ? cm.getValue() : document.getElementById('flow-source').value;
  }
  function post(path, body) {
    return fetch(base + path, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': csrf },
      body: JSON.stringify(body),
    }).then(function (r) {
      if (!r.ok) throw new Error('form request failed: ' + r.status);
      return r.json();
    });
  }
  function show(res) {
    panel.innerHTML = res.html;
    var f = document.getElementById('ff-form');
    current = f ? f.dataset.step : null;
    var message = document.getElementById('ff-message');
    if (message) message.scrollIntoView({ block: 'nearest' });
    // Tests wait for this: which step the form shows, after how many answers.
    document.documentElement.dataset.formStep = current || '';
    document.documentElement.dataset.formLoads = String(Number(document.documentElement.dataset.formLoads || 0) + 1);
  }
  function load(step) {
    return post('/step', { source: source(), step: step || current || undefined }).then(show);
  }
  function apply(op) {
    return post('/apply', { source: source(), op: op }).then(function (res) {
      if (res.ok) {
        var cm = editor();
        if (cm) {
          // Keep the view where it was; setValue runs the editor's change handler, so the live check follows.
          var scroll = cm.getScrollInfo();
          cm.setValue(res.source);
          cm.scrollTo(scroll.left, scroll.top);
        } else document.getElementById('flow-source').value = res.source;
      }
      show(res);
    });
  }

  function texts(form, name) {
    var id = form.querySelector('[name="' + name + '.id"]');
    var en = form.querySelector('[name="' + name + '.en"]');
    return id && en ? { id: id.value, en: en.value } : undefined;
  }
  function editOf(form) {
    var edit = {};
    var text = texts(form, 'text');
    if (text) edit.text = text;
    ['reask', 'intro', 'more', 'item_done'].forEach(function (name) {
      var value = texts(form, name);
      if (value) edit[name] = value;
    });
    var answerType = form.querySelector('[name=answerType]');
    if (answerType) edit.answerType = answerType.value;
    var rows = form.querySelectorAll('#ff-choice-rows tr');
    if (form.querySelector('#ff-choice-rows')) {
      edit.choices = Array.prototype.map.call(rows, function (tr) {
        return { value: tr.querySelector('[name="choice.value"]').value, id: tr.querySelector('[name="choice.id"]').value, en: tr.querySelector('[name="choice.en"]').value };
      });
    }
    var next = form.querySelector('[name=next]');
    if (next) edit.next = next.value;
    var def = form.querySelector('[name=defaultNext]');
    if (def) edit.defaultNext = def.value;
    var cases = form.querySelectorAll('select[name^="case."]');
    if (cases.length > 0) edit.caseNext = Array.prototype.map.call(cases, function (s) { return s.value; });
    return edit;
  }

  panel.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var form = ev.target;
    // getAttribute: a form's `.id` would be its field named "id", if it had one.
    var which = form.getAttribute('id');
    if (which === 'ff-form') apply({ op: 'edit', step: form.dataset.step, edit: editOf(form) });
    if (which === 'ff-add') apply({ op: 'add', after: current, id: form.querySelector('[name=new_step]').value.trim(), type: form.querySelector('[name=new_type]').value });
  });
  panel.addEventListener('change', function (ev) {
    if (ev.target.id === 'ff-step') load(ev.target.value);
    // A new answer type changes which fields the form has: apply it, then show the form again.
    if (ev.target.name === 'answerType') apply({ op: 'edit', step: current, edit: editOf(ev.target.form) });
  });
  panel.addEventListener('click', function (ev) {
    var t = ev.target;
    if (t.id === 'ff-add-choice') {
      var tpl = document.getElementById('ff-choice-template');
      var row = tpl.content.firstElementChild.cloneNode(true);
      document.getElementById('ff-choice-rows').appendChild(row);
      row.querySelector('input').focus();
    } else if (t.dataset && t.dataset.ffMove) {
      apply({ op: 'move', step: current, by: Number(t.dataset.ffMove) });
    } else if (t.id === 'ff-delete') {
      if (window.confirm(t.dataset.confirm)) apply({ op: 'delete', step: current });
    }
  });

  // A step clicked in the diagram opens in the form (coord.js also moves the editor's cursor to it).
  document.addEventListener('click', function (ev) {
    var node = ev.target.closest && ev.target.closest('.flow-diagram [data-step]');
    if (!node) return;
    current = node.getAttribute('data-step');
    var tabLink = document.querySelector('.side-tab[data-tab="tab-form"]');
    if (tabLink) tabLink.click();
    load(current);
  });
  document.addEventListener('click', function (ev) {
    var a = ev.target.closest && ev.target.closest('.side-tab[data-tab="tab-form"]');
    if (a && !current) load();
  });
  if ((location.hash || '') === '#tab-form') load();
})();
