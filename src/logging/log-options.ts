// The logger Fastify builds for the app (pino): the level, where it writes, and redaction.ts on
// every call, in every child logger (request loggers included).

import type { FastifyRequest } from 'fastify';
import type { DestinationStream, LoggerOptions } from 'pino';
import type { LogLevel } from '../config.js';
import { redactLogArguments, redactText } from './redaction.js';

export function loggerOptions(level: LogLevel, stream: DestinationStream | undefined): LoggerOptions & { stream?: DestinationStream } {
  return {
    level,
    ...(stream === undefined ? {} : { stream }),
    hooks: {
      logMethod(args, method) {
        method.apply(this, redactLogArguments(args) as Parameters<typeof method>);
      },
    },
    serializers: {
      // Request paths can hold a number (…/PhoneNumbers/+1…, ?To=+1…).
      req: (request: FastifyRequest) => ({ method: request.method, url: redactText(request.url), reqId: request.id }),
    },
  };
}
