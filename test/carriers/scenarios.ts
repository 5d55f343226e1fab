// The scenarios every real carrier passes, whichever it is: a conversation both ways, a call
// bridged with the partner's proxy number as caller ID, statuses that never move back, a failed
// send, a refused unsigned or wrongly signed webhook, a retried webhook handled once, and outbox
// retries after the carrier's API fails. Each carrier's test file runs them with its adapter
// (test/helpers/carrier-adapter.ts): `carrierScenarios(twilioAdapter)`. What only one carrier does
// (Twilio's TwiML, its signature over the URL) is tested beside, in that carrier's own files.

import type { AnsweredCall, CarrierAdapter, FakeCarrierApi } from '../helpers/carrier-adapter.js';
import { callScenarios, statusScenarios } from './scenarios-legs.js';
import { givenUpScenarios, sendingScenarios } from './scenarios-sending.js';
import { trafficScenarios } from './scenarios-traffic.js';
import { refusalScenarios, retryScenarios } from './scenarios-webhooks.js';

export function carrierScenarios<Fake extends FakeCarrierApi, Call extends AnsweredCall>(adapter: CarrierAdapter<Fake, Call>): void {
  trafficScenarios(adapter);
  callScenarios(adapter);
  statusScenarios(adapter);
  refusalScenarios(adapter);
  retryScenarios(adapter);
  sendingScenarios(adapter);
  givenUpScenarios(adapter);
}
