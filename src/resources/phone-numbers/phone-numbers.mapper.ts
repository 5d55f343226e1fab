import type { PhoneNumberRow } from '../../db/schema.js';
import { formatDate } from '../../common/dates.js';
import type { PhoneNumberResource } from './phone-numbers.schemas.js';

export function toPhoneNumberResource(row: PhoneNumberRow, baseUrl: string): PhoneNumberResource {
  return {
    sid: row.sid,
    account_sid: row.account_sid,
    service_sid: row.service_sid,
    date_created: formatDate(row.date_created),
    date_updated: formatDate(row.date_updated),
    phone_number: row.phone_number,
    friendly_name: row.friendly_name,
    iso_country: row.iso_country,
    capabilities: { fax: row.cap_fax === 1, mms: row.cap_mms === 1, sms: row.cap_sms === 1, voice: row.cap_voice === 1 },
    url: `${baseUrl}/v1/Services/${row.service_sid}/PhoneNumbers/${row.sid}`,
    is_reserved: row.is_reserved === 1,
    in_use: row.in_use,
  };
}
