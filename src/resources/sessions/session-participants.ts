// The `Participants` parameter of session create: one form field per participant, each a JSON
// object string (one field holding several, comma-joined, is split first: http/joined-lists.ts). Both official clients JSON-encode whatever keys the caller typed, so the keys
// come in PascalCase, camelCase or snake_case (clients-on-the-wire §0). The HTTP edge's parsing.

import { invalidParameter } from '../../errors/api-error.js';
import { refuseNul } from '../../common/text.js';
import { isSid } from '../../common/sids.js';
import type { ParticipantInput } from './sessions.service.js';

const KEYS: Record<string, keyof ParticipantInput> = {
  Identifier: 'identifier',
  identifier: 'identifier',
  FriendlyName: 'friendlyName',
  friendlyName: 'friendlyName',
  friendly_name: 'friendlyName',
  ProxyIdentifier: 'proxyIdentifier',
  proxyIdentifier: 'proxyIdentifier',
  proxy_identifier: 'proxyIdentifier',
  ProxyIdentifierSid: 'proxyIdentifierSid',
  proxyIdentifierSid: 'proxyIdentifierSid',
  proxy_identifier_sid: 'proxyIdentifierSid',
};

const MAX_LENGTH: Record<keyof ParticipantInput, number> = {
  identifier: 191,
  friendlyName: 255,
  proxyIdentifier: 255,
  proxyIdentifierSid: 34,
};

/**
 * Parses every element, naming the element and key of the first problem.
 * `bracketed` is twilio-node's encoding of a single non-array object: Participants[Identifier]=….
 */
export function parseParticipants(elements: string[], bracketed: Record<string, string> = {}): ParticipantInput[] {
  const objects: unknown[] = elements.map((text, index) => parseJson(text, index));
  if (Object.keys(bracketed).length > 0) objects.push(bracketed);
  return objects.map((object, index) => toParticipant(object, index));
}

function parseJson(text: string, index: number): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw invalidParameter('Participants', `Participants[${index}] is not valid JSON: send each participant as a JSON object`);
  }
}

function toParticipant(value: unknown, index: number): ParticipantInput {
  const where = `Participants[${index}]`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidParameter('Participants', `${where} must be a JSON object such as {"Identifier":"+14155551212"}`);
  }
  const participant: Partial<ParticipantInput> = {};
  for (const [key, raw] of Object.entries(value)) {
    const field = KEYS[key];
    if (field === undefined) {
      throw invalidParameter(
        'Participants',
        `${where} has an unknown key "${key}"; use Identifier, FriendlyName, ProxyIdentifier or ProxyIdentifierSid`,
      );
    }
    if (raw === null || raw === undefined) continue;
    if (typeof raw !== 'string') throw invalidParameter('Participants', `${where}.${key} must be a string`);
    // A JSON escape (\u0000) can carry the NUL the form decoder refuses.
    refuseNul(raw, `${where}.${key}`);
    if (raw.length > MAX_LENGTH[field]) {
      throw invalidParameter('Participants', `${where}.${key} must be at most ${MAX_LENGTH[field]} characters`);
    }
    participant[field] = raw;
  }
  if (participant.identifier === undefined || participant.identifier === '') {
    throw invalidParameter('Participants', `${where} needs an Identifier`);
  }
  if (participant.proxyIdentifierSid !== undefined && !isSid('PN', participant.proxyIdentifierSid)) {
    throw invalidParameter('Participants', `${where}.ProxyIdentifierSid must be PN followed by 32 hex digits`);
  }
  return participant as ParticipantInput;
}
