// Dates on the wire are exactly `YYYY-MM-DDTHH:MM:SSZ`: twilio-python parses no other form.

/** Milliseconds since the epoch → `2030-01-02T03:04:05Z`, or null. */
export function formatDate(ms: number | null): string | null {
  if (ms === null) return null;
  return new Date(ms).toISOString().slice(0, 19) + 'Z';
}

// A date, or a date-time with optional seconds, fraction and offset (no offset means UTC).
const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/;

/**
 * Parses what the official clients send for a date-time input: twilio-node sends UTC without
 * milliseconds, twilio-python may send any offset, strings pass through untouched.
 * Returns milliseconds since the epoch, or null when the text is not a real ISO 8601 instant.
 */
export function parseDateTime(text: string): number | null {
  const m = ISO_8601.exec(text);
  if (!m) return null;
  const [, year, month, day, hour = '00', minute = '00', second = '00', zone] = m;
  // Check each part explicitly: Date.parse would roll 2030-02-31 over into March.
  const probe = new Date(Date.UTC(+year!, +month! - 1, +day!, +hour, +minute, +second));
  if (
    probe.getUTCFullYear() !== +year! ||
    probe.getUTCMonth() !== +month! - 1 ||
    probe.getUTCDate() !== +day! ||
    probe.getUTCHours() !== +hour ||
    probe.getUTCMinutes() !== +minute ||
    probe.getUTCSeconds() !== +second
  ) {
    return null;
  }
  const normalised = zone === undefined ? text.replace(' ', 'T') + (m[4] === undefined ? 'T00:00:00Z' : 'Z') : text.replace(' ', 'T');
  const ms = Date.parse(normaliseOffset(normalised));
  return Number.isFinite(ms) ? ms : null;
}

// Date.parse wants `+02:00`; ISO 8601 also allows `+0200` and `+02`.
function normaliseOffset(text: string): string {
  return text.replace(/([+-])(\d{2})(\d{2})$/, '$1$2:$3').replace(/([+-]\d{2})$/, '$1:00');
}
