// What a pool number can carry.

export const CAPABILITIES = ['voice', 'sms', 'mms', 'fax'] as const;

export type Capability = (typeof CAPABILITIES)[number];
