// Parley as an npm package: `npm pack` (which builds dist/ first when the sources changed), then,
// in an empty folder, `npm install ./parley-*.tgz` and `npx parley serve`, and
// `import { startEmulator } from 'parley/testing'` from the installed package, types included, and
// `npx parley import twilio-proxy` (no `twilio` package at run time: it is a devDependency).
// The install is offline-friendly: runtime dependencies come from the npm cache (--prefer-offline),
// and better-sqlite3's native binding is this checkout's own build when the versions match (it
// would otherwise compile, a minute or more), else it is rebuilt from source.

import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { startTestApp, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN } from '../helpers/app.js';
import { testEngine } from '../helpers/database.js';
import { eventually } from '../helpers/eventually.js';
import { populateSource } from '../helpers/proxy-source.js';

const run = promisify(execFile);
const repo = resolve(import.meta.dirname, '../..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const MINUTES = 60_000;

/** The environment of a user's shell: none of this test run's Parley or npm-script variables. */
function userEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(PARLEY_|DATABASE_URL$|PORT$|HOST$|npm_|NODE_OPTIONS$)/.test(name)),
  );
  return { ...env, PARLEY_LOG_LEVEL: 'warn' };
}

function version(packageDir: string): string {
  return (JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string }).version;
}

/** better-sqlite3's binding: this checkout's when it is the same version, else compiled for the install. */
async function nativeBinding(app: string): Promise<void> {
  const installed = join(app, 'node_modules', 'better-sqlite3');
  const ours = join(repo, 'node_modules', 'better-sqlite3');
  const binding = join('build', 'Release', 'better_sqlite3.node');
  if (version(installed) === version(ours) && existsSync(join(ours, binding))) {
    mkdirSync(join(installed, 'build', 'Release'), { recursive: true });
    copyFileSync(join(ours, binding), join(installed, binding));
    return;
  }
  await run(npm, ['rebuild', 'better-sqlite3'], { cwd: app, env: { ...userEnv(), npm_config_build_from_source: 'true' } });
}

describe('the npm package', { skip: testEngine() === 'postgres' && 'the package serves SQLite; once is enough' }, () => {
  let scratch: string;
  let app: string;
  let files: string[];

  before(
    async () => {
      scratch = mkdtempSync(join(tmpdir(), 'parley-package-'));
      const packed = await run(npm, ['pack', '--json', '--pack-destination', scratch], { cwd: repo, env: userEnv() });
      const [tarball] = JSON.parse(packed.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
      files = tarball!.files.map((file) => file.path);
      app = join(scratch, 'app');
      mkdirSync(app);
      writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
      await run(npm, ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', join(scratch, tarball!.filename)], {
        cwd: app,
        env: userEnv(),
      });
      await nativeBinding(app);
    },
    { timeout: 15 * MINUTES },
  );
  after(() => rmSync(scratch, { recursive: true, force: true }));

  test('holds the compiled server, its types and the bin; no sources, tests or build stamps', () => {
    for (const file of ['bin/parley.js', 'dist/cli.js', 'dist/server.js', 'dist/testing.js', 'dist/testing.d.ts', 'dist/index.d.ts']) {
      assert.ok(files.includes(file), `${file} is not in the tarball`);
    }
    const stray = files.filter((file) => /^(src|test|bench|scripts)\//.test(file) || file.endsWith('.map') || file.endsWith('.build-hash'));
    assert.deepEqual(stray, []);
  });

  test('npx parley serve answers /healthz, keeps SQLite in ./data and stops cleanly on SIGTERM', { timeout: 5 * MINUTES }, async () => {
    // Its own process group, signalled as a whole (as a terminal's job control or a supervisor
    // does): npx and the server it runs both get the SIGTERM.
    const child = spawn(npx, ['parley', 'serve'], {
      cwd: app,
      detached: true,
      env: { ...userEnv(), PORT: '0', HOST: '127.0.0.1', PARLEY_LOG_LEVEL: 'info' },
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    // Closed once every process holding the pipe (npx, the server) has exited.
    const closed = new Promise<void>((done) => child.stdout.once('close', done));
    try {
      const base = await eventually(
        () => {
          assert.equal(child.exitCode, null, output);
          const url = /API at (http:\/\/\S+)\/v1/.exec(output)?.[1];
          assert.ok(url !== undefined, 'no banner yet');
          return url;
        },
        { timeoutMs: 3 * MINUTES, intervalMs: 50 },
      );
      const health = await fetch(`${base}/healthz`);
      assert.equal(health.status, 200);
      assert.deepEqual(await health.json(), { status: 'ok' });
      assert.ok(existsSync(join(app, 'data', 'parley.db')), 'no ./data/parley.db');
    } finally {
      process.kill(-child.pid!, 'SIGTERM');
    }
    await closed;
    assert.match(output, /"msg":"shutting down"/);
    const { stdout } = await run(npx, ['parley', '--version'], { cwd: app, env: userEnv() });
    assert.equal(stdout.trim(), version(repo));
    assert.doesNotMatch(output, /"level":(50|60)|shutdown failed/, output);
  });

  test("import { startEmulator } from 'parley/testing' works from the installed package, with its types", async () => {
    const check = [
      "import { startEmulator } from 'parley/testing';",
      'const emulator = await startEmulator();',
      "const sent = await emulator.text('+12125550101', '+14155550100', 'hello');",
      "const health = await fetch(emulator.url + '/healthz');",
      'console.log(JSON.stringify({ health: health.status, sid: emulator.accountSid, inbound: sent.direction }));',
      'await emulator.stop();',
    ].join('\n');
    writeFileSync(join(app, 'check.ts'), check);
    writeFileSync(join(app, 'check.mjs'), check);
    const out = await run(process.execPath, ['check.mjs'], { cwd: app, env: userEnv() });
    const result = JSON.parse(out.stdout) as { health: number; sid: string; inbound: string };
    assert.equal(result.health, 200);
    assert.match(result.sid, /^AC[0-9a-f]{32}$/);
    assert.equal(result.inbound, 'inbound');
    // The same code type-checks against the package's declarations (`sent.direction` is typed).
    const tsc = join(repo, 'node_modules', 'typescript', 'bin', 'tsc');
    const flags = ['--noEmit', '--strict', '--skipLibCheck', '--module', 'nodenext', '--target', 'es2022', '--lib', 'es2023,dom'];
    await run(process.execPath, [tsc, ...flags, 'check.ts'], { cwd: app, env: userEnv() });
  });

  test('npx parley import twilio-proxy copies from a source that speaks the Proxy API, with the runtime dependencies only', async () => {
    assert.ok(!existsSync(join(app, 'node_modules', 'twilio')), 'twilio is not installed with the package');
    const source = await startTestApp();
    try {
      await populateSource(source.app.parley.database, TEST_ACCOUNT_SID, { sessions: 30, poolSize: 10, couriers: 3 });
      const env = { ...userEnv(), DATABASE_URL: 'sqlite:./imported.db' };
      await run(npx, ['parley', 'migrate'], { cwd: app, env });
      const credentials = ['--account-sid', TEST_ACCOUNT_SID, '--auth-token', TEST_AUTH_TOKEN];
      const imported = await run(
        npx,
        ['parley', 'import', 'twilio-proxy', ...credentials, '--from-url', source.baseUrl, '--include-closed'],
        {
          cwd: app,
          env,
        },
      );
      assert.match(imported.stdout, /^ {2}sessions +30 +0 +0 +0$/m, imported.stdout);
      assert.match(imported.stdout, /^ {2}participants +60 +0 +0 +0$/m);
    } finally {
      await source.close();
    }
  });
});
