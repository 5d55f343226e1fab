import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import {
  BooleanParam,
  EnumParam,
  ListEnvelope,
  Nullable,
  NullableDate,
  NullableString,
  RepeatedParam,
  SidParam,
  TextParam,
} from '../../http/schema-kit.js';
import { CAPABILITIES } from './phone-numbers.model.js';

export const CreatePhoneNumberBody = Type.Object({
  Sid: Type.Optional(SidParam('Sid', 'PN')),
  PhoneNumber: Type.Optional(TextParam('PhoneNumber', 32)),
  IsReserved: Type.Optional(BooleanParam('IsReserved')),
  // Parley's own parameter: what the number can carry (default voice and sms). Twilio reads
  // this from the IncomingPhoneNumber; an emulator has no such record.
  Capabilities: Type.Optional(RepeatedParam(EnumParam('Capabilities', CAPABILITIES))),
});
export type CreatePhoneNumberBody = Static<typeof CreatePhoneNumberBody>;

export const UpdatePhoneNumberBody = Type.Object({
  IsReserved: Type.Optional(BooleanParam('IsReserved')),
});
export type UpdatePhoneNumberBody = Static<typeof UpdatePhoneNumberBody>;

/** FetchPhoneNumber takes the PN SID or the number itself (`+14155551212`). */
export const PhoneNumberParams = Type.Object({
  ServiceSid: Type.String({ maxLength: 64 }),
  Sid: Type.String({ maxLength: 64 }),
});

export const PhoneNumberResource = Type.Object({
  sid: Type.String(),
  account_sid: Type.String(),
  service_sid: Type.String(),
  date_created: NullableDate,
  date_updated: NullableDate,
  phone_number: Type.String(),
  friendly_name: NullableString,
  iso_country: Type.String(),
  capabilities: Type.Object({ fax: Type.Boolean(), mms: Type.Boolean(), sms: Type.Boolean(), voice: Type.Boolean() }),
  url: Type.String(),
  is_reserved: Nullable(Type.Boolean()),
  in_use: Type.Integer(),
});
export type PhoneNumberResource = Static<typeof PhoneNumberResource>;

export const PhoneNumberList = ListEnvelope('phone_numbers', PhoneNumberResource);
