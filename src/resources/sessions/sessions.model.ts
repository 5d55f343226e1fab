// A session's statuses and modes.

export const SESSION_STATUSES = ['open', 'in-progress', 'closed', 'failed', 'unknown'] as const;

export const SESSION_MODES = ['message-only', 'voice-only', 'voice-and-message'] as const;

export type SessionStatus = (typeof SESSION_STATUSES)[number];

export type SessionMode = (typeof SESSION_MODES)[number];

/** Sessions in these states hold their proxy numbers and can expire. */
export const ACTIVE_STATUSES: readonly SessionStatus[] = ['open', 'in-progress'];
