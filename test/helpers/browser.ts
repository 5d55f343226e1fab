// A headless chromium for the browser tests (test/browser), driven by playwright-core. It is
// Debian's chromium (scripts/ensure-chromium.sh installs it; `npm test` runs that when a browser
// test is selected), since playwright-core brings no browser of its own. Each launch gets a fresh
// profile directory, removed at close, so no test sees another's cookies or storage. Traffic goes
// to loopback only: any other request is aborted and recorded, never sent.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { Page } from 'playwright-core';
import { GENEROUS_MS } from './eventually.js';

const ARGS = [
  // The tests run as root in a container, where chromium's sandbox cannot start.
  '--no-sandbox',
  '--disable-gpu',
  // No update checks, sync, field trials or QUIC probes: nothing but the page's own traffic.
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-quic',
  '--disable-sync',
  // Every host but loopback resolves to nothing, so even the browser's own requests, which the
  // routes below never see, cannot leave the machine (the rule applies to IP literals too).
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1, EXCLUDE [::1]',
];

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
const isLoopback = (url: URL): boolean => LOOPBACK.has(url.hostname);

/** Where saveScreenshot writes: test-output/screenshots at the repository's root (git-ignored). */
export const SCREENSHOT_DIR = fileURLToPath(new URL('../../test-output/screenshots/', import.meta.url));

export function chromiumPath(): string {
  return process.env.PARLEY_CHROMIUM || '/usr/bin/chromium';
}

/** What went wrong in a page, recorded from the moment it opened. */
export interface PageProblems {
  /** Uncaught exceptions in the page's scripts. */
  pageErrors: string[];
  /** console.error calls, and what the browser itself logs as errors (a failed load, say). */
  consoleErrors: string[];
}

const problems = new WeakMap<Page, PageProblems>();

export function pageProblems(page: Page): PageProblems {
  const recorded = problems.get(page);
  assert.ok(recorded, 'the page was not opened by openBrowser().newPage()');
  return recorded;
}

/** Fails, listing them, if the page had an uncaught exception or logged an error. */
export function assertNoPageProblems(page: Page): void {
  assert.deepEqual(pageProblems(page), { pageErrors: [], consoleErrors: [] }, `problems in ${page.url()}`);
}

export interface TestBrowser {
  /** A new tab (1280x720 unless told): tabs share the launch's cookies and storage. */
  newPage(options?: { width?: number; height?: number }): Promise<Page>;
  /** Every request aborted for not going to loopback, by URL. */
  readonly blocked: readonly string[];
  /** Closes the browser and removes its profile directory. */
  close(): Promise<void>;
}

export async function openBrowser(): Promise<TestBrowser> {
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) {
    throw new Error(`chromium is not at ${executablePath}: run scripts/ensure-chromium.sh (or set PARLEY_CHROMIUM to a chromium binary)`);
  }
  // launch() refuses a --user-data-dir argument; launchPersistentContext is how to name the profile.
  const profile = await mkdtemp(join(tmpdir(), 'parley-chromium-'));
  const removeProfile = () => rm(profile, { recursive: true, force: true });
  const context = await chromium
    .launchPersistentContext(profile, { executablePath, headless: true, args: ARGS, viewport: { width: 1280, height: 720 } })
    .catch(async (err: unknown) => {
      await removeProfile();
      throw err;
    });
  // Playwright's own 30 s default, made the suite's generous deadline by name: a slow machine makes
  // a browser test slower, never failing.
  context.setDefaultTimeout(GENEROUS_MS);
  const blocked: string[] = [];
  await context.route(
    (url) => !isLoopback(url),
    (route) => {
      blocked.push(route.request().url());
      return route.abort('blockedbyclient');
    },
  );
  await context.routeWebSocket(
    (url) => !isLoopback(url),
    (socket) => {
      blocked.push(socket.url());
      return socket.close();
    },
  );

  return {
    blocked,
    async newPage(options = {}) {
      const page = await context.newPage();
      const recorded: PageProblems = { pageErrors: [], consoleErrors: [] };
      problems.set(page, recorded);
      page.on('pageerror', (err) => recorded.pageErrors.push(err.stack ?? String(err)));
      page.on('console', (message) => {
        if (message.type() === 'error') recorded.consoleErrors.push(message.text());
      });
      if (options.width !== undefined || options.height !== undefined) {
        await page.setViewportSize({ width: options.width ?? 1280, height: options.height ?? 720 });
      }
      return page;
    },
    async close() {
      try {
        await context.close();
      } finally {
        await removeProfile();
      }
    },
  };
}

/** A full-page PNG at test-output/screenshots/<name>.png, for a person to look at; returns its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name.replace(/[^\w.-]+/g, '-')}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
