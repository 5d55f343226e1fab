// Formats and keywords our TypeBox schemas use, added to Fastify's request validator.

import type { Ajv } from 'ajv';
import { parseDateTime } from '../common/dates.js';
import { HINT_KEYWORD } from './schema-kit.js';

export function isHttpUrl(value: string): boolean {
  if (!/^https?:\/\//i.test(value)) return false;
  try {
    const url = new URL(value);
    return url.hostname !== '';
  } catch {
    return false;
  }
}

/** Empty strings pass every format: they mean "not given" (twilio-node sends `Key=` for null). */
export function addParleyVocabulary(ajv: Ajv): Ajv {
  ajv.addKeyword({ keyword: HINT_KEYWORD, schemaType: 'string' });
  ajv.addFormat('parley-date-time', { type: 'string', validate: (v: string) => v === '' || parseDateTime(v) !== null });
  ajv.addFormat('parley-url', { type: 'string', validate: (v: string) => v === '' || isHttpUrl(v) });
  return ajv;
}
