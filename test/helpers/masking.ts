// The masking tests' harness (test/api/masking-*.test.ts, interactions.test.ts): one app per
// describe block; before each test a service with P1, P2 and P3 in its pool (given back after it);
// sessions whose members are known by identifier, "a pair" of fresh handsets pinned A on P1 and
// B on P2; and the simulator's texts and calls, each checked for the fields the simulator shows.

import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { frozenClock, startTestApp } from './app.js';
import type { TestApp } from './app.js';
import {
  advanceClock,
  call,
  endCall,
  fetchOk,
  handset,
  handsetLog,
  interactionOf,
  servicePerTest,
  sessionWith,
  text,
} from './factories.js';
import type { Member, ParticipantSpec } from './factories.js';
import type { Form } from './http-client.js';

export const P1 = '+14155550100';
export const P2 = '+14155550101';
export const P3 = '+14155550102';
export const NOT_IN_POOL = '+14155550150';

export const SM = /^SM[0-9a-f]{32}$/;
export const CA = /^CA[0-9a-f]{32}$/;
export const KI = /^KI[0-9a-f]{32}$/;
export const DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
export const GHOST_KI = `KI${'0'.repeat(32)}`;

const MESSAGE_KEYS = [
  'body',
  'date_created',
  'direction',
  'error_code',
  'from',
  'interaction_sid',
  'media_urls',
  'session_sid',
  'sid',
  'status',
  'to',
];
const CALL_KEYS = ['bridged_to', 'date_created', 'date_updated', 'from', 'interaction_sid', 'session_sid', 'sid', 'status', 'to'];

export type Json = Record<string, any>;

export interface Pair {
  /** /v1/Services/KS…/Sessions/KC… */
  path: string;
  sid: string;
  a: Member;
  b: Member;
}

/** One app per describe block; each test gets a service with P1, P2 and P3 in its pool, given back after. */
export function harness() {
  let t: TestApp | undefined;
  before(async () => {
    // Server time moves only with `advance`: a call's duration and a Ttl window are exact.
    t = await startTestApp({}, { clock: frozenClock() });
  });
  after(() => t?.close());
  const api = () => h.t.api;
  const current = servicePerTest(api, [P1, P2, P3]);

  const h = {
    get t(): TestApp {
      return t ?? assert.fail('the app has not started');
    },
    get service(): string {
      return current.service;
    },
    get serviceSid(): string {
      return current.serviceSid;
    },

    advance: (seconds: number) => advanceClock(api(), seconds),

    /** A session with these participants (JSON objects as the API takes them); its members by identifier. */
    async session(
      participants: ParticipantSpec[],
      form: Form = {},
    ): Promise<{ path: string; sid: string; members: Record<string, Member> }> {
      const created = await sessionWith(api(), current, participants, form);
      return { path: created.session, sid: created.sessionSid, members: created.members };
    },

    /** A on P1 and B on P2, two fresh handsets. */
    async pair(form: Form = {}): Promise<Pair> {
      const [a, b] = [handset(), handset()];
      const { path, sid, members } = await h.session(
        [
          { Identifier: a, ProxyIdentifier: P1 },
          { Identifier: b, ProxyIdentifier: P2 },
        ],
        form,
      );
      assert.equal(members[a]!.proxy, P1);
      assert.equal(members[b]!.proxy, P2);
      return { path, sid, a: members[a]!, b: members[b]! };
    },

    async text(from: string, to: string, body: string, media?: string[]): Promise<Json> {
      const sent = await text(api(), from, to, body, media);
      assert.deepEqual(Object.keys(sent).sort(), MESSAGE_KEYS);
      return sent;
    },

    async call(from: string, to: string): Promise<Json> {
      const placed = await call(api(), from, to);
      assert.deepEqual(Object.keys(placed).sort(), CALL_KEYS);
      return placed;
    },

    end: (callSid: string, status: string) => endCall(api(), callSid, status),

    /** The simulator's message log, filtered. */
    messages: (query: Form) => handsetLog(api(), query),

    /** The messages of the simulator's log that belong to this session (the log is account-wide). */
    async ofSession(sessionSid: string): Promise<Json[]> {
      return (await h.messages({ PageSize: 1000 })).filter((m) => m.session_sid === sessionSid);
    },

    interactions: async (path: string): Promise<Json[]> => (await fetchOk(api(), `${path}/Interactions`)).interactions,

    interaction: (path: string, sid: string) => interactionOf(api(), { session: path }, sid),

    sessionOf: (path: string) => fetchOk(api(), path),
  };
  return h;
}
