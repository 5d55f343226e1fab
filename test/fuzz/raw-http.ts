// A byte-exact HTTP client for the fuzz tests: node:http with the method, request target, headers
// and body sent as given (fetch would normalise `..` and `%2e%2e` away and refuse raw bytes).

import http from 'node:http';

export interface RawRequest {
  method: string;
  /** The request target as it goes on the wire (latin1: chars 0x80-0xff become single bytes). */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** The parsed JSON body, or undefined when the body is empty or not JSON. */
  json: unknown;
}

export class RawClient {
  readonly #agent: http.Agent;
  readonly #host: string;
  readonly #port: number;
  private readonly timeoutMs: number;

  /** keepAlive false: a connection per request (for requests the server answers by closing it). */
  constructor(baseUrl: string, options: { keepAlive?: boolean; timeoutMs?: number } = {}) {
    this.#agent = new http.Agent({ keepAlive: options.keepAlive ?? true, maxSockets: 4 });
    this.timeoutMs = options.timeoutMs ?? 15_000;
    const url = new URL(baseUrl);
    this.#host = url.hostname;
    this.#port = Number(url.port);
  }

  send(request: RawRequest): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
      const headers = { ...request.headers };
      // Always explicit: without it node sends a GET/DELETE body unframed (as if the connection closed).
      if (request.body !== undefined) headers['content-length'] = String(request.body.length);
      let settled = false;
      const req = http.request(
        { agent: this.#agent, host: this.#host, port: this.#port, method: request.method, path: request.path, headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', fail);
          res.on('end', () => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            const text = Buffer.concat(chunks).toString('utf8');
            let json: unknown;
            if (text !== '') {
              try {
                json = JSON.parse(text);
              } catch {
                json = undefined;
              }
            }
            resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
          });
        },
      );
      function fail(err: Error) {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(err);
      }
      const timer = setTimeout(() => {
        const err = new Error(`HANG: no complete response within ${this.timeoutMs} ms`);
        req.destroy(err);
        fail(err);
      }, this.timeoutMs);
      req.on('error', fail);
      req.end(request.body);
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}
