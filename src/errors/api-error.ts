import type { ErrorCode } from './catalogue.js';
import { CATALOGUE } from './catalogue.js';

/** Twilio's error body: `{code, message, more_info, status}`. */
export interface ErrorBody {
  code: number;
  message: string;
  more_info: string;
  status: number;
}

/**
 * Every error the API answers with. Handlers and services throw it; the one error handler renders it.
 * The message defaults to the catalogue's and can be replaced by a more precise one.
 */
export class ApiError extends Error {
  readonly code: number;
  readonly status: number;
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, message?: string, options: { status?: number; headers?: Record<string, string> } = {}) {
    const entry = CATALOGUE[code];
    super(message ?? entry.message);
    this.name = 'ApiError';
    this.code = code;
    // A few generic codes (70002 "Bad request") cover several HTTP statuses (400, 413, 415).
    this.status = options.status ?? entry.status;
    this.headers = options.headers ?? {};
  }

  /** Whether the message already says where it happened (within()). */
  located = false;

  /** The same error with a prefix saying where it happened, e.g. "Participants[1]: "; once only. */
  within(prefix: string): ApiError {
    if (this.located) return this;
    const located = new ApiError(this.code as ErrorCode, prefix + this.message, { status: this.status, headers: this.headers });
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
  return new ApiError(20001, `Missing required parameter ${name} in the post body`);
}

/** 80701 for a parameter whose value is unusable; the message always names the parameter. */
export function invalidParameter(name: string, why: string): ApiError {
  return new ApiError(80701, `'${name}' is invalid. ${why}`);
}

export function notFound(path: string): ApiError {
  return new ApiError(20404, `The requested resource ${path} was not found`);
}
