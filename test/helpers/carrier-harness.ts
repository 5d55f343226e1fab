// A real carrier's side of a test, whichever the carrier: Alice and Bob and a stranger (valid
// numbers, as a real carrier accepts no others), the pool they are masked behind, and, for a
// describe block, the app running on the carrier with its fake REST API and a fresh masked pair
// for each test. The carrier itself is an adapter (carrier-adapter.ts).

import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach } from 'node:test';
import { startTestApp } from './app.js';
import type { TestApp } from './app.js';
import type { CarrierAdapter, CarrierWebhook, FakeCarrierApi } from './carrier-adapter.js';
import { deliver } from './carrier-adapter.js';
import { maskedPair } from './factories.js';
import type { MaskedPair } from './factories.js';
import type { Response } from './http-client.js';

export const ALICE = '+12125550101';
export const BOB = '+12125550102';
export const STRANGER = '+12125550199';
export const NUMBERS = ['+14155550100', '+14155550101'];

/** A service with the two NUMBERS in its pool and a session between Alice (A) and Bob (B). */
export function carrierPair(t: TestApp): Promise<MaskedPair> {
  return maskedPair(t.api, {
    pool: NUMBERS,
    a: { Identifier: ALICE, FriendlyName: 'Alice' },
    b: { Identifier: BOB, FriendlyName: 'Bob' },
    session: { UniqueName: 'carrier' },
  });
}

type Row = Record<string, any>;

export interface CarrierHarness<Fake extends FakeCarrierApi> {
  readonly t: TestApp;
  readonly fake: Fake;
  /** This test's pair (its service is removed after the test: pool numbers are unique per account). */
  readonly pair: MaskedPair;
  /** Posts a carrier webhook to the app. */
  deliver(webhook: CarrierWebhook): Promise<Response>;
  /** The interactions of the pair's session. */
  interactions(): Promise<Row[]>;
  /** The one interaction of the pair's session (the test fails if there are others). */
  onlyInteraction(): Promise<Row>;
  /** Every send job of the carrier in the outbox (shared by every test of the app). */
  sendJobs(): Promise<Row[]>;
  /** The carrier's send jobs of one interaction. */
  sendJobsFor(interactionSid: string): Promise<Row[]>;
}

/** For a describe block: the carrier's fake API, an app on the carrier (its env with `extra`), a pair per test. */
export function carrierHarness<Fake extends FakeCarrierApi>(
  adapter: Pick<CarrierAdapter<Fake, any>, 'startFake' | 'env' | 'sendJobKind'>,
  extra: Record<string, string> = {},
): CarrierHarness<Fake> {
  const state = {} as { t: TestApp; fake: Fake; pair: MaskedPair };
  before(async () => {
    state.fake = await adapter.startFake();
    state.t = await startTestApp({ ...adapter.env(state.fake), ...extra });
  });
  after(async () => {
    await state.t.close();
    await state.fake.stop();
  });
  beforeEach(async () => {
    state.fake.reset();
    state.pair = await carrierPair(state.t);
  });
  afterEach(() => state.t.api.delete(state.pair.service));
  const interactions = async () => (await state.t.api.get(`${state.pair.session}/Interactions`)).body.interactions as Row[];
  const sendJobs = () => state.t.app.parley.database.db.selectFrom('outbox').selectAll().where('kind', '=', adapter.sendJobKind).execute();
  return {
    get t() {
      return state.t;
    },
    get fake() {
      return state.fake;
    },
    get pair() {
      return state.pair;
    },
    deliver: (webhook) => deliver(state.t, webhook),
    interactions,
    onlyInteraction: async () => {
      const all = await interactions();
      assert.equal(all.length, 1, JSON.stringify(all));
      return all[0]!;
    },
    sendJobs,
    sendJobsFor: async (interactionSid) => (await sendJobs()).filter((job) => JSON.parse(job.payload).interactionSid === interactionSid),
  };
}
