// `parley serve`: build the app, listen, announce the account, shut down cleanly on a signal
// (lifecycle/shutdown.ts: drain, close, finish or cut the work under way, close the database).
// Exit status: 0 once everything finished; EXIT_WORK_CUT when the shutdown timeout had to cut
// requests or callback deliveries (logged with their counts); 1 when the shutdown itself failed
// (an error closing, or the database still not closed one more timeout later).

import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import type { Config } from './config.js';

/** The exit status of a shutdown whose timeout cut requests or deliveries (0, 1 and 2 mean done, failed, usage). */
export const EXIT_WORK_CUT = 3;

export async function startServer(config: Config): Promise<FastifyInstance> {
  // The handlers come first. Installed after the banner, a SIGTERM sent by whoever saw the banner
  // could arrive before them (the process is preempted right after writing it) and end the process
  // by the default action, no clean shutdown and no exit code; one during start-up did the same.
  // A signal while starting is kept and acted on once the app can be closed; a repeated one while
  // closing must not fall through to the default action either.
  let signalled: NodeJS.Signals | null = null;
  let running: FastifyInstance | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled !== null) {
      running?.log.warn({ signal }, 'already shutting down: the signal is ignored');
      return;
    }
    signalled = signal;
    if (running !== null) shutdown(running, signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const app = await buildApp(config);
  await app.listen({ port: config.port, host: config.host });
  running = app;
  if (signalled !== null) {
    shutdown(app, signalled);
    return app;
  }
  process.stdout.write(banner(app, config));
  return app;
}

function shutdown(app: FastifyInstance, signal: NodeJS.Signals): void {
  app.log.info({ signal }, 'shutting down');
  app.parley.shutdown().then(
    ({ cut }) => process.exit(cut === null ? 0 : EXIT_WORK_CUT),
    (err: unknown) => {
      app.log.error({ err }, 'shutdown failed');
      process.exit(1);
    },
  );
}

function banner(app: FastifyInstance, config: Config): string {
  const { account } = app.parley;
  const { port } = app.server.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const base = config.publicUrl ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  // A stored token is printed once, by the start that generated it: later starts would copy it
  // into every log that keeps the server's output.
  const token = !account.stored
    ? '(from PARLEY_AUTH_TOKEN)'
    : account.created
      ? account.authToken
      : `(printed on the first start; \`parley accounts token ${account.sid}\` shows it)`;
  return [
    '',
    `Parley is serving the Twilio Proxy v1 API at ${base}/v1`,
    `  database     ${config.databaseUrl.replace(/\/\/[^@/]*@/, '//***@')}`,
    `  carrier      ${config.carrier}`,
    `  account SID  ${account.sid}${account.created ? '   (new)' : ''}`,
    `  auth token   ${token}`,
    ...(config.console ? [`  web console  ${base}/console   (sign in with the account SID and auth token)`] : []),
    '',
    `  twilio-node:   const client = twilio('${account.sid}', '<auth token>'); client.proxy.baseUrl = '${base}';`,
    `  twilio-python: client = Client('${account.sid}', '<auth token>'); client.proxy.base_url = '${base}'`,
    '',
    '',
  ].join('\n');
}
