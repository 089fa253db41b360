export { buildWebServer, type WebDeps } from './server.js';
export { html, escapeHtml, trusted, Html } from './html.js';
export { t, type UiLang, type MsgKey } from './i18n.js';
export { LiveStreams } from './live-stream.js';
export { buildSystemWeb, type WebServices } from './system-web.js';
