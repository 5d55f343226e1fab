import { ApiError } from '../errors/api-error.js';

/**
 * No text a person types holds a NUL, and PostgreSQL cannot store one: every way into the API
 * (form values, JSON inside them, the URL) refuses it with a 400, on both engines alike.
 */
export function refuseNul(text: string, where: string): void {
  if (text.includes('\u0000')) throw new ApiError(70002, { detail: `the request contains a NUL character in ${where}` });
}
