#!/usr/bin/env -S node --max-semi-space-size=4
// --max-semi-space-size=4: a smaller young generation keeps a busy server's memory well under
// 150 MB for a negligible cost in throughput (see the README's benchmark section).
// The published entry point runs the compiled CLI (`npm run build` writes dist/).
import('../dist/cli.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/cli.js')) {
    console.error('parley: dist/ is missing; run `npm run build` first (npm start does this for you).');
    process.exit(1);
  }
  throw err;
});
