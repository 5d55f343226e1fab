// What the pool needs from a carrier that keeps a record of its account's numbers (Twilio's
// IncomingPhoneNumbers): a number named by its SID alone. components.ts hands the Twilio carrier's
// to PhoneNumbersService; the simulator has none, and a Sid alone stays unknown there (80301).

import type { Capability } from './phone-numbers.model.js';

/** A number of the carrier's account, as the carrier describes it. */
export interface CarrierNumber {
  phoneNumber: string;
  friendlyName: string | null;
  capabilities: Capability[];
}

export interface CarrierNumbers {
  /**
   * The carrier account's number with this SID, or undefined when the account has none. Network
   * I/O: never called inside a unit of work. Throws an ApiError (20503) when the carrier cannot
   * answer.
   */
  bySid(sid: string): Promise<CarrierNumber | undefined>;
}
