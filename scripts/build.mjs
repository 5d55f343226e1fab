#!/usr/bin/env node
// Compiles src/ into dist/ (tsc -p tsconfig.build.json). `npm run build` always builds;
// `--if-stale` (npm start's prestart, npm pack's prepack) builds only when the sources differ from
// the last build's, so a start on an up-to-date build takes a second instead of a minute of tsc.
// "The sources" are a hash of every file under src/, the tsconfig files and the compiler's version,
// kept in dist/.build-hash: content, not mtimes, so a checkout that touches files without changing
// them costs nothing and a change to an older file is never missed.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const stamp = join(dist, '.build-hash');

function files(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((entry) => (entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)]));
}

function tscPath() {
  try {
    return createRequire(import.meta.url).resolve('typescript/bin/tsc');
  } catch {
    return null;
  }
}

function sourceHash(tsc) {
  const hash = createHash('sha256');
  const inputs = [...files(join(root, 'src')), join(root, 'tsconfig.json'), join(root, 'tsconfig.build.json')];
  for (const file of inputs) hash.update(relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  hash.update(tsc === null ? 'no compiler' : readFileSync(join(dirname(tsc), '..', 'package.json')));
  return hash.digest('hex');
}

const ifStale = process.argv.includes('--if-stale');
const tsc = tscPath();
const built = existsSync(join(dist, 'cli.js'));
// Installed without the compiler (dev dependencies left out) a build is all there is to run.
if (ifStale && built && tsc === null) process.exit(0);
if (tsc === null) {
  console.error('parley: building needs TypeScript: run `npm ci` (dev dependencies included) first.');
  process.exit(1);
}
const hash = sourceHash(tsc);
if (ifStale && built && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === hash) process.exit(0);

const started = Date.now();
console.error(
  !ifStale
    ? 'building Parley (about a minute)…'
    : !built
      ? 'building Parley (first start, about a minute)…'
      : 'rebuilding Parley (the sources changed since the last build, about a minute)…',
);
// A clean build: a source file deleted since the last one must not live on in dist/.
rmSync(dist, { recursive: true, force: true });
const run = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
if (run.status !== 0) {
  console.error('parley: the build failed (see the compiler errors above).');
  process.exit(run.status ?? 1);
}
// What the browser loads (the console's stylesheet and script) ships as it is, beside the code.
cpSync(join(root, 'src', 'console', 'assets'), join(dist, 'console', 'assets'), { recursive: true });
writeFileSync(stamp, `${hash}\n`);
console.error(`built Parley in ${Math.round((Date.now() - started) / 1000)} s.`);
