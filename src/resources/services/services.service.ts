import type { AccountClock } from '../../common/clock.js';
import type { Transactions } from '../../db/database.js';
import { uniqueViolationAs } from '../../db/constraint-errors.js';
import type { ServiceRow } from '../../db/schema.js';
import { ApiError, invalidParameter } from '../../errors/api-error.js';
import type { PageRequest } from '../../common/paging.js';
import { isSid, newSid } from '../../common/sids.js';
import { definedOnly } from '../../common/objects.js';
import { aimsInside, REFUSED_URL_HINT } from '../../outbound/address-policy.js';
import * as repo from './services.repository.js';
import type { GeoMatchLevel, NumberSelectionBehavior } from './services.model.js';
import type { Db, UnitOfWork } from '../../db/unit-of-work.js';

export interface ServiceChanges {
  uniqueName?: string;
  defaultTtl?: number;
  callbackUrl?: string | null;
  geoMatchLevel?: GeoMatchLevel;
  numberSelectionBehavior?: NumberSelectionBehavior;
  interceptCallbackUrl?: string | null;
  outOfSessionCallbackUrl?: string | null;
  chatInstanceSid?: string | null;
}

export type NewService = ServiceChanges & { uniqueName: string };

const duplicateName = uniqueViolationAs(() => new ApiError(80602));

/** The URLs Parley calls, by the parameter that sets them. */
const CALLBACK_URLS = {
  callbackUrl: 'CallbackUrl',
  interceptCallbackUrl: 'InterceptCallbackUrl',
  outOfSessionCallbackUrl: 'OutOfSessionCallbackUrl',
} as const;

export class ServicesService {
  constructor(
    private readonly db: Db,
    private readonly clock: AccountClock,
    private readonly transactions: Transactions,
    /** PARLEY_CALLBACK_ALLOW_PRIVATE: false refuses URLs that name a private address outright. */
    private readonly allowPrivateUrls: boolean,
    /**
     * A service's default_ttl changed, in the update's unit of work: its sessions that live by it
     * must move their expiry (the sessions feature does that; services know nothing of sessions).
     */
    private readonly defaultTtlChanged: (uow: UnitOfWork, serviceSid: string, defaultTtl: number) => void,
  ) {}

  async create(accountSid: string, input: NewService): Promise<ServiceRow> {
    this.#checkUrls(input);
    const now = this.clock.now(accountSid);
    const row: ServiceRow = {
      sid: newSid('KS'),
      account_sid: accountSid,
      unique_name: input.uniqueName,
      default_ttl: input.defaultTtl ?? 0,
      callback_url: input.callbackUrl ?? null,
      geo_match_level: input.geoMatchLevel ?? 'country',
      number_selection_behavior: input.numberSelectionBehavior ?? 'prefer-sticky',
      intercept_callback_url: input.interceptCallbackUrl ?? null,
      out_of_session_callback_url: input.outOfSessionCallbackUrl ?? null,
      chat_instance_sid: input.chatInstanceSid ?? null,
      date_created: now,
      date_updated: now,
    };
    await repo.insertService(this.db, row, duplicateName);
    return row;
  }

  /** By SID, or by unique name (FetchService's `Sid` slot takes either). */
  async fetch(accountSid: string, sidOrName: string): Promise<ServiceRow | undefined> {
    if (isSid('KS', sidOrName)) {
      const bySid = await repo.findService(this.db, accountSid, sidOrName);
      if (bySid !== undefined) return bySid;
    }
    return repo.findServiceByUniqueName(this.db, accountSid, sidOrName);
  }

  /** By SID only: the parent of every nested resource, and update/delete. */
  async get(accountSid: string, sid: string): Promise<ServiceRow | undefined> {
    return isSid('KS', sid) ? repo.findService(this.db, accountSid, sid) : undefined;
  }

  list(accountSid: string, page: PageRequest): Promise<ServiceRow[]> {
    return repo.listServices(this.db, accountSid, page);
  }

  async update(accountSid: string, sid: string, changes: ServiceChanges): Promise<ServiceRow | undefined> {
    this.#checkUrls(changes);
    return this.transactions.run(async (uow) => {
      const current = isSid('KS', sid) ? await repo.findService(uow, accountSid, sid) : undefined;
      if (current === undefined) return undefined;
      const now = this.clock.now(accountSid);
      const update = definedOnly({
        unique_name: changes.uniqueName,
        default_ttl: changes.defaultTtl,
        callback_url: changes.callbackUrl,
        geo_match_level: changes.geoMatchLevel,
        number_selection_behavior: changes.numberSelectionBehavior,
        intercept_callback_url: changes.interceptCallbackUrl,
        out_of_session_callback_url: changes.outOfSessionCallbackUrl,
        chat_instance_sid: changes.chatInstanceSid,
      });
      repo.updateService(uow, sid, { ...update, date_updated: now }, duplicateName);
      if (update.default_ttl !== undefined && update.default_ttl !== current.default_ttl) {
        this.defaultTtlChanged(uow, sid, update.default_ttl);
      }
      return { ...current, ...update, date_updated: now };
    });
  }

  async remove(accountSid: string, sid: string): Promise<boolean> {
    return isSid('KS', sid) ? repo.deleteService(this.db, accountSid, sid) : false;
  }

  /**
   * A literal private address is refused when it is set; a host name only at delivery, where
   * what it resolves to is checked (src/outbound/address-policy.ts).
   */
  #checkUrls(changes: ServiceChanges): void {
    if (this.allowPrivateUrls) return;
    for (const [field, parameter] of Object.entries(CALLBACK_URLS)) {
      const url = changes[field as keyof typeof CALLBACK_URLS];
      if (typeof url === 'string' && aimsInside(url)) throw invalidParameter(parameter, `${parameter} ${REFUSED_URL_HINT}`);
    }
  }
}
