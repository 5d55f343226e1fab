// Row types of every table, as Kysely sees them. Times are integers: milliseconds since the epoch.

import type { Insertable, Selectable, Updateable } from 'kysely';

export interface AccountsTable {
  sid: string;
  auth_token: string;
  friendly_name: string;
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

export interface Database {
  accounts: AccountsTable;
  services: ServicesTable;
  sessions: SessionsTable;
}

export type AccountRow = Selectable<AccountsTable>;
export type ServiceRow = Selectable<ServicesTable>;
export type NewServiceRow = Insertable<ServicesTable>;
export type ServiceUpdate = Updateable<ServicesTable>;
export type SessionRow = Selectable<SessionsTable>;
export type SessionUpdate = Updateable<SessionsTable>;
