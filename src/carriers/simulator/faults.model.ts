// Faults on demand: which outbound legs can be made to fail, and how.

export const FAULT_CHANNELS = ['message', 'voice'] as const;
export type FaultChannel = (typeof FAULT_CHANNELS)[number];

/** How a message can fail (with a carrier error code) and how a call can end unanswered. */
export const MESSAGE_FAULTS = ['undelivered', 'failed'] as const;
export const CALL_FAULTS = ['busy', 'no-answer', 'failed'] as const;
export const FAULT_OUTCOMES = ['undelivered', 'failed', 'busy', 'no-answer'] as const;
export type FaultOutcome = (typeof FAULT_OUTCOMES)[number];

/** Twilio's "unreachable destination handset", the usual undelivered message. */
export const DEFAULT_MESSAGE_ERROR = 30003;
/** One request makes at most this many deliveries fail. */
export const MAX_FAULT_COUNT = 1000;
