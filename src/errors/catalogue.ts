// Every Twilio error code Parley answers with, its HTTP status and default message.
// Proxy codes and messages come from Twilio's catalogue (shared/spec/twilio_proxy_error_codes.json);
// HTTP statuses follow the behaviour reference §4 (400 unless a source says otherwise).

interface Entry {
  readonly status: number;
  readonly message: string;
}

export const CATALOGUE = {
  20001: { status: 400, message: 'Invalid parameter' },
  20003: { status: 401, message: 'Authenticate' },
  20004: { status: 405, message: 'Method not allowed' },
  20007: { status: 400, message: 'Page size too large. The maximum page size is 1000' },
  20404: { status: 404, message: 'The requested resource was not found' },
  20429: { status: 429, message: 'Too Many Requests' },
  20500: { status: 500, message: 'Internal Server Error' },
  20503: { status: 503, message: 'Service Unavailable' },
  21481: { status: 400, message: 'Invalid PageToken' },
  70002: { status: 400, message: 'Bad request: the request body or parameters are not in the expected format' },
  80602: { status: 400, message: 'Service UniqueName must be unique.' },
  80603: { status: 400, message: 'Session UniqueName must be unique.' },
  80607: { status: 400, message: 'Session is closed and cannot be updated' },
  80608: { status: 400, message: 'Session status change not supported' },
  80609: { status: 400, message: 'A Session may have at most 2 participants' },
  80701: { status: 400, message: 'Parameter Validation Failed' },
} as const satisfies Record<number, Entry>;

export type ErrorCode = keyof typeof CATALOGUE;
