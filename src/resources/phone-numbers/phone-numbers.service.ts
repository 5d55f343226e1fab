import type { AccountClock } from '../../common/clock.js';
import type { Config } from '../../config.js';
import { isForeignKeyViolation, isUniqueViolation } from '../../db/constraint-errors.js';
import type { PhoneNumberRow, ServiceRow } from '../../db/schema.js';
import { ApiError, missingParameter } from '../../errors/api-error.js';
import type { PageRequest } from '../../common/paging.js';
import { isSid, newSid } from '../../common/sids.js';
import { parsePhoneNumber } from '../../phone/phone-number.js';
import { ownerScope } from '../../pool/number-ownership.js';
import { findService } from '../services/services.repository.js';
import type { ServiceKey } from '../../common/service-key.js';
import * as repo from './phone-numbers.repository.js';
import type { CarrierNumber, CarrierNumbers } from './carrier-numbers.js';
import type { Capability } from './phone-numbers.model.js';
import type { Db } from '../../db/unit-of-work.js';

export interface NewPhoneNumber {
  sid?: string;
  phoneNumber?: string;
  isReserved?: boolean;
  capabilities?: Capability[];
}

const DEFAULT_CAPABILITIES: readonly Capability[] = ['voice', 'sms'];

export class PhoneNumbersService {
  constructor(
    private readonly db: Db,
    private readonly clock: AccountClock,
    private readonly limits: Pick<Config, 'poolMaxUnreserved' | 'poolMaxReserved' | 'carrier' | 'numberCheck'>,
    /** The carrier account's own numbers (Twilio's IncomingPhoneNumbers); null under the simulator. */
    private readonly carrierNumbers: CarrierNumbers | null,
  ) {}

  async create(service: ServiceRow, input: NewPhoneNumber): Promise<PhoneNumberRow> {
    if (input.phoneNumber !== undefined) return this.#add(service, { ...input, phoneNumber: input.phoneNumber }, null);
    if (input.sid === undefined) throw missingParameter('PhoneNumber');
    await this.#refuseTaken(service, { sid: input.sid });
    // As on Twilio, a bare Sid names a number of the carrier account, asked for here: no unit of
    // work is open (nothing waits on the network inside one), and the insert below comes after.
    const known = await this.#carrierNumber(input.sid);
    // The carrier's record says what the number can carry; Parley's Capabilities, if sent, still wins.
    return this.#add(
      service,
      { ...input, phoneNumber: known.phoneNumber, capabilities: input.capabilities ?? known.capabilities },
      known.friendlyName,
    );
  }

  async #carrierNumber(sid: string): Promise<CarrierNumber> {
    const known = this.carrierNumbers === null ? undefined : await this.carrierNumbers.bySid(sid);
    if (known !== undefined) return known;
    throw new ApiError(80301, {
      detail:
        this.carrierNumbers === null
          ? `The simulator knows only numbers given with PhoneNumber, and not ${sid}: send PhoneNumber (and Sid to keep that SID).`
          : `The carrier's account has no number ${sid}.`,
    });
  }

  async #add(service: ServiceRow, input: NewPhoneNumber & { phoneNumber: string }, friendlyName: string | null): Promise<PhoneNumberRow> {
    const number = parsePhoneNumber(input.phoneNumber, this.limits.numberCheck);
    if (number === null) {
      throw new ApiError(80406, { detail: `'${input.phoneNumber}' is not a valid phone number in E.164 format (+14155551212)` });
    }
    await this.#refuseTaken(service, { e164: number.e164, sid: input.sid });
    const reserved = input.isReserved ?? false;
    await this.#checkPoolLimit(service.sid, reserved);
    const capabilities = new Set(input.capabilities ?? DEFAULT_CAPABILITIES);
    const now = this.clock.now(service.account_sid);
    const row: PhoneNumberRow = {
      sid: input.sid ?? newSid('PN'),
      account_sid: service.account_sid,
      service_sid: service.sid,
      phone_number: number.e164,
      owner_scope: ownerScope(this.limits.carrier, service.account_sid),
      friendly_name: friendlyName ?? number.national,
      iso_country: number.country,
      area_code: number.areaCode,
      cap_voice: capabilities.has('voice') ? 1 : 0,
      cap_sms: capabilities.has('sms') ? 1 : 0,
      cap_mms: capabilities.has('mms') ? 1 : 0,
      cap_fax: capabilities.has('fax') ? 1 : 0,
      is_reserved: reserved ? 1 : 0,
      in_use: 0,
      last_assigned_at: 0,
      date_created: now,
      date_updated: now,
    };
    try {
      await repo.insertPhoneNumber(this.db, row);
    } catch (err) {
      // Another request added it since the check above: answer as if it had come first.
      if (!isUniqueViolation(err)) throw err;
      await this.#refuseTaken(service, { e164: number.e164, sid: input.sid });
      // The number (a real line, under a real carrier) or the SID is another account's: say no
      // more than Twilio would, nothing of the other pool.
      throw new ApiError(80601);
    }
    return row;
  }

  /** By PN SID, or by the number itself. */
  async fetch(key: ServiceKey, sidOrNumber: string): Promise<PhoneNumberRow | undefined> {
    if (isSid('PN', sidOrNumber)) return repo.findPhoneNumber(this.db, key, sidOrNumber);
    const number = parsePhoneNumber(sidOrNumber, 'possible');
    return number === null ? undefined : repo.findPhoneNumberByNumber(this.db, key, number.e164);
  }

  /** The page's numbers, or undefined when the service does not exist. */
  async list(key: ServiceKey, page: PageRequest): Promise<PhoneNumberRow[] | undefined> {
    const rows = await repo.listPhoneNumbers(this.db, key, page);
    if (rows.length === 0 && (await findService(this.db, key.accountSid, key.serviceSid)) === undefined) return undefined;
    return rows;
  }

  /** How full the pool is (the console's utilisation bar). */
  usage(key: ServiceKey): Promise<repo.PoolUsage> {
    return repo.poolUsage(this.db, key);
  }

  async update(key: ServiceKey, sid: string, changes: { isReserved?: boolean }): Promise<PhoneNumberRow | undefined> {
    const current = isSid('PN', sid) ? await repo.findPhoneNumber(this.db, key, sid) : undefined;
    if (current === undefined || changes.isReserved === undefined) return current;
    // Moving a number to the other side of the pool counts against that side's cap.
    if ((current.is_reserved === 1) !== changes.isReserved) await this.#checkPoolLimit(current.service_sid, changes.isReserved);
    const now = this.clock.now(key.accountSid);
    await repo.setReserved(this.db, sid, changes.isReserved, now);
    return { ...current, is_reserved: changes.isReserved ? 1 : 0, date_updated: now };
  }

  /** False when there is no such number; 80611 while an active session holds it. */
  async remove(key: ServiceKey, sid: string): Promise<boolean> {
    if (!isSid('PN', sid)) return false;
    try {
      if (await repo.deleteIdleNumber(this.db, key, sid)) return true;
    } catch (err) {
      // Assigned between the in_use check and the delete: the foreign key refuses it.
      if (!isForeignKeyViolation(err)) throw err;
    }
    if ((await repo.findPhoneNumber(this.db, key, sid)) === undefined) return false;
    throw new ApiError(80611, { detail: `Close those sessions, or remove their participants, before removing ${sid}.` });
  }

  /** 80104 when the number (or SID) is already in this service, 80101 when in another. */
  async #refuseTaken(service: ServiceRow, by: { e164?: string; sid?: string }): Promise<void> {
    const candidates = [by.e164 !== undefined ? { e164: by.e164 } : null, by.sid !== undefined ? { sid: by.sid } : null];
    for (const lookup of candidates) {
      if (lookup === null) continue;
      const existing = await repo.findInAccount(this.db, service.account_sid, lookup);
      if (existing === undefined) continue;
      if (existing.service_sid === service.sid) throw new ApiError(80104);
      throw new ApiError(80101, { detail: `${existing.phone_number} is in service ${existing.service_sid}.` });
    }
  }

  async #checkPoolLimit(serviceSid: string, reserved: boolean): Promise<void> {
    const limit = reserved ? this.limits.poolMaxReserved : this.limits.poolMaxUnreserved;
    if (limit > 0 && (await repo.countPool(this.db, serviceSid, reserved)) >= limit) {
      throw new ApiError(80622, {
        detail: `This pool holds at most ${limit} ${reserved ? 'reserved' : 'unreserved'} numbers (PARLEY_POOL_MAX_${reserved ? 'RESERVED' : 'UNRESERVED'}).`,
      });
    }
  }
}
