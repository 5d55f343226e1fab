// A source for `parley import twilio-proxy` that answers whatever a test tells it to: by path, a
// status and a body (a JSON value, or raw text), or a function of the request; unknown paths 404.
// For the broken and hostile sources the importer must survive: garbage, 500s, 401s, paging that
// loops or points elsewhere, records with wrong fields, answers that never come.

import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

export type Answer = { status?: number; json?: unknown; text?: string } | ((request: IncomingMessage, response: ServerResponse) => void);

export class HostileSource {
  readonly answers = new Map<string, Answer>();
  /** Every path asked for, with its query string, in order. */
  readonly requested: string[] = [];
  url = '';
  #server: Server | null = null;

  async start(): Promise<this> {
    const server = createServer((request, response) => {
      this.requested.push(request.url ?? '');
      const answer = this.answers.get((request.url ?? '').split('?')[0]!);
      if (typeof answer === 'function') return answer(request, response);
      const status = answer?.status ?? (answer === undefined ? 404 : 200);
      const body = answer?.text ?? JSON.stringify(answer?.json ?? { code: 20404, message: 'The requested resource was not found', status });
      response.writeHead(status, { 'content-type': answer?.text === undefined ? 'application/json' : 'text/html' }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.#server = server;
    this.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    return this;
  }

  /** A list page as Twilio shapes it, with `next` as its next_page_url (null: the last page). */
  list(path: string, key: string, items: unknown[], next: string | null = null): void {
    this.answers.set(path, { json: { [key]: items, meta: { key, next_page_url: next, page: 0, page_size: 1000 } } });
  }

  close(): Promise<void> {
    this.#server?.closeAllConnections();
    return new Promise((resolve) => (this.#server === null ? resolve() : this.#server.close(() => resolve())));
  }
}
