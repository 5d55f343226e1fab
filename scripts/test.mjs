#!/usr/bin/env node
// `npm test`: the whole suite on SQLite, then again on PostgreSQL when PARLEY_TEST_DATABASE_URL
// names a server (.ci/run makes sure one is there). Extra arguments are test files or folders.
// When a selected file is a browser test (test/browser/), chromium is installed first if missing;
// Redis is found or started when PARLEY_TEST_REDIS_URL is unset (scripts/ensure-redis.sh).

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));

function testFiles(paths) {
  return paths.flatMap((path) => {
    if (statSync(path).isDirectory()) {
      return readdirSync(path)
        .sort()
        .flatMap((entry) => testFiles([join(path, entry)]));
    }
    return path.endsWith('.test.ts') ? [path] : [];
  });
}

const files = testFiles(process.argv.length > 2 ? process.argv.slice(2) : ['test']);

// A missing chromium is installed here rather than skipped: if that fails, the browser tests fail
// with test/helpers/browser.ts's error saying what to run.
const chromium = process.env.PARLEY_CHROMIUM || '/usr/bin/chromium';
const browserTests = files.some((file) => relative(repo, resolve(file)).startsWith(join('test', 'browser') + sep));
if (browserTests && !existsSync(chromium)) {
  const ensured = spawnSync(join(repo, 'scripts', 'ensure-chromium.sh'), [], { stdio: 'inherit' });
  if (ensured.status !== 0) console.error(`\nCould not install chromium (${chromium}): the browser tests will fail.\n`);
}

// Redis (the shared rate limits' tests) is found or started like PostgreSQL in .ci/run; if that
// fails, those tests fail with test/helpers/redis.ts's error saying what to run, never skip.
if (!process.env.PARLEY_TEST_REDIS_URL) {
  const ensured = spawnSync('bash', ['-c', '. scripts/ensure-redis.sh >&2 && printf %s "$PARLEY_TEST_REDIS_URL"'], {
    cwd: repo,
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  if (ensured.status === 0 && ensured.stdout !== '') process.env.PARLEY_TEST_REDIS_URL = ensured.stdout;
  else console.error('\nCould not find or start Redis: the Redis tests will fail.\n');
}

const engines = ['sqlite'];
if (process.env.PARLEY_TEST_DATABASE_URL) engines.push('postgres');

const failed = [];
for (const engine of engines) {
  console.log(`\n=== Parley test suite on ${engine} (${files.length} files) ===\n`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=3', ...files], {
    stdio: 'inherit',
    env: { ...process.env, PARLEY_TEST_ENGINE: engine },
  });
  if (run.status !== 0) failed.push(engine);
}

if (!process.env.PARLEY_TEST_DATABASE_URL) {
  console.log(
    '\nSKIPPED the PostgreSQL pass: PARLEY_TEST_DATABASE_URL is not set ' +
      '(e.g. postgres://postgres@127.0.0.1:5432/test; .ci/run sets it up).',
  );
}
if (failed.length > 0) {
  console.error(`\nFAILED on: ${failed.join(', ')}`);
  process.exit(1);
}
console.log(`\nAll tests passed on: ${engines.join(', ')}`);
