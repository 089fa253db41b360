// CodeMirror 5's YAML mode reads every ' or " as the start of a quoted string, so "That's alright" turned the rest of the
// line into a string. In YAML a quote opens a quoted scalar only where a value starts (after "key:", "- ", "[", "{" or ","),
// so this mode wraps the stock one and passes a quote inside a plain scalar through as plain text. Served as
// /assets/cm-yaml-plain.js after cm-yaml.js; the flow editor uses mode "yaml-plain".
(function () {
  'use strict';
  if (!window.CodeMirror) return;
  var CM = window.CodeMirror;
  CM.defineMode('yaml-plain', function (config) {
    var inner = CM.getMode(config, 'yaml');
    return {
      startState: function () {
        return { inner: CM.startState(inner), plain: false };
      },
      copyState: function (s) {
        return { inner: CM.copyState(inner, s.inner), plain: s.plain };
      },
      token: function (stream, state) {
        if (stream.sol()) state.plain = false;
        var ch = stream.peek();
        if (state.plain && (ch === "'" || ch === '"')) {
          stream.next();
          return null;
        }
        var style = inner.token(stream, state.inner);
        // Unstyled text that is not blank is the inside of a plain scalar until a separator ("meta") comes.
        if (style === 'meta') state.plain = false;
        else if (style === null && /\S/.test(stream.current())) state.plain = true;
        return style;
      },
      lineComment: '#',
      fold: 'indent',
    };
  });
})();
