// Every Twilio error code Parley answers with, its HTTP status and its message: the one set of words
// an error of that code says. Nobody else writes a message. Code throws `new ApiError(code, …)`
// (api-error.ts) and may add only a `detail` (the number or SID concerned, why), rendered after the
// catalogue message, and the values of the entry's `{placeholders}`: where Twilio's message names
// something (the parameter, the path, the country), the entry names it so, e.g. `{parameter}`.
// Proxy codes and messages come from Twilio's catalogue (shared/spec/twilio_proxy_error_codes.json);
// HTTP statuses follow the behaviour reference §4 (400 unless a source says otherwise).
// test/unit/error-catalogue.test.ts keeps this list, the codes src throws and the Errors table of
// docs/compatibility.md in step.

interface Entry {
  readonly status: number;
  readonly message: string;
}

export const CATALOGUE = {
  20001: { status: 400, message: 'Missing required parameter {parameter} in the post body' },
  20003: { status: 401, message: 'Authenticate' },
  20004: { status: 405, message: 'Method {method} not allowed on {path}' },
  20007: { status: 400, message: 'Page size too large. The maximum page size is 1000' },
  20404: { status: 404, message: 'The requested resource {path} was not found' },
  20429: { status: 429, message: 'Too Many Requests' },
  20500: { status: 500, message: 'Internal Server Error' },
  20503: { status: 503, message: 'Service Unavailable' },
  21481: { status: 400, message: 'Invalid PageToken' },
  70002: { status: 400, message: 'Bad request' },
  80101: { status: 400, message: 'Number Already Added to Another Service: a phone number can be added in one service at a time.' },
  80103: { status: 400, message: 'Participant Already In Session: the identifier is already a participant in the Session' },
  80104: { status: 400, message: 'PhoneNumber has already been added to Service' },
  80201: {
    status: 400,
    message:
      'This Service has no compatible Proxy numbers for this Participant. This Service has no available Proxy numbers having voice capabilities.',
  },
  80202: {
    status: 400,
    message:
      'This Service has no compatible Proxy numbers for this Participant. This Service has no available Proxy numbers having sms capabilities.',
  },
  80203: {
    status: 400,
    message:
      "This Service has no compatible Proxy numbers for this Participant. This Service has no available Proxy numbers for the participant's number country code {country}.",
  },
  80205: {
    status: 400,
    message: 'This Service has no compatible Proxy numbers for this Participant. This Service has no Proxy numbers configured.',
  },
  80206: {
    status: 400,
    message:
      "This Service has no compatible Proxy numbers for this Participant. Failed to find a proxy number for {identifier}. Either you have no numbers meeting your service's GeoMatchLevel for the target number, or the numbers you do have are already in use by the participant in other Sessions.",
  },
  80207: { status: 400, message: 'No unreserved numbers in proxy pool. Failed to find a proxy number.' },
  80208: {
    status: 400,
    message:
      'This Service has no compatible Proxy numbers for this Participant. Failed to find a proxy number for {identifier}. All matching proxies for this Participant are already in use in other Sessions.',
  },
  80301: { status: 400, message: 'Phone Number SID is not associated with the Account SID.' },
  80404: { status: 400, message: 'Participant identifier provided does not appear to be a valid, reachable phone number.' },
  80406: { status: 400, message: 'Invalid Phone Number Did' },
  80601: { status: 400, message: 'PhoneNumber is not available. It may be bound to a number pool.' },
  80602: { status: 400, message: 'Service UniqueName must be unique.' },
  80603: { status: 400, message: 'Session UniqueName must be unique.' },
  80607: { status: 400, message: 'Session is closed and cannot be updated' },
  80608: { status: 400, message: 'Session status change not supported' },
  80604: { status: 400, message: 'Proxy identifier already in use with requested identifier.' },
  80605: { status: 400, message: 'Proxy identifier not associated with service.' },
  80609: { status: 400, message: 'A Session may have at most 2 participants' },
  80611: { status: 400, message: 'The Proxy Number cannot be removed from Service: it is in use by one or more active Sessions.' },
  80612: { status: 400, message: 'You may not add a participant with the same identifier as a previously removed participant' },
  80622: { status: 400, message: 'You attempted to add a number to a Proxy Number Pool that has reached its maximum allowed size.' },
  80623: { status: 409, message: 'Possible duplicate Participant created in multiple Sessions.' },
  80625: { status: 403, message: 'Unauthorized Request. Signature is missing or is invalid.' },
  80701: { status: 400, message: "'{parameter}' is invalid." },
  80910: { status: 400, message: 'Message To Voice Only Session Rejected' },
} as const satisfies Record<number, Entry>;

export type ErrorCode = keyof typeof CATALOGUE;

/** The generic codes whose HTTP status depends on the case, given by the thrower (70002: 400, 408, 409, 413, 415, 422, 431). */
export const STATUS_BY_CASE = [70002] as const satisfies readonly ErrorCode[];
