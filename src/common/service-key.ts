/**
 * Which service a request is about, within which account: every query under a service is scoped by
 * both, so another account's SIDs are never found.
 */
export interface ServiceKey {
  accountSid: string;
  serviceSid: string;
}
