// Inbound carrier webhooks are answered once per resource SID (MessageSid, CallSid). Carriers
// retry a webhook they believe failed (a timeout, a dropped connection): the retry must create no
// second interaction, send no second outbound leg, and get the first answer again, TwiML from an
// out-of-session callback included. The answer is recorded in the routing unit of work itself
// (webhook-answers.repository.ts), so the database settles even two copies racing on two nodes;
// copies racing on one node simply wait for the first. A webhook whose handling failed recorded
// nothing, so its retry runs again.

import type { Clock } from '../common/clock.js';
import type { AlsoInTransaction, Routed } from '../routing/router.js';
import type { WebhookAnswer } from './webhook-answers.repository.js';
import { findWebhookAnswer, recordWebhookAnswer } from './webhook-answers.repository.js';
import type { Db } from '../db/unit-of-work.js';

export class WebhookReplay {
  readonly #inFlight = new Map<string, Promise<WebhookAnswer>>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly carrier: string,
  ) {}

  /**
   * The answer to the webhook for `resourceSid`: the stored one when this SID was answered before,
   * else `route`'s, recorded together with whatever routing wrote.
   */
  async answer(
    resourceSid: string,
    route: (also: AlsoInTransaction) => Promise<Routed>,
    answerOf: (routed: Routed) => WebhookAnswer,
  ): Promise<WebhookAnswer> {
    if (resourceSid === '') return answerOf(await route(async () => {}));
    const running = this.#inFlight.get(resourceSid);
    if (running !== undefined) return running;
    const answering = this.#answerOnce(resourceSid, route, answerOf).finally(() => this.#inFlight.delete(resourceSid));
    this.#inFlight.set(resourceSid, answering);
    return answering;
  }

  async #answerOnce(
    resourceSid: string,
    route: (also: AlsoInTransaction) => Promise<Routed>,
    answerOf: (routed: Routed) => WebhookAnswer,
  ): Promise<WebhookAnswer> {
    const stored = await findWebhookAnswer(this.db, this.carrier, resourceSid);
    if (stored !== undefined) return stored;
    const record: AlsoInTransaction = (uow, routed) => {
      recordWebhookAnswer(uow, { carrier: this.carrier, resource_sid: resourceSid, ...answerOf(routed), date_created: this.clock.now() });
    };
    try {
      return answerOf(await route(record));
    } catch (err) {
      // Another node recorded this SID first (a unique violation, or on PostgreSQL whatever the
      // aborted transaction reported): its unit of work won and ours rolled back.
      const winner = await findWebhookAnswer(this.db, this.carrier, resourceSid).catch(() => undefined);
      if (winner === undefined) throw err;
      return winner;
    }
  }
}
