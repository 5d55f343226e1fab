// One API record of the source -> the row Parley keeps for it, with the source's SIDs, unique
// names and dates. What the API does not show is derived the way Parley derives it: a session's
// TTL window starts at its last interaction (or its creation), its expiry follows
// sessions.expiry.ts, and a pool number's country and area code come from the number itself (they
// drive number selection). Anything Parley cannot hold as it is throws Unmappable.

import type { NumberCheck } from '../config.js';
import type { InteractionRow, ParticipantRow, PhoneNumberRow, ServiceRow, SessionRow } from '../db/schema.js';
import { parsePhoneNumber } from '../phone/phone-number.js';
import { RESOURCE_STATUSES } from '../resources/interactions/interactions.model.js';
import { GEO_MATCH_LEVELS, NUMBER_SELECTION_BEHAVIORS } from '../resources/services/services.model.js';
import { expiresAt } from '../resources/sessions/sessions.expiry.js';
import { SESSION_MODES, SESSION_STATUSES } from '../resources/sessions/sessions.model.js';
import { Unmappable } from './import-errors.js';
import type { Json } from './proxy-api-client.js';
import { RecordFields } from './record-fields.js';

export function toServiceRow(record: Json, accountSid: string): ServiceRow {
  const f = new RecordFields(record);
  return {
    sid: f.sid('sid', 'KS'),
    account_sid: accountSid,
    unique_name: f.required('unique_name'),
    default_ttl: f.count('default_ttl', 0),
    callback_url: f.text('callback_url'),
    geo_match_level: f.oneOf('geo_match_level', GEO_MATCH_LEVELS, 'country'),
    number_selection_behavior: f.oneOf('number_selection_behavior', NUMBER_SELECTION_BEHAVIORS, 'prefer-sticky'),
    intercept_callback_url: f.text('intercept_callback_url'),
    out_of_session_callback_url: f.text('out_of_session_callback_url'),
    chat_instance_sid: f.text('chat_instance_sid'),
    date_created: f.requiredDate('date_created'),
    date_updated: f.date('date_updated') ?? f.requiredDate('date_created'),
  };
}

/** The columns of a pool number the import sets; in_use and last_assigned_at are the pool's own. */
export type ImportedNumber = Omit<PhoneNumberRow, 'in_use' | 'last_assigned_at' | 'owner_scope'>;

export function toPhoneNumberRow(record: Json, service: ServiceRow, numberCheck: NumberCheck): ImportedNumber {
  const f = new RecordFields(record);
  const given = f.required('phone_number');
  const number = parsePhoneNumber(given, numberCheck);
  if (number === null) throw new Unmappable(`its phone_number is not a number Parley accepts (E.164; PARLEY_NUMBER_CHECK=${numberCheck})`);
  const capabilities = f.object('capabilities');
  return {
    sid: f.sid('sid', 'PN'),
    account_sid: service.account_sid,
    service_sid: service.sid,
    phone_number: number.e164,
    friendly_name: f.text('friendly_name'),
    iso_country: number.country,
    area_code: number.areaCode,
    cap_voice: capability(capabilities, 'voice'),
    cap_sms: capability(capabilities, 'sms'),
    cap_mms: capability(capabilities, 'mms'),
    cap_fax: capability(capabilities, 'fax'),
    is_reserved: f.flag('is_reserved') === true ? 1 : 0,
    date_created: f.requiredDate('date_created'),
    date_updated: f.date('date_updated') ?? f.requiredDate('date_created'),
  };
}

/**
 * The spec gives `{voice, sms, mms, fax}`; its examples, and Twilio's answers, the
 * IncomingPhoneNumber keys (`sms_outbound`, `voice_inbound`…). Either is read; none at all means
 * what a number added to Parley without Capabilities can carry: voice and SMS.
 */
function capability(capabilities: Json | null, name: 'voice' | 'sms' | 'mms' | 'fax'): number {
  if (capabilities === null) return name === 'voice' || name === 'sms' ? 1 : 0;
  const plain = capabilities[name];
  if (typeof plain === 'boolean') return plain ? 1 : 0;
  return capabilities[`${name}_inbound`] === true || capabilities[`${name}_outbound`] === true ? 1 : 0;
}

export function toSessionRow(record: Json, service: ServiceRow): SessionRow {
  const f = new RecordFields(record);
  const sid = f.sid('sid', 'KC');
  const dateCreated = f.requiredDate('date_created');
  const lastInteraction = f.date('date_last_interaction');
  const row: SessionRow = {
    sid,
    account_sid: service.account_sid,
    service_sid: service.sid,
    unique_name: f.text('unique_name'),
    status: f.oneOf('status', SESSION_STATUSES),
    closed_reason: f.text('closed_reason'),
    mode: f.oneOf('mode', SESSION_MODES, 'voice-and-message'),
    ttl: f.count('ttl', 0),
    date_expiry: f.date('date_expiry'),
    date_started: f.date('date_started'),
    date_ended: f.date('date_ended'),
    date_last_interaction: lastInteraction,
    // The API does not show when a re-open last restarted the window; the last interaction or the
    // creation is what Parley itself starts it from otherwise.
    ttl_started_at: lastInteraction ?? dateCreated,
    expires_at: null,
    date_created: dateCreated,
    date_updated: f.date('date_updated') ?? dateCreated,
  };
  row.expires_at = expiresAt(row, service.default_ttl);
  return row;
}

export function toParticipantRow(record: Json, session: SessionRow, numberCheck: NumberCheck): ParticipantRow {
  const f = new RecordFields(record);
  const sid = f.sid('sid', 'KP');
  const given = f.required('identifier');
  const identifier = parsePhoneNumber(given, numberCheck);
  if (identifier === null) {
    throw new Unmappable(
      /^[a-z]+:/i.test(given)
        ? `participant ${sid} is a channel address (${given.split(':')[0]}:…), and Parley masks phone numbers only`
        : `participant ${sid}'s identifier is not a phone number Parley accepts (PARLEY_NUMBER_CHECK=${numberCheck})`,
    );
  }
  const proxy = parsePhoneNumber(f.required('proxy_identifier'), 'possible');
  if (proxy === null) throw new Unmappable(`participant ${sid}'s proxy_identifier is not a phone number`);
  return {
    sid,
    account_sid: session.account_sid,
    service_sid: session.service_sid,
    session_sid: session.sid,
    identifier: identifier.e164,
    friendly_name: f.text('friendly_name'),
    proxy_identifier: proxy.e164,
    proxy_identifier_sid: f.sid('proxy_identifier_sid', 'PN'),
    date_deleted: f.date('date_deleted'),
    date_created: f.requiredDate('date_created'),
    date_updated: f.date('date_updated') ?? f.requiredDate('date_created'),
  };
}

/** The interaction's columns the import sets; error_code is Parley's own (why a leg it routed failed). */
export type ImportedInteraction = Omit<InteractionRow, 'error_code'>;

export function toInteractionRow(record: Json, session: SessionRow): ImportedInteraction {
  const f = new RecordFields(record);
  const inbound = f.optionalSid('inbound_participant_sid', 'KP');
  const outbound = f.optionalSid('outbound_participant_sid', 'KP');
  const status = (name: string) => (f.text(name) === null ? null : f.oneOf(name, RESOURCE_STATUSES));
  return {
    sid: f.sid('sid', 'KI'),
    account_sid: session.account_sid,
    service_sid: session.service_sid,
    session_sid: session.sid,
    type: f.oneOf('type', ['message', 'voice', 'unknown'], 'unknown'),
    data: f.text('data'),
    // A MessageInteraction (sent through the API to one participant) has no inbound leg: that is
    // how Parley lists it under its participant (GET …/Participants/KP…/MessageInteractions).
    participant_sid: inbound === null ? outbound : null,
    inbound_participant_sid: inbound,
    inbound_resource_sid: f.text('inbound_resource_sid'),
    inbound_resource_status: status('inbound_resource_status'),
    inbound_resource_type: f.text('inbound_resource_type'),
    inbound_resource_url: f.text('inbound_resource_url'),
    outbound_participant_sid: outbound,
    outbound_resource_sid: f.text('outbound_resource_sid'),
    outbound_resource_status: status('outbound_resource_status'),
    outbound_resource_type: f.text('outbound_resource_type'),
    outbound_resource_url: f.text('outbound_resource_url'),
    date_created: f.requiredDate('date_created'),
    date_updated: f.date('date_updated') ?? f.requiredDate('date_created'),
  };
}
