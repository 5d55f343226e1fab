// The customer's callback URL for the two-node test (test/resilience/two-nodes.test.ts): a receiver
// that answers after a delay (or fails an interaction's first delivery), counts the deliveries of
// each interaction's callback in flight at the same time, and tells, through /proc (Linux), which
// node process made each request.

import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseForm } from './receiver.js';
import type { Params } from './receiver.js';

/**
 * The process (among `pids`) whose TCP socket is 127.0.0.1:`clientPort` -> 127.0.0.1:`serverPort`,
 * found through /proc (Linux); null where that cannot be told.
 */
function socketOwner(clientPort: number, serverPort: number, pids: number[]): number | null {
  if (process.platform !== 'linux') return null;
  const hex = (port: number) => `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  let inode: string | undefined;
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length > 9 && fields[1]!.endsWith(hex(clientPort)) && fields[2]!.endsWith(hex(serverPort))) inode = fields[9];
    }
  }
  if (inode === undefined || inode === '0') return null;
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        if (readlinkSync(`/proc/${pid}/fd/${fd}`) === `socket:[${inode}]`) return pid;
      } catch {
        // The descriptor was closed meanwhile.
      }
    }
  }
  return null;
}

export interface Delivery {
  interactionSid: string;
  url: string;
  headers: IncomingHttpHeaders;
  params: Params;
  /** The node process that made the request, when it could be told. */
  node: number | null;
  /** The status it was answered with, once it was. */
  status: number | null;
}

/**
 * The customer's callback URL: answers 200 after `delayMs` (or, while `failFirst` is set, 503 at
 * once to the first delivery of an interaction's callback), and counts, per interaction, the
 * deliveries in flight (arrived and not yet answered) at the same time.
 */
export class SlowReceiver {
  readonly deliveries: Delivery[] = [];
  /** Deliveries of each interaction's callback in flight right now, and the most ever at once. */
  readonly inFlight = new Map<string, number>();
  readonly mostInFlight = new Map<string, number>();
  /** Whose the client sockets are: the nodes' PIDs, set once they run. */
  nodePids: number[] = [];
  failFirst = false;
  readonly #owners = new WeakMap<object, number | null>();
  readonly #server: Server;
  #port = 0;

  constructor(private readonly delayMs: number) {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const params = parseForm(Buffer.concat(chunks).toString('utf8'));
        const interactionSid = typeof params.interactionSid === 'string' ? params.interactionSid : '';
        const first = !this.deliveries.some((d) => d.interactionSid === interactionSid);
        const delivery: Delivery = {
          interactionSid,
          url: req.url ?? '',
          headers: req.headers,
          params,
          node: this.#owners.get(req.socket) ?? null,
          status: null,
        };
        this.deliveries.push(delivery);
        const now = (this.inFlight.get(interactionSid) ?? 0) + 1;
        this.inFlight.set(interactionSid, now);
        this.mostInFlight.set(interactionSid, Math.max(now, this.mostInFlight.get(interactionSid) ?? 0));
        let counted = true;
        // Out of flight once the answer is written (or the connection is gone).
        res.once('close', () => {
          if (!counted) return;
          counted = false;
          this.inFlight.set(interactionSid, this.inFlight.get(interactionSid)! - 1);
        });
        const status = this.failFirst && first ? 503 : 200;
        setTimeout(
          () => {
            if (res.destroyed) return;
            res.writeHead(status, { 'content-type': 'text/plain' });
            res.end('', () => (delivery.status = status));
          },
          status === 200 ? this.delayMs : 0,
        );
      });
    });
    // Told at connection time, while the node's socket is surely open.
    this.#server.on('connection', (socket) => this.#owners.set(socket, socketOwner(socket.remotePort ?? 0, this.#port, this.nodePids)));
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(0, '127.0.0.1', () => resolve());
    });
    this.#port = (this.#server.address() as AddressInfo).port;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.#port}${path}`;
  }

  /** The deliveries of this interaction's callback answered with this status so far. */
  answered(interactionSid: string, status: number): number {
    return this.deliveries.filter((d) => d.interactionSid === interactionSid && d.status === status).length;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
