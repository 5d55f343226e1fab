#!/usr/bin/env node
// `npm test`: the whole suite on SQLite, then again on PostgreSQL when PARLEY_TEST_DATABASE_URL
// names a server (.ci/run makes sure one is there). Extra arguments are test files or folders.

import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

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
