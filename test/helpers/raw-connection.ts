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
