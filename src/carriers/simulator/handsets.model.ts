// How a simulated call can end.

export const CALL_ENDINGS = ['completed', 'busy', 'no-answer', 'failed'] as const;

export type CallEnding = (typeof CALL_ENDINGS)[number];
