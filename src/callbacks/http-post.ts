// Posting a signed form to a customer's URL, with a time limit. The one place Parley calls out
// to callback URLs (service callbacks, intercept, out-of-session).

import { signRequest } from './signature.js';
import type { FormParams } from './signature.js';

export interface PostResult {
  status: number;
  contentType: string;
  body: string;
}

const MAX_RESPONSE_BYTES = 1024 * 1024;

export async function postSignedForm(url: string, params: FormParams, authToken: string, timeoutMs: number): Promise<PostResult> {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    for (const v of Array.isArray(value) ? value : [value]) body.append(name, v);
  }
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': signRequest(authToken, url, params),
      'user-agent': 'Parley (TwilioProxy)',
    },
    body: body.toString(),
    signal: AbortSignal.timeout(timeoutMs),
    redirect: 'manual',
  });
  const text = await response.text();
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    body: text.length > MAX_RESPONSE_BYTES ? text.slice(0, MAX_RESPONSE_BYTES) : text,
  };
}
