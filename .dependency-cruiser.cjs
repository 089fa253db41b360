// The layering of tracebot as rules (docs/architecture.md): domain <- flow <- services <- db / queue / channels / web / cli
// <- composition root (src/main.ts, src/system.ts). `npm run deps:check` checks them; `npm run docs:graph` draws the
// folder-level picture from the same configuration.

/** Folders of src that make up the outer ring (adapters, entry points, composition root). */
const OUTER = '^src/(db|queue|channels|web|cli|runtime|config)/';

/** The composition root: it may import anything (rule root-imports-module-surfaces asks it to prefer index.ts). */
const ROOT = '^src/(main|system)[.]ts$';

/** Libraries that belong to one folder each (see the confined rules below). */
const CONFINED_LIBRARIES = '(^|/)node_modules/(better-sqlite3|drizzle-orm|bullmq|ioredis|fastify|@fastify/[^/]+|@bull-board/[^/]+|telegraf|@whiskeysockets/baileys)/';

/** A third-party library allowed only under one folder. */
const confined = (name, library, folder) => ({
  name,
  comment: `${library} is imported only under ${folder} (its types do not leave that folder either)`,
  severity: 'error',
  from: { path: '^src/', pathNot: [`^${folder}`, ROOT] },
  to: { dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown'], path: `(^|/)node_modules/(${library})/` },
});

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'No import circles: each module can be read after the ones it imports.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'domain-is-pure',
      comment:
        'src/domain (types, ports, rules) imports nothing outside src/domain: no other folder, no library, not even types. ' +
        'Exception: zod, which does no I/O and gives the normalised message and job payload types their one schema.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { pathNot: ['^src/domain/', '(^|/)node_modules/zod/'] },
    },
    {
      name: 'flow-is-pure',
      comment: 'The engine (src/flow) depends only on src/domain among our folders: no I/O layer, no services.',
      severity: 'error',
      from: { path: '^src/flow/' },
      to: { path: ['^src/', CONFINED_LIBRARIES], pathNot: ['^src/(flow|domain)/'] },
    },
    {
      name: 'services-below-adapters',
      comment: 'Use cases receive repositories and ports as arguments: they never import db, queue, channels, web, cli or the root.',
      severity: 'error',
      from: { path: '^src/services/' },
      to: { path: ['^src/(db|queue|channels|web|cli)/', ROOT] },
    },
    {
      name: 'adapters-do-not-import-the-root',
      comment: 'The composition root imports the adapters, never the other way round (it wires them explicitly).',
      severity: 'error',
      from: { path: OUTER },
      to: { path: ROOT },
    },
    confined('drizzle-only-in-db', 'drizzle-orm', 'src/db/'),
    confined('sqlite-only-in-db', 'better-sqlite3', 'src/db/'),
    confined('bullmq-only-in-queue', 'bullmq', 'src/queue/'),
    confined('ioredis-only-in-queue', 'ioredis', 'src/queue/'),
    confined('fastify-only-in-web', 'fastify|@fastify/[^/]+|@bull-board/[^/]+', 'src/web/'),
    confined('telegraf-only-in-telegram', 'telegraf', 'src/channels/telegram/'),
    confined('baileys-only-in-whatsapp', '@whiskeysockets/baileys', 'src/channels/whatsapp/'),
    {
      name: 'root-imports-module-surfaces',
      comment: 'src/main.ts and src/system.ts import each folder through its index.ts.',
      severity: 'warn',
      from: { path: ROOT },
      to: { path: '^src/[^/]+/', pathNot: '/index[.]ts$' },
    },
    {
      name: 'root-builds-through-modules',
      comment: 'src/main.ts and src/system.ts get database, queue, web and channel objects from those folders, not from libraries.',
      severity: 'warn',
      from: { path: ROOT },
      to: { path: CONFINED_LIBRARIES },
    },
    {
      name: 'bench-uses-public-modules',
      comment: 'The benchmark is tooling outside the product: it reaches src only through src/system.ts and folders\' index.ts.',
      severity: 'error',
      from: { path: '^bench/' },
      to: { path: '^src/', pathNot: ['^src/system[.]ts$', '/index[.]ts$'] },
    },
    {
      name: 'product-does-not-import-tooling',
      comment: 'src never imports bench or tests.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(bench|tests)/' },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'Every import resolves.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: ['node_modules'] },
    exclude: { path: ['^src/web/assets/'] },
    tsPreCompilationDeps: true,
    // node_modules may be a symlink (git worktrees share one): name libraries by where they are linked, not where they live.
    preserveSymlinks: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.cjs', '.mjs', '.json'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    reporterOptions: {
      dot: {
        // One box per src folder (and per library), as docs/architecture.md draws it.
        collapsePattern: '^(src/[^/]+|bench|node_modules/(@[^/]+/[^/]+|[^/]+))',
        // Outer layers on top, domain at the bottom: arrows point down, the way dependencies should.
        theme: { graph: { rankdir: 'TB', ranksep: '0.5' } },
      },
      archi: {
        collapsePattern: '^(src/[^/]+|bench|node_modules/(@[^/]+/[^/]+|[^/]+))',
      },
    },
  },
};
