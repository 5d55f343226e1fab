// The logger the domain writes to: pino's levels (Fastify's logger is pino), without tying the
// domain to Fastify. Every call is scrubbed of numbers, bodies and secrets on its way out (logging/).

import type { BaseLogger } from 'pino';

export type Logger = Pick<BaseLogger, 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace'>;
