// `parley --version`: the version in package.json, found from this file's own location, so that it
// works from a checkout (src/cli/ under tsx), from the build (dist/cli/) and from an installed
// package, in any working directory: package.json sits two levels up from each.

import { readFileSync } from 'node:fs';

export function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  return String(manifest.version);
}
