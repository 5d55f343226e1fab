// `parley`: the server as a library. `buildApp(loadConfig())` is what `parley serve` runs;
// `startServer` adds listening, the banner and the signal handling. For tests, `parley/testing`.

export { buildApp } from './app.js';
export type { AppOptions, Parley } from './app.js';
export { ConfigError, loadConfig } from './config.js';
export type { Config } from './config.js';
export { startServer } from './server.js';
