// application/x-www-form-urlencoded, decoded strictly: a malformed body is a 400, never a guess.
// Repeated keys (MediaUrl, Participants) become arrays, as both official clients send lists that way.

import { ApiError } from '../errors/api-error.js';
import { refuseNul } from '../common/text.js';

export type FormFields = Record<string, string | string[]>;

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function parseFormBuffer(body: Buffer): FormFields {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw new ApiError(70002, { detail: 'the request body is not valid UTF-8' });
  }
  return parseForm(text);
}

export function parseForm(text: string): FormFields {
  // No prototype: a key named __proto__ or constructor is just a key.
  const fields: FormFields = Object.create(null);
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = decode(eq === -1 ? pair : pair.slice(0, eq));
    const value = eq === -1 ? '' : decode(pair.slice(eq + 1));
    if (key === '') continue;
    const previous = fields[key];
    if (previous === undefined) fields[key] = value;
    else if (Array.isArray(previous)) previous.push(value);
    else fields[key] = [previous, value];
  }
  return fields;
}

function decode(component: string): string {
  let decoded: string;
  try {
    // twilio-python encodes spaces as '+', twilio-node as %20.
    decoded = decodeURIComponent(component.replace(/\+/g, ' '));
  } catch {
    throw new ApiError(70002, { detail: `the request is not valid form encoding: cannot decode "${component.slice(0, 40)}"` });
  }
  refuseNul(decoded, `"${component.slice(0, 40)}"`);
  return decoded;
}

/** The URL form of the same rule: a literal NUL never gets past Node's parser, an escaped one would. */
export async function refuseNulInUrl(request: { url: string }): Promise<void> {
  if (/%00/i.test(request.url)) throw new ApiError(70002, { detail: 'the request contains a NUL character (%00) in its URL' });
}
