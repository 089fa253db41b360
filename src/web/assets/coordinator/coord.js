// The coordinators' pages: side tabs, the flow editor (CodeMirror 5 + live checks from the server), the simulator's scrolling,
// and reading a CSV file in the browser for the import preview. Every page works without this script; it only makes it nicer.
(function () {
  'use strict';

  // ---- side tabs (simulator / diagram / versions) ----------------------------------------------------------------------
  function showTab(id) {
    var found = false;
    document.querySelectorAll('.side-tab[data-tab]').forEach(function (a) {
      var on = a.dataset.tab === id;
      found = found || on;
      a.classList.toggle('on', on);
      a.setAttribute('aria-selected', on ? 'true' : 'false');
      var panel = document.getElementById(a.dataset.tab);
      if (panel) panel.hidden = !on;
    });
    return found;
  }
  document.addEventListener('click', function (ev) {
    var a = ev.target.closest && ev.target.closest('.side-tab[data-tab]');
    if (!a) return;
    ev.preventDefault();
    showTab(a.dataset.tab);
  });
  var firstTab = document.querySelector('.side-tab[data-tab]');
  if (firstTab && !showTab((location.hash || '').slice(1))) showTab(firstTab.dataset.tab);

  // ---- flow editor -------------------------------------------------------------------------------------------------------
  var source = document.getElementById('flow-source');
  var cm = null;
  if (source && window.CodeMirror) {
    var form = document.getElementById('flow-form');
    var csrf = form.querySelector('input[name=_csrf]').value;
    var statusEl = document.getElementById('check-status');
    var problemsEl = document.getElementById('problems');
    var diagramEl = document.getElementById('diagram');
    var checks = 0;
    var dirty = false;
    var submitting = false;
    var marked = [];

    var check = function (text, update, _options, editor) {
      var n = ++checks;
      statusEl.textContent = '…';
      fetch(source.dataset.checkUrl, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': csrf },
        body: JSON.stringify({ source: text }),
      })
        .then(function (r) {
          if (!r.ok) throw new Error('check failed: ' + r.status);
          return r.json();
        })
        .then(function (res) {
          marked.forEach(function (h) { editor.removeLineClass(h, 'background', 'line-error'); });
          marked = [];
          var last = editor.lineCount() - 1;
          update(res.problems.map(function (p) {
            var line = Math.min(Math.max(p.line - 1, 0), last);
            var len = editor.getLine(line).length;
            var from = Math.min(Math.max(p.col - 1, 0), len);
            if (p.severity === 'error') marked.push(editor.addLineClass(line, 'background', 'line-error'));
            return { from: CodeMirror.Pos(line, from), to: CodeMirror.Pos(line, Math.max(len, from + 1)), message: p.message, severity: p.severity };
          }));
          problemsEl.innerHTML = res.problemsHtml;
          if (res.diagram) diagramEl.innerHTML = res.diagram;
          statusEl.textContent = '';
          // Tests wait for this: the number of the check whose answer is on screen.
          document.documentElement.dataset.checked = String(n);
          document.documentElement.dataset.valid = res.valid ? 'true' : 'false';
        })
        .catch(function () {
          statusEl.textContent = '⚠';
        });
    };
    check.async = true;

    cm = CodeMirror.fromTextArea(source, {
      mode: CodeMirror.modes['yaml-plain'] ? 'yaml-plain' : 'yaml',
      lineNumbers: true,
      indentUnit: 2,
      tabSize: 2,
      indentWithTabs: false,
      gutters: ['CodeMirror-lint-markers'],
      lint: { getAnnotations: check, async: true, delay: 400 },
      extraKeys: {
        // YAML forbids tabs for indentation: Tab inserts spaces.
        Tab: function (editor) {
          if (editor.somethingSelected()) editor.indentSelection('add');
          else editor.replaceSelection('  ', 'end');
        },
        'Shift-Tab': function (editor) { editor.indentSelection('subtract'); },
      },
    });
    cm.on('change', function () {
      cm.save();
      dirty = true;
    });
    form.addEventListener('submit', function () {
      cm.save();
      submitting = true;
    });
    window.addEventListener('beforeunload', function (ev) {
      if (dirty && !submitting) {
        ev.preventDefault();
        ev.returnValue = '';
      }
    });
    // The simulator posts the editor's text (hx-include="#flow-source"): keep the textarea current before htmx reads it.
    document.addEventListener('htmx:configRequest', function () { cm.save(); });
  }

  function gotoLine(line, col) {
    if (!cm) return;
    var pos = CodeMirror.Pos(Math.max(0, line - 1), Math.max(0, (col || 1) - 1));
    cm.focus();
    cm.setCursor(pos);
    cm.scrollIntoView(pos, 120);
  }
  document.addEventListener('click', function (ev) {
    var link = ev.target.closest && ev.target.closest('a.goto[data-line]');
    if (link && cm) {
      ev.preventDefault();
      gotoLine(Number(link.dataset.line), Number(link.dataset.col));
      return;
    }
    var node = ev.target.closest && ev.target.closest('.flow-diagram [data-step]');
    if (node && cm) {
      var id = node.getAttribute('data-step');
      var re = new RegExp('^\\s*-?\\s*id:\\s*[\'"]?' + id + '[\'"]?\\s*(#.*)?$');
      for (var i = 0; i < cm.lineCount(); i++) {
        if (re.test(cm.getLine(i))) {
          gotoLine(i + 1, 1);
          break;
        }
      }
    }
  });

  // ---- simulator -----------------------------------------------------------------------------------------------------------
  document.addEventListener('htmx:afterSwap', function (ev) {
    var target = ev.detail && ev.detail.target;
    if (!target) return;
    if (target.id === 'sim-chat') {
      var screen = document.getElementById('sim-screen');
      if (screen) screen.scrollTop = screen.scrollHeight;
      var input = document.getElementById('sim-text');
      if (input) input.focus();
    }
    if (target.id === 'import-result' && document.getElementById('import-done')) {
      // Imported: clear the text so a second click cannot post it again by mistake (it would only skip duplicates).
      var text = document.getElementById('csv-text');
      var file = document.getElementById('csv-file');
      if (text) text.value = '';
      if (file) file.value = '';
    }
  });

  // ---- CSV import: the rows with problems as a file --------------------------------------------------------------------
  // The import form is driven by htmx, which would swap the CSV into the page: post a plain form so the browser saves it.
  document.addEventListener('click', function (ev) {
    var btn = ev.target.closest && ev.target.closest('#problems-download');
    if (!btn) return;
    ev.preventDefault();
    var from = btn.form;
    var post = document.createElement('form');
    post.method = 'post';
    post.action = btn.getAttribute('formaction');
    ['_csrf', 'csv', 'source', 'lines'].forEach(function (name) {
      var field = from.querySelector('[name="' + name + '"]');
      if (!field) return;
      var copy = document.createElement('textarea');
      copy.name = name;
      copy.value = field.value;
      post.appendChild(copy);
    });
    post.hidden = true;
    document.body.appendChild(post);
    post.submit();
    post.remove();
  });

  // ---- CSV import: read the file here, post its text -------------------------------------------------------------------
  var fileInput = document.getElementById('csv-file');
  if (fileInput) {
    fileInput.addEventListener('change', function () {
      var f = fileInput.files && fileInput.files[0];
      if (!f) return;
      var target = document.getElementById(fileInput.dataset.readInto);
      var result = document.getElementById('import-result');
      if (f.size > Number(fileInput.dataset.max)) {
        result.innerHTML = '';
        var p = document.createElement('p');
        p.className = 'flash error';
        p.textContent = fileInput.dataset.tooBig;
        result.appendChild(p);
        fileInput.value = '';
        return;
      }
      var reader = new FileReader();
      reader.onload = function () {
        target.value = String(reader.result || '').replace(/^\uFEFF/, '');
        var btn = document.getElementById('preview-btn');
        if (btn) btn.click();
      };
      reader.readAsText(f, 'utf-8');
    });
  }
})();
