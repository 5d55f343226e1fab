// The requests this server is answering, so a shutdown can let them finish and then end their
// connections. Node's server.close() only closes connections idle at that moment: a keep-alive
// connection busy then stays open after its answer (until the keep-alive timeout, 72 s by default),
// and the answer itself still says keep-alive. Fastify marks `Connection: close` only on requests
// routed after its close began. So once the listener closes, every answer not yet started carries
// `Connection: close` (Node ends the connection after it), and each finished answer closes the
// connections left idle.

import type { Server, ServerResponse } from 'node:http';

export class InFlightRequests {
  readonly #open = new Set<ServerResponse>();
  #closing = false;

  constructor(private readonly server: Server) {
    server.on('request', (_request, response: ServerResponse) => this.#track(response));
  }

  /** Requests received and not yet answered (or abandoned by their client). */
  get count(): number {
    return this.#open.size;
  }

  /** From now on, no connection outlives its current answer; the idle ones close at once. */
  closeConnections(): void {
    this.#closing = true;
    for (const response of this.#open) endsConnection(response);
    this.server.closeIdleConnections();
  }

  #track(response: ServerResponse): void {
    this.#open.add(response);
    if (this.#closing) endsConnection(response);
    response.once('close', () => {
      this.#open.delete(response);
      // Next turn: the connection counts as idle once Node has finished with the answer.
      if (this.#closing) setImmediate(() => this.server.closeIdleConnections());
    });
  }
}

function endsConnection(response: ServerResponse): void {
  if (!response.headersSent) response.setHeader('connection', 'close');
}
