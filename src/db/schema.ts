// Row types of every table, as Kysely sees them. Times are integers: milliseconds since the epoch.

import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

export interface AccountsTable {
  sid: string;
  /** Kept as given: it signs the account's callbacks (HMAC needs the token itself). */
  auth_token: string;
  friendly_name: string;
  /** Requests per second per endpoint, and the burst; null: PARLEY_RATE_LIMIT / PARLEY_RATE_BURST. */
  rate_limit: number | null;
  rate_burst: number | null;
  /** Twilio's secondary token: authenticates beside auth_token until promoted or deleted. */
  secondary_auth_token: string | null;
  /** How far the account's emulator clock runs ahead of real time (simulator only; never shrinks). */
  clock_offset_ms: Generated<number>;
  date_created: number;
  date_updated: number;
}

export interface ApiKeysTable {
  sid: string;
  account_sid: string;
  friendly_name: string;
  secret_salt: string;
  /** SHA-256 of salt + secret, hex. */
  secret_hash: string;
  date_created: number;
  date_updated: number;
}

export interface ServicesTable {
  sid: string;
  account_sid: string;
  unique_name: string;
  default_ttl: number;
  callback_url: string | null;
  geo_match_level: string;
  number_selection_behavior: string;
  intercept_callback_url: string | null;
  out_of_session_callback_url: string | null;
  chat_instance_sid: string | null;
  date_created: number;
  date_updated: number;
}

export interface SessionsTable {
  sid: string;
  account_sid: string;
  service_sid: string;
  unique_name: string | null;
  status: string;
  closed_reason: string | null;
  mode: string;
  ttl: number;
  /** The expiry the caller set (DateExpiry); null when none. */
  date_expiry: number | null;
  date_started: number | null;
  date_ended: number | null;
  date_last_interaction: number | null;
  /** Start of the current TTL window: creation, the last interaction, or the last re-open. */
  ttl_started_at: number;
  /** When the session stops being active (see sessions.expiry.ts); null for never. Indexed for the sweeper. */
  expires_at: number | null;
  date_created: number;
  date_updated: number;
}

export interface PhoneNumbersTable {
  sid: string;
  account_sid: string;
  service_sid: string;
  phone_number: string;
  /** The account SID under the simulator, one constant under a real carrier; unique with phone_number. */
  owner_scope: string;
  friendly_name: string | null;
  iso_country: string;
  /** NANP area code (first three digits), null elsewhere. */
  area_code: string | null;
  cap_voice: number;
  cap_sms: number;
  cap_mms: number;
  cap_fax: number;
  is_reserved: number;
  /** Active assignments of this number; kept in step with `assignments` by the pool repository. */
  in_use: number;
  last_assigned_at: number;
  date_created: number;
  date_updated: number;
}

export interface ParticipantsTable {
  sid: string;
  account_sid: string;
  service_sid: string;
  session_sid: string;
  identifier: string;
  friendly_name: string | null;
  proxy_identifier: string;
  proxy_identifier_sid: string;
  date_deleted: number | null;
  date_created: number;
  date_updated: number;
}

export interface AssignmentsTable {
  participant_sid: string;
  service_sid: string;
  session_sid: string;
  identifier: string;
  phone_number_sid: string;
  date_created: number;
}

export interface IdempotencyKeysTable {
  account_sid: string;
  key: string;
  request_digest: string;
  /** Null while the first request is still being processed. */
  status: number | null;
  response: string | null;
  date_created: number;
  expires_at: number;
}

export interface InteractionsTable {
  sid: string;
  account_sid: string;
  service_sid: string;
  session_sid: string;
  type: string;
  data: string | null;
  participant_sid: string | null;
  inbound_participant_sid: string | null;
  inbound_resource_sid: string | null;
  inbound_resource_status: string | null;
  inbound_resource_type: string | null;
  inbound_resource_url: string | null;
  outbound_participant_sid: string | null;
  outbound_resource_sid: string | null;
  outbound_resource_status: string | null;
  outbound_resource_type: string | null;
  outbound_resource_url: string | null;
  error_code: number | null;
  date_created: number;
  date_updated: number;
}

export interface OutboxTable {
  sid: string;
  account_sid: string;
  kind: string;
  /** JSON of the job's parameters. */
  payload: string;
  status: string;
  attempts: number;
  next_attempt_at: number;
  locked_until: number | null;
  last_error: string | null;
  /** The HTTP status of the last answer (callbacks), null before any or when none came. */
  response_status: number | null;
  /** What an intercept or out-of-session call decided (blocked, session_created, …); null for jobs. */
  outcome: string | null;
  date_created: number;
  date_updated: number;
}

export interface SimulatorMessagesTable {
  sid: string;
  account_sid: string;
  from_number: string;
  to_number: string;
  body: string;
  /** JSON array of URLs. */
  media_urls: string;
  direction: string;
  status: string;
  interaction_sid: string | null;
  session_sid: string | null;
  /** The carrier error code of a message that was not delivered (a fault on demand). */
  error_code: number | null;
  date_created: number;
}

export interface SimulatorCallsTable {
  sid: string;
  account_sid: string;
  from_number: string;
  to_number: string;
  status: string;
  bridged_from: string | null;
  bridged_to: string | null;
  bridged_sid: string | null;
  interaction_sid: string | null;
  session_sid: string | null;
  date_created: number;
  date_updated: number;
}

export interface CarrierStatusReportsTable {
  resource_sid: string;
  status: string;
  date_created: number;
}

export interface CarrierWebhooksTable {
  carrier: string;
  /** The carrier's MessageSid or CallSid. */
  resource_sid: string;
  /** The first answer, replayed to retries. */
  content_type: string;
  answer: string;
  date_created: number;
}

export interface SimulatorFaultsTable {
  sid: string;
  account_sid: string;
  phone_number: string;
  /** message | voice */
  channel: string;
  outcome: string;
  error_code: number | null;
  /** Outbound legs still to fail; 0 once used up. */
  remaining: number;
  date_created: number;
  date_updated: number;
}

export interface StorageProbeTable {
  id: string;
  payload: string;
}

/** A signed-in console session (migration 0008): the cookie's token is kept only as its SHA-256. */
export interface ConsoleSessionsTable {
  token_hash: string;
  account_sid: string;
  credential_sid: string;
  credential_digest: string;
  csrf_token: string;
  date_created: number;
  expires_at: number;
}

/** Sessions by service and status, kept by triggers (migration 0009; metrics/session-counts.repository.ts). */
export interface SessionStatusCountsTable {
  service_sid: string;
  status: string;
  total: number;
}

/** PostgreSQL: the triggers' +1/-1 rows not yet folded into session_status_counts. */
export interface SessionStatusDeltasTable {
  service_sid: string;
  status: string;
  delta: number;
}

export interface Database {
  accounts: AccountsTable;
  api_keys: ApiKeysTable;
  services: ServicesTable;
  sessions: SessionsTable;
  phone_numbers: PhoneNumbersTable;
  participants: ParticipantsTable;
  assignments: AssignmentsTable;
  idempotency_keys: IdempotencyKeysTable;
  interactions: InteractionsTable;
  outbox: OutboxTable;
  simulator_messages: SimulatorMessagesTable;
  simulator_calls: SimulatorCallsTable;
  simulator_faults: SimulatorFaultsTable;
  carrier_status_reports: CarrierStatusReportsTable;
  carrier_webhooks: CarrierWebhooksTable;
  storage_probe: StorageProbeTable;
  console_sessions: ConsoleSessionsTable;
  session_status_counts: SessionStatusCountsTable;
  session_status_deltas: SessionStatusDeltasTable;
}

export type AccountRow = Selectable<AccountsTable>;
export type ServiceRow = Selectable<ServicesTable>;
export type NewServiceRow = Insertable<ServicesTable>;
export type ServiceUpdate = Updateable<ServicesTable>;
export type SessionRow = Selectable<SessionsTable>;
export type SessionUpdate = Updateable<SessionsTable>;
export type PhoneNumberRow = Selectable<PhoneNumbersTable>;
export type ParticipantRow = Selectable<ParticipantsTable>;
export type AssignmentRow = Selectable<AssignmentsTable>;
export type InteractionRow = Selectable<InteractionsTable>;
export type OutboxRow = Selectable<OutboxTable>;
export type SimulatorMessageRow = Selectable<SimulatorMessagesTable>;
export type SimulatorCallRow = Selectable<SimulatorCallsTable>;
export type SimulatorFaultRow = Selectable<SimulatorFaultsTable>;
export type ApiKeyRow = Selectable<ApiKeysTable>;
export type ConsoleSessionRow = Selectable<ConsoleSessionsTable>;
export type CarrierWebhookRow = Selectable<CarrierWebhooksTable>;
