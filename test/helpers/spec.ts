// Validates responses against Twilio's official OpenAPI description (test/spec/SOURCE.md).
// Stricter than the spec: all listed properties required, no others, dates without milliseconds.

import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

type Json = Record<string, unknown>;

const spec = JSON.parse(readFileSync(new URL('../spec/twilio_proxy_v1.json', import.meta.url), 'utf8')) as {
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: Json }> }> }>>;
  components: { schemas: Record<string, Json> };
};

const TWILIO_DATE = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z$';

/** OpenAPI 3.0 schema → strict JSON Schema (nullable → type arrays, every property required). */
function strict(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(strict);
  if (typeof schema !== 'object' || schema === null) return schema;
  const source = schema as Json;
  if (typeof source.$ref === 'string') {
    const ref = { $ref: source.$ref.replace('#/components/schemas/', 'spec#/definitions/') };
    // Enum fields are $refs without `nullable` since the 2024 generator change, yet Twilio returns
    // null for them (e.g. a MessageInteraction's inbound_resource_status): allow null there.
    return source.$ref.includes('_enum_') ? { anyOf: [ref, { type: 'null' }] } : ref;
  }
  const out: Json = {};
  for (const [key, value] of Object.entries(source)) {
    if (key === 'description' || key === 'x-twilio' || key === 'example' || key === 'title') continue;
    out[key] = key === 'properties' ? mapValues(value as Json, strict) : strict(value);
  }
  if (source.format === 'date-time') out.pattern = TWILIO_DATE;
  if (source.nullable === true) {
    delete out.nullable;
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
  }
  if (source.type === 'object' && source.properties !== undefined) {
    out.required = Object.keys(source.properties as Json);
    out.additionalProperties = false;
  }
  return out;
}

function mapValues(object: Json, fn: (value: unknown) => unknown): Json {
  return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, fn(v)]));
}

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats.default(ajv);
for (const format of ['uri-map', 'phone-number', 'phone-number-capabilities']) ajv.addFormat(format, true);
// Enum schemas are $refs to strings without nullable; keep them as the spec has them.
ajv.addSchema({ $id: 'spec', definitions: mapValues(spec.components.schemas, strict) });

interface Operation {
  template: string;
  pattern: RegExp;
  method: string;
  responses: Record<string, { content?: Record<string, { schema: Json }> }>;
}

const operations: Operation[] = Object.entries(spec.paths).flatMap(([template, methods]) =>
  Object.entries(methods)
    .filter(([method]) => ['get', 'post', 'delete'].includes(method))
    .map(([method, op]) => ({
      template,
      pattern: new RegExp('^' + template.replace(/\{[^}]+\}/g, '[^/]+') + '$'),
      method: method.toUpperCase(),
      responses: op.responses,
    })),
);

const compiled = new Map<string, ValidateFunction>();

export function findOperation(method: string, path: string): Operation | undefined {
  // Literal segments beat parameters: /v1/Services/{Sid} must not swallow /v1/Services/KS…/Sessions.
  return operations
    .filter((op) => op.method === method && op.pattern.test(path))
    .sort((a, b) => b.template.split('{').length - a.template.split('{').length)
    .at(-1);
}

/**
 * Throws when a successful response does not match the spec's schema for that operation.
 * Statuses the spec does not list for the operation (Parley answers 204/201 where the current
 * spec says 200, see docs/compatibility.md) are checked against its success schema.
 */
export function assertMatchesSpec(method: string, path: string, status: number, body: unknown, text: string): void {
  const operation = findOperation(method, path);
  if (operation === undefined) throw new Error(`no spec operation for ${method} ${path}`);
  if (status === 204) {
    if (text !== '') throw new Error(`${method} ${path}: 204 must have an empty body, got ${text.slice(0, 200)}`);
    return;
  }
  const declared = operation.responses[String(status)] ?? Object.entries(operation.responses).find(([code]) => code.startsWith('2'))?.[1];
  const schema = declared?.content?.['application/json']?.schema;
  if (schema === undefined) throw new Error(`${method} ${operation.template}: the spec has no JSON body for ${status}`);
  const key = `${method} ${operation.template} ${status}`;
  let validate = compiled.get(key);
  if (validate === undefined) {
    validate = ajv.compile(strict(schema) as Json);
    compiled.set(key, validate);
  }
  if (!validate(body)) {
    throw new Error(`${key} does not match the spec: ${ajv.errorsText(validate.errors)}\n${text.slice(0, 2000)}`);
  }
}
