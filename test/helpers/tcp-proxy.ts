// A TCP proxy from a loopback port to a database, which a test can cut (every connection closed,
// nothing listening), stall (connections stay open and carry nothing), heal (they carry on where
// they stopped, as TCP does after a partition), stall on one message, or abandon (the database
// side gone without the app's side hearing of it, as after a failover). For the outage tests.

import { createServer, connect } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';

export type LinkState = 'open' | 'stalled' | 'dead';

/** One proxied connection: the app's side, the database's side, and what passes between them. */
export interface Link {
  client: Socket;
  upstream: Socket;
  state: LinkState;
  /** Bytes held while stalled, per direction, delivered in order if the link heals. */
  toUpstream: Buffer[];
  toClient: Buffer[];
}

/** A TCP proxy from a loopback port to the database, which the test can cut, stall and heal. */
export class TcpProxy {
  #server: Server | null = null;
  readonly #links = new Set<Link>();
  #stalling = false;
  /** Stall the first connection that sends these bytes, from that message on (one-shot). */
  #trigger: { pattern: Buffer; stalled: (link: Link) => void } | null = null;
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  /** Listens (again) on its port, which stays the same across cuts. */
  async listen(): Promise<void> {
    const server = createServer((client) => this.#accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.#server = server;
  }

  get connections(): number {
    return this.#links.size;
  }

  /** Stops listening (new connections are refused) and closes every connection. */
  async cut(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    for (const link of this.#links) this.#drop(link);
    if (server !== null) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Every connection stays open and carries nothing; new ones are accepted and carry nothing. */
  stall(): void {
    this.#stalling = true;
    for (const link of this.#links) if (link.state === 'open') link.state = 'stalled';
  }

  /** Resolves with the first connection that sends `text`, stalled from that message on. */
  stallOn(text: string): Promise<Link> {
    return new Promise((resolve) => {
      this.#trigger = { pattern: Buffer.from(text), stalled: resolve };
    });
  }

  /** The stalled connections carry on, what they held first. */
  heal(): void {
    this.#stalling = false;
    for (const link of this.#links) {
      if (link.state !== 'stalled') continue;
      link.state = 'open';
      for (const chunk of link.toUpstream.splice(0)) link.upstream.write(chunk);
      for (const chunk of link.toClient.splice(0)) link.client.write(chunk);
    }
  }

  /**
   * The stalled connections' database side goes away and the app's side never hears of it (no FIN,
   * no RST, as when a host vanishes): they stay open and silent for good. New connections work.
   */
  abandonStalled(): void {
    this.#stalling = false;
    for (const link of this.#links) {
      if (link.state !== 'stalled') continue;
      link.state = 'dead';
      link.toUpstream.length = 0;
      link.toClient.length = 0;
      // The database ends that session (rolling back what it held); the app is not told.
      link.upstream.destroy();
    }
  }

  async close(): Promise<void> {
    await this.cut();
  }

  #accept(client: Socket): void {
    const upstream = connect(this.targetPort, this.targetHost);
    const link: Link = { client, upstream, state: this.#stalling ? 'stalled' : 'open', toUpstream: [], toClient: [] };
    this.#links.add(link);
    let tail = Buffer.alloc(0);
    client.on('data', (chunk: Buffer) => {
      const trigger = this.#trigger;
      if (trigger !== null && link.state === 'open') {
        // The pattern may straddle two chunks.
        const seen = Buffer.concat([tail, chunk]);
        if (seen.includes(trigger.pattern)) {
          this.#trigger = null;
          link.state = 'stalled';
          trigger.stalled(link);
        }
        tail = seen.subarray(Math.max(0, seen.length - trigger.pattern.length));
      }
      if (link.state === 'open') upstream.write(chunk);
      else if (link.state === 'stalled') link.toUpstream.push(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (link.state === 'open') client.write(chunk);
      else if (link.state === 'stalled') link.toClient.push(chunk);
    });
    const end = (side: 'client' | 'upstream') => () => {
      // A dead link's app side stays open: nobody tells it the other side is gone.
      if (side === 'upstream' && link.state === 'dead') return;
      this.#drop(link);
    };
    client.on('error', end('client'));
    client.on('close', end('client'));
    upstream.on('error', end('upstream'));
    upstream.on('close', end('upstream'));
  }

  #drop(link: Link): void {
    this.#links.delete(link);
    link.client.destroy();
    link.upstream.destroy();
  }
}
