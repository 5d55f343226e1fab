// The console's stylesheet and script: plain files shipped in the package (no build step on the
// user's machine; scripts/build.mjs copies them next to the compiled code), read once at start-up
// and served from memory. Their paths carry a hash of their content, so a browser may keep them
// for a year and still never runs an old script against a new page.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

interface Asset {
  body: Buffer;
  type: string;
  hash: string;
}

function load(name: string, type: string): Asset {
  const body = readFileSync(new URL(`./assets/${name}`, import.meta.url));
  return { body, type, hash: createHash('sha256').update(body).digest('hex').slice(0, 12) };
}

export const ASSETS: Record<string, Asset> = {
  'console.css': load('console.css', 'text/css; charset=utf-8'),
  'console.js': load('console.js', 'text/javascript; charset=utf-8'),
};

export const ASSET_PATHS = {
  css: `/console/assets/console.css?v=${ASSETS['console.css']!.hash}`,
  js: `/console/assets/console.js?v=${ASSETS['console.js']!.hash}`,
};
