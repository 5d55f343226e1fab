// Turns a schema validation failure into a Twilio error that names the parameter.

import type { FastifySchemaValidationError } from 'fastify';
import type { ApiError } from '../errors/api-error.js';
import { invalidParameter, missingParameter } from '../errors/api-error.js';
import { HINT_KEYWORD } from './schema-kit.js';

export function validationError(errors: FastifySchemaValidationError[]): ApiError {
  const first = errors[0] as (FastifySchemaValidationError & { parentSchema?: Record<string, unknown>; data?: unknown }) | undefined;
  if (first === undefined) return invalidParameter('request', 'The request is invalid');
  if (first.keyword === 'required') {
    return missingParameter(String(first.params.missingProperty));
  }
  const name = first.instancePath.split('/')[1] || 'request';
  if (first.keyword === 'type' && Array.isArray(first.data)) {
    return invalidParameter(name, `${name} must be given only once`);
  }
  if (first.keyword === 'maxItems') {
    return invalidParameter(name, `${name} may be given at most ${String(first.params.limit)} times`);
  }
  const hint = first.parentSchema?.[HINT_KEYWORD];
  return invalidParameter(name, typeof hint === 'string' ? hint : `${name} ${first.message ?? 'is invalid'}`);
}
