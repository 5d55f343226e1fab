// The fuzz tests' map of the API (test/fuzz/*.ts): every route with its path parameters, methods
// and fields, the kinds of resource its parameters name, and the baseline's real values of each.

import type { RealRef } from './state.js';

export type Kind = 'service' | 'session' | 'participant' | 'phoneNumber' | 'interaction' | 'call';

export type FieldType =
  | 'text191'
  | 'text255'
  | 'text1600'
  | 'int'
  | 'advance'
  | 'url'
  | 'urls'
  | 'datetime'
  | 'bool'
  | 'phone'
  | 'participants'
  | 'capabilities'
  | 'sidPN'
  | 'sidIS'
  | 'pageToken'
  | { readonly enum: readonly string[] };

export interface RouteDef {
  id: string;
  /** Literal path pieces and path parameters, in order. */
  parts: ReadonlyArray<string | { param: Kind }>;
  methods: readonly string[];
  /** Answers without credentials (the health probes). */
  open?: true;
  /** POST form fields. */
  body?: Readonly<Record<string, FieldType>>;
  /** GET query parameters. */
  query?: Readonly<Record<string, FieldType>>;
}

const PAGING = { PageSize: 'int', Page: 'int', PageToken: 'pageToken' } as const;
const SERVICE_FIELDS = {
  UniqueName: 'text191',
  DefaultTtl: 'int',
  CallbackUrl: 'url',
  GeoMatchLevel: { enum: ['area-code', 'overlay', 'radius', 'country'] },
  NumberSelectionBehavior: { enum: ['avoid-sticky', 'prefer-sticky'] },
  InterceptCallbackUrl: 'url',
  OutOfSessionCallbackUrl: 'url',
  ChatInstanceSid: 'sidIS',
} as const;
const SESSION_STATUS = { enum: ['open', 'in-progress', 'closed', 'failed', 'unknown'] } as const;

const svc = { param: 'service' } as const;
const ses = { param: 'session' } as const;
const par = { param: 'participant' } as const;

export const ROUTES: readonly RouteDef[] = [
  { id: 'GET /healthz', parts: ['/healthz'], methods: ['GET'], open: true },
  { id: 'GET /healthz/live', parts: ['/healthz/live'], methods: ['GET'], open: true },
  { id: 'GET /healthz/ready', parts: ['/healthz/ready'], methods: ['GET'], open: true },
  { id: '/v1/Services', parts: ['/v1/Services'], methods: ['GET', 'POST'], body: SERVICE_FIELDS, query: PAGING },
  { id: '/v1/Services/:Sid', parts: ['/v1/Services/', svc], methods: ['GET', 'POST', 'DELETE'], body: SERVICE_FIELDS },
  {
    id: '/v1/Services/:ServiceSid/Sessions',
    parts: ['/v1/Services/', svc, '/Sessions'],
    methods: ['GET', 'POST'],
    body: {
      UniqueName: 'text191',
      DateExpiry: 'datetime',
      Ttl: 'int',
      Mode: { enum: ['message-only', 'voice-only', 'voice-and-message'] },
      Status: SESSION_STATUS,
      Participants: 'participants',
    },
    query: PAGING,
  },
  {
    id: '/v1/Services/:ServiceSid/Sessions/:Sid',
    parts: ['/v1/Services/', svc, '/Sessions/', ses],
    methods: ['GET', 'POST', 'DELETE'],
    body: { DateExpiry: 'datetime', Ttl: 'int', Status: SESSION_STATUS },
  },
  {
    id: '/v1/Services/:ServiceSid/PhoneNumbers',
    parts: ['/v1/Services/', svc, '/PhoneNumbers'],
    methods: ['GET', 'POST'],
    body: { Sid: 'sidPN', PhoneNumber: 'phone', IsReserved: 'bool', Capabilities: 'capabilities' },
    query: PAGING,
  },
  {
    id: '/v1/Services/:ServiceSid/PhoneNumbers/:Sid',
    parts: ['/v1/Services/', svc, '/PhoneNumbers/', { param: 'phoneNumber' }],
    methods: ['GET', 'POST', 'DELETE'],
    body: { IsReserved: 'bool' },
  },
  {
    id: '/v1/Services/:ServiceSid/Sessions/:SessionSid/Participants',
    parts: ['/v1/Services/', svc, '/Sessions/', ses, '/Participants'],
    methods: ['GET', 'POST'],
    body: { Identifier: 'phone', FriendlyName: 'text255', ProxyIdentifier: 'phone', ProxyIdentifierSid: 'sidPN' },
    query: PAGING,
  },
  {
    id: '/v1/Services/:ServiceSid/Sessions/:SessionSid/Participants/:Sid',
    parts: ['/v1/Services/', svc, '/Sessions/', ses, '/Participants/', par],
    methods: ['GET', 'DELETE'],
  },
  {
    id: '/v1/Services/:ServiceSid/Sessions/:SessionSid/Interactions',
    parts: ['/v1/Services/', svc, '/Sessions/', ses, '/Interactions'],
    methods: ['GET'],
    query: PAGING,
  },
  {
    id: '/v1/Services/:ServiceSid/Sessions/:SessionSid/Interactions/:Sid',
    parts: ['/v1/Services/', svc, '/Sessions/', ses, '/Interactions/', { param: 'interaction' }],
    methods: ['GET', 'DELETE'],
  },
  {
    id: '/v1/Services/:ServiceSid/Sessions/:SessionSid/Participants/:ParticipantSid/MessageInteractions',
    parts: ['/v1/Services/', svc, '/Sessions/', ses, '/Participants/', par, '/MessageInteractions'],
    methods: ['GET', 'POST'],
    body: { Body: 'text1600', MediaUrl: 'urls' },
    query: PAGING,
  },
  {
    id: '/v1/Services/:ServiceSid/Sessions/:SessionSid/Participants/:ParticipantSid/MessageInteractions/:Sid',
    parts: ['/v1/Services/', svc, '/Sessions/', ses, '/Participants/', par, '/MessageInteractions/', { param: 'interaction' }],
    methods: ['GET'],
  },
  { id: '/simulator/v1/Clock', parts: ['/simulator/v1/Clock'], methods: ['GET', 'POST'], body: { Advance: 'advance', Set: 'datetime' } },
  {
    id: '/simulator/v1/Faults',
    parts: ['/simulator/v1/Faults'],
    methods: ['GET', 'POST', 'DELETE'],
    body: {
      Number: 'phone',
      Channel: { enum: ['message', 'voice'] },
      Outcome: { enum: ['undelivered', 'failed', 'busy', 'no-answer'] },
      ErrorCode: 'int',
      Count: 'int',
    },
  },
  {
    id: '/parley/v1/Callbacks',
    parts: ['/parley/v1/Callbacks'],
    methods: ['GET'],
    query: {
      ...PAGING,
      Kind: { enum: ['status_callback', 'intercept', 'out_of_session'] },
      Status: { enum: ['pending', 'retrying', 'delivered', 'failed'] },
    },
  },
  {
    id: '/simulator/v1/Messages',
    parts: ['/simulator/v1/Messages'],
    methods: ['GET', 'POST'],
    body: { From: 'phone', To: 'phone', Body: 'text1600', MediaUrl: 'urls' },
    query: { ...PAGING, To: 'phone', From: 'phone' },
  },
  { id: '/simulator/v1/Calls', parts: ['/simulator/v1/Calls'], methods: ['POST'], body: { From: 'phone', To: 'phone' } },
  {
    id: '/simulator/v1/Calls/:CallSid',
    parts: ['/simulator/v1/Calls/', { param: 'call' }],
    methods: ['GET', 'POST'],
    body: { Status: { enum: ['completed', 'busy', 'no-answer', 'failed'] } },
  },
];

export const ROUTE_BY_ID: ReadonlyMap<string, RouteDef> = new Map(ROUTES.map((route) => [route.id, route]));

export const ALL_FIELDS: Readonly<Record<string, FieldType>> = Object.assign({}, ...ROUTES.flatMap((r) => [r.body ?? {}, r.query ?? {}]));
export const FIELD_NAMES = Object.keys(ALL_FIELDS);

export const PREFIX: Record<Kind, string> = {
  service: 'KS',
  session: 'KC',
  participant: 'KP',
  phoneNumber: 'PN',
  interaction: 'KI',
  call: 'CA',
};
export const REALS: Record<Kind, readonly RealRef[]> = {
  service: ['service'],
  session: ['session', 'sessionName'],
  participant: ['participant', 'participant2'],
  phoneNumber: ['phoneNumber', 'phoneNumberE164'],
  interaction: ['interaction'],
  call: ['call'],
};
export const ALL_REALS: readonly RealRef[] = [
  'service',
  'session',
  'sessionName',
  'participant',
  'participant2',
  'identifier',
  'identifier2',
  'proxy',
  'proxy2',
  'phoneNumber',
  'phoneNumberE164',
  'interaction',
  'call',
];
export const OTHER_PREFIXES = ['KS', 'KC', 'KP', 'PN', 'KI', 'CA', 'AC', 'SM', 'IS', 'XX', 'ks', 'k'];
