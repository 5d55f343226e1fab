// One TCP connection to a server, written to by hand: for tests about what a connection lives
// through (a trickled request, a keep-alive connection across a shutdown), where fetch would pool,
// retry or hide the connection.

import { connect } from 'node:net';
import type { Socket } from 'node:net';

export interface Connection {
  socket: Socket;
  /** Everything the server sent. */
  received(): string;
  /** Resolves when the server has closed the connection. */
  closed: Promise<void>;
}

export function open(baseUrl: string): Promise<Connection> {
  const { port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1');
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    socket.on('error', () => {}); // a reset is one way of being cut off
    socket.once('connect', () => resolve({ socket, received: () => received, closed }));
    socket.once('error', reject);
  });
}

export interface RawResponse {
  status: number;
  /** Lower-cased names. */
  headers: Record<string, string>;
  body: string;
}

/** The complete responses in what a connection received (each with a Content-Length, as Parley sends them). */
export function responses(received: string): RawResponse[] {
  const parsed: RawResponse[] = [];
  let rest = received;
  for (;;) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) return parsed;
    const [statusLine = '', ...lines] = rest.slice(0, end).split('\r\n');
    const headers = Object.fromEntries(
      lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
    );
    const length = Number(headers['content-length'] ?? 0);
    // Byte length: Parley's answers here are ASCII JSON.
    if (rest.length < end + 4 + length) return parsed;
    parsed.push({ status: Number(statusLine.split(' ')[1]), headers, body: rest.slice(end + 4, end + 4 + length) });
    rest = rest.slice(end + 4 + length);
  }
}
