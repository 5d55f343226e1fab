import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The layers (docs/architecture.md): data flows one way, and no import runs from a lower layer to a
// higher one. Listed once here; each block below forbids what lies above its layer.
const EDGE = [
  'src/http/**',
  'src/logging/**',
  'src/**/*.routes.ts',
  'src/**/*.schemas.ts',
  'src/**/*.mapper.ts',
  'src/**/*.hooks.ts',
  'src/resources/sessions/session-participants.ts',
  'src/console/**',
];
const APP = ['src/app.ts', 'src/components.ts', 'src/server.ts', 'src/cli.ts', 'src/cli/**', 'src/index.ts', 'src/testing.ts'];
const FEATURES = [
  'resources',
  'routing',
  'carriers',
  'pool',
  'outbox',
  'callbacks',
  'outbound',
  'jobs',
  'accounts',
  'privacy',
  'idempotency',
  'phone',
  'import',
  'metrics',
  'ratelimit',
];
const APP_MODULES = ['**/app.js', '**/components.js', '**/server.js', '**/cli.js', '**/cli/**', '**/testing.js'];
const EDGE_MODULES = [
  '**/http/**',
  '**/logging/**',
  '**/*.routes.js',
  '**/*.schemas.js',
  '**/*.mapper.js',
  '**/*.hooks.js',
  'fastify',
  '@fastify/*',
];
const anyOf = (folders) => folders.map((folder) => `**/${folder}/**`);

/** `rule` (one name per concern, so that zones of different concerns never override each other). */
function forbid(rule, files, groups, why, ignores = []) {
  return {
    files,
    ignores,
    rules: { [rule]: ['error', { patterns: groups.map(([group, message]) => ({ group, message: `${message} (${why})` })) }] },
  };
}
const LAYERS = 'no-restricted-imports';
const FEATURE_FOLDERS = '@typescript-eslint/no-restricted-imports';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'data/', 'coverage/', 'bench/.tmp/', 'test/generated-client/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        fetch: 'readonly',
        setTimeout: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  // Utilities and the error catalogue depend on nothing of the product.
  forbid(
    LAYERS,
    ['src/common/**', 'src/errors/**'],
    [[[...anyOf(['db', ...FEATURES]), ...EDGE_MODULES, ...APP_MODULES], 'a utility imports no layer']],
    'layers',
  ),
  // The database layer knows no domain, no HTTP.
  forbid(
    LAYERS,
    ['src/db/**'],
    [[[...anyOf(FEATURES), ...EDGE_MODULES, ...APP_MODULES], 'the database layer imports no domain or HTTP code']],
    'layers',
  ),
  // The domain knows no HTTP and no app wiring.
  forbid(LAYERS, ['src/**'], [[[...EDGE_MODULES, ...APP_MODULES], 'the domain imports no HTTP edge code and no app wiring']], 'layers', [
    ...EDGE,
    ...APP,
    'src/common/**',
    'src/errors/**',
    'src/db/**',
  ]),
  // The console reads and writes through the domain services, as the API does: no SQL of its own.
  forbid(
    LAYERS,
    ['src/console/**'],
    [[['**/*.repository.js', '**/db/database.js', '**/db/unit-of-work.js'], 'the console calls the domain services, never a repository']],
    'layers',
  ),
  // The console's script runs in the browser.
  {
    files: ['src/console/assets/**/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: { document: 'readonly', window: 'readonly', fetch: 'readonly', setInterval: 'readonly' },
    },
  },
  // The HTTP edge's shared code serves every resource and knows none of them.
  forbid(LAYERS, ['src/http/**'], [[['**/resources/**', ...APP_MODULES], 'src/http serves every resource and imports none']], 'layers'),
  // Feature folders that once imported each other in loops: one direction only.
  forbid(
    FEATURE_FOLDERS,
    ['src/resources/sessions/**'],
    [[anyOf(['participants', 'interactions', 'message-interactions']), 'sessions build on no participant or interaction code']],
    'feature folders',
  ),
  forbid(
    FEATURE_FOLDERS,
    ['src/resources/services/**'],
    [
      [
        anyOf(['sessions', 'participants', 'phone-numbers', 'interactions', 'message-interactions']),
        'services build on nothing under them',
      ],
    ],
    'feature folders',
  ),
  forbid(
    FEATURE_FOLDERS,
    ['src/resources/interactions/**'],
    [[anyOf(['routing', 'message-interactions']), 'interactions are what routing records; routing builds on them']],
    'feature folders',
  ),
  forbid(
    FEATURE_FOLDERS,
    ['src/routing/**'],
    [[anyOf(['carriers', 'message-interactions']), 'carriers implement routing/carrier.ts; routing knows none of them']],
    'feature folders',
  ),
  forbid(
    FEATURE_FOLDERS,
    ['src/jobs/**'],
    [[anyOf(['outbox']), 'jobs schedule domain passes; the outbox runs its own worker']],
    'feature folders',
  ),
);
