// List parameters sent as ONE form field. The official clients repeat the field for each item
// (MediaUrl=a&MediaUrl=b); clients generated from Twilio's OpenAPI description (openapi-generator's
// javascript client and its kin, docs/generated-clients.md) follow the spec's default "csv" style
// and join the items with commas: MediaUrl=https://a/1.png,https://b/2.png and
// Participants={"Identifier":"+1…"},{"Identifier":"+1…"}. A list parameter given once is split
// here, before validation, so each item is validated (and named in a 400) as if it had been
// repeated. Repeated fields are taken as they are.

import type { FastifyRequest } from 'fastify';
import type { FormFields } from './form-body.js';

/** Splits one field's value into the list's items. */
export type Splitter = (value: string) => string[];

/**
 * Absolute http(s) URLs joined by commas: split only where a comma is followed by http:// or
 * https://, so a comma inside a URL stays in it.
 */
export const joinedUrls: Splitter = (value) => value.split(/,(?=https?:\/\/)/i);

/**
 * JSON objects joined by commas: the elements of `[` + value + `]`, each as its own JSON text.
 * Anything that does not read that way stays one item, for the parameter's parser to refuse.
 */
export const joinedJson: Splitter = (value) => {
  try {
    const items: unknown = JSON.parse(`[${value}]`);
    return Array.isArray(items) && items.length > 1 ? items.map((item) => JSON.stringify(item)) : [value];
  } catch {
    // Not JSON, or nested too deep to write back (a RangeError): one item, for the parser to refuse.
    return [value];
  }
};

/** A route's preValidation hook: each named parameter given once is split into its items. */
export function splitJoinedLists(splitters: Record<string, Splitter>): (request: FastifyRequest) => Promise<void> {
  const entries = Object.entries(splitters);
  return async (request) => {
    const body = request.body as FormFields | null | undefined;
    if (typeof body !== 'object' || body === null) return;
    for (const [name, split] of entries) {
      const value = body[name];
      if (typeof value === 'string') body[name] = split(value);
    }
  };
}
