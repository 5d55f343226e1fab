// What the domain reports to GET /metrics, as one small object handed in by components.ts: the
// number pool's refusals, routed traffic, outbox deliveries. With metrics off it is NO_METRICS,
// whose calls do nothing, so instrumented code pays one empty call. Arguments are never phone
// numbers or session, participant or interaction SIDs: only bounded words, codes and (used as a
// label only with PARLEY_METRICS_PER_SERVICE=true) the service SID.

/** What became of routed traffic: forwarded, or why not (from the interaction's error code). */
export type RouteOutcome = 'forwarded' | 'blocked' | 'opt_out' | 'no_partner' | 'wrong_mode' | 'refused' | 'out_of_session';

export type DeliveryOutcome = 'delivered' | 'retried' | 'failed';

export interface Metrics {
  /** Number selection found no number (80206, 80207, 80208). */
  selectionRefused(code: number, serviceSid: string): void;
  /** Inbound traffic was routed (`message` or `voice`); serviceSid null when no session took it. */
  interactionRouted(type: string, outcome: RouteOutcome, serviceSid: string | null): void;
  /** An outbox job's attempt was recorded (`kind`: callback, twilio-message, …). */
  delivery(kind: string, outcome: DeliveryOutcome): void;
}

export const NO_METRICS: Metrics = {
  selectionRefused: () => {},
  interactionRouted: () => {},
  delivery: () => {},
};

const OUTCOME_BY_CODE: Record<number, RouteOutcome> = {
  80909: 'blocked',
  80901: 'opt_out',
  80614: 'no_partner',
  80910: 'wrong_mode',
  80911: 'wrong_mode',
};

/** An interaction's error code (null: it went through) as a route outcome. */
export function routeOutcome(errorCode: number | null): RouteOutcome {
  return errorCode === null ? 'forwarded' : (OUTCOME_BY_CODE[errorCode] ?? 'refused');
}

/** The number-selection refusals counted (the pool is exhausted or does not fit, not misconfigured). */
export const SELECTION_REFUSALS: ReadonlySet<number> = new Set([80206, 80207, 80208]);
