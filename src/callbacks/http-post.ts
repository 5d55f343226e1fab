// Posting a signed form to a customer's URL (service callbacks, intercept, out-of-session),
// through the one outgoing client (src/outbound/: bounded, never redirected, address-checked).

import type { OutboundAnswer, OutboundClient } from '../outbound/outbound-client.js';
import { signRequest } from './signature.js';
import type { FormParams } from './signature.js';

export function postSignedForm(
  http: OutboundClient,
  url: string,
  params: FormParams,
  authToken: string,
  timeoutMs: number,
): Promise<OutboundAnswer> {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    for (const v of Array.isArray(value) ? value : [value]) body.append(name, v);
  }
  return http.post(url, {
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      // Over the URL exactly as configured, user info included, as Twilio's validators expect.
      'x-twilio-signature': signRequest(authToken, url, params),
      'user-agent': 'Parley (TwilioProxy)',
    },
    body: body.toString(),
    timeoutMs,
  });
}
