import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { FastifyInstance } from 'fastify';

const require = createRequire(import.meta.url);

const FILES: Record<string, { path: string; type: string }> = {
  'htmx.min.js': { path: require.resolve('htmx.org/dist/htmx.min.js'), type: 'text/javascript; charset=utf-8' },
  'app.js': { path: new URL('./assets/app.js', import.meta.url).pathname, type: 'text/javascript; charset=utf-8' },
  'inbox-keys.js': { path: new URL('./assets/inbox-keys.js', import.meta.url).pathname, type: 'text/javascript; charset=utf-8' },
  'phone.js': { path: new URL('./assets/phone.js', import.meta.url).pathname, type: 'text/javascript; charset=utf-8' },
  'app.css': { path: new URL('./assets/app.css', import.meta.url).pathname, type: 'text/css; charset=utf-8' },
  'favicon.svg': { path: new URL('./assets/favicon.svg', import.meta.url).pathname, type: 'image/svg+xml' },
  // The coordinators' pages: CodeMirror 5's UMD files straight from node_modules (no bundler), and our own script and styles.
  'codemirror.js': { path: require.resolve('codemirror/lib/codemirror.js'), type: 'text/javascript; charset=utf-8' },
  'codemirror.css': { path: require.resolve('codemirror/lib/codemirror.css'), type: 'text/css; charset=utf-8' },
  'cm-yaml.js': { path: require.resolve('codemirror/mode/yaml/yaml.js'), type: 'text/javascript; charset=utf-8' },
  'cm-lint.js': { path: require.resolve('codemirror/addon/lint/lint.js'), type: 'text/javascript; charset=utf-8' },
  'cm-lint.css': { path: require.resolve('codemirror/addon/lint/lint.css'), type: 'text/css; charset=utf-8' },
  'coord.js': { path: new URL('./assets/coordinator/coord.js', import.meta.url).pathname, type: 'text/javascript; charset=utf-8' },
  'flow-form.js': { path: new URL('./assets/coordinator/flow-form.js', import.meta.url).pathname, type: 'text/javascript; charset=utf-8' },
  'cm-yaml-plain.js': { path: new URL('./assets/coordinator/cm-yaml-plain.js', import.meta.url).pathname, type: 'text/javascript; charset=utf-8' },
  'coord.css': { path: new URL('./assets/coordinator/coord.css', import.meta.url).pathname, type: 'text/css; charset=utf-8' },
  'monitoring.css': { path: new URL('./assets/monitoring.css', import.meta.url).pathname, type: 'text/css; charset=utf-8' },
};

/** Serve the few static files (read once at start): htmx from node_modules, our script and stylesheet. */
export async function assetRoutes(app: FastifyInstance): Promise<void> {
  const loaded = new Map(Object.entries(FILES).map(([name, f]) => [name, { body: readFileSync(decodeURIComponent(f.path)), type: f.type }]));
  app.get('/assets/:name', async (req, reply) => {
    const { name } = req.params as { name: string };
    const file = loaded.get(name);
    if (!file) return reply.code(404).send('not found');
    return reply.header('content-type', file.type).header('cache-control', 'public, max-age=300').header('x-content-type-options', 'nosniff').send(file.body);
  });
  // Browsers ask for /favicon.ico whatever the page says; answer with the same icon.
  app.get('/favicon.ico', async (_req, reply) => reply.redirect('/assets/favicon.svg', 301));
}
