import type { ErrorCode } from './catalogue.js';
import { CATALOGUE, STATUS_BY_CASE } from './catalogue.js';

/** Twilio's error body: `{code, message, more_info, status}`. */
export interface ErrorBody {
  code: number;
  message: string;
  more_info: string;
  status: number;
}

/** The `{name}` placeholders of a catalogue message, e.g. 'parameter' for 20001. */
type Placeholders<M extends string> = M extends `${string}{${infer Name}}${infer Rest}` ? Name | Placeholders<Rest> : never;
export type PlaceholderOf<C extends ErrorCode> = Placeholders<(typeof CATALOGUE)[C]['message']>;

export type ApiErrorOptions<C extends ErrorCode> = {
  /** What this case adds to the catalogue's message (see the constructor); never its words again. */
  detail?: string;
  status?: C extends (typeof STATUS_BY_CASE)[number] ? number : never;
  headers?: Record<string, string>;
} & ([PlaceholderOf<C>] extends [never]
  ? { values?: undefined }
  : {
      /** The value of each `{name}` in the catalogue message, e.g. `{ parameter: 'Ttl' }` for 20001. */
      values: Record<PlaceholderOf<C>, string>;
    });

type OptionsArgument<C extends ErrorCode> = [PlaceholderOf<C>] extends [never]
  ? [options?: ApiErrorOptions<C>]
  : [options: ApiErrorOptions<C>];

interface AnyOptions {
  detail?: string;
  status?: number;
  headers?: Record<string, string>;
  values?: Record<string, string>;
}

/**
 * Every error the API answers with. Handlers and services throw it; the one error handler renders it.
 * Its message is always the catalogue's (src/errors/catalogue.ts): no caller writes a message.
 */
export class ApiError<C extends ErrorCode = ErrorCode> extends Error {
  readonly code: number;
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly #options: AnyOptions;

  /**
   * - `code`: a catalogue code; the message is its catalogue message.
   * - `options.values`: the value of each `{name}` in that message, required when it has any:
   *   `new ApiError(20001, { values: { parameter: 'Ttl' } })` says "Missing required parameter Ttl in the post body".
   * - `options.detail`: what this case adds, never the catalogue's words again: the parameter, number
   *   or SID concerned, why, what to do. Rendered as the catalogue message, then ' ' and the detail
   *   when the message ends with a full stop (a sentence), else ': ' and the detail:
   *   `new ApiError(80607, { detail: 'no message can be sent in it' })` says
   *   "Session is closed and cannot be updated: no message can be sent in it".
   * - `options.status`: another status than the catalogue's, for 70002 only; `options.headers`:
   *   headers to answer with (Allow, Retry-After, WWW-Authenticate).
   */
  constructor(code: C, ...[options]: OptionsArgument<C>) {
    const given: AnyOptions = (options ?? {}) as AnyOptions;
    const entry: { status: number; message: string } = CATALOGUE[code];
    super(render(entry.message, given.values ?? {}, given.detail));
    this.name = 'ApiError';
    this.code = code;
    this.status = given.status ?? entry.status;
    this.headers = given.headers ?? {};
    this.#options = given;
  }

  /** Whether the message already says where it happened (within()). */
  located = false;

  /** The same error with a prefix saying where it happened, e.g. "Participants[1]: "; once only. */
  within(prefix: string): ApiError {
    if (this.located) return this;
    const located = new ApiError(this.code as ErrorCode, this.#options as never);
    located.message = prefix + this.message;
    located.located = true;
    return located;
  }

  toBody(): ErrorBody {
    return { code: this.code, message: this.message, more_info: moreInfo(this.code), status: this.status };
  }
}

export function moreInfo(code: number): string {
  return `https://www.twilio.com/docs/errors/${code}`;
}

/** 20001 for a missing required parameter, named the way Twilio names it. */
export function missingParameter(name: string): ApiError {
  return new ApiError(20001, { values: { parameter: name } });
}

/** 80701 for a parameter whose value is unusable: "'Ttl' is invalid. <why>". */
export function invalidParameter(name: string, why: string): ApiError {
  return new ApiError(80701, { values: { parameter: name }, detail: why });
}

export function notFound(path: string): ApiError {
  return new ApiError(20404, { values: { path } });
}

function render(template: string, values: Record<string, string>, detail: string | undefined): string {
  // One pass over the template: a value holding "{...}" is not filled in again.
  const message = template.replace(/\{(\w+)\}/g, (placeholder, name: string) => values[name] ?? placeholder);
  if (detail === undefined || detail === '') return message;
  return message.endsWith('.') ? `${message} ${detail}` : `${message}: ${detail}`;
}
