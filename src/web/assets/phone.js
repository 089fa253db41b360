// The patient phone: send without reloading the page, so typing feels like a chat app. Forms still work without JS.
(function () {
  'use strict';
  document.addEventListener('submit', function (ev) {
    var form = ev.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-phone-form')) return;
    ev.preventDefault();
    var body = new URLSearchParams(new FormData(form));
    fetch(form.action, { method: 'POST', body: body, headers: { 'x-requested-with': 'fetch' }, credentials: 'same-origin' })
      .then(function () {
        var text = form.querySelector('input[name=text]');
        if (text) text.value = '';
        var screen = document.getElementById('phone-messages');
        if (screen && window.htmx) window.htmx.trigger(screen, 'live-refresh');
      });
  });
})();
