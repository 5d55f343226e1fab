// Telnyx's status words, in the Interaction's. A message's is its recipient's `to[].status`
// (in the send's answer, message.sent and message.finalized): queued, sending, sent and delivered
// are the Interaction's own words; sending_failed is a send that never left (failed),
// delivery_failed one the far end refused (undelivered), delivery_unconfirmed one no receipt came
// back for (delivery-unknown). TeXML reports a call's CallStatus in Twilio's words, which are the
// Interaction's. Anything new is unknown. Sources: telnyx-node src/resources/messages/messages.ts
// (the `status` union of a message's recipients), TeXML's callbacks reference.

import { legStatus } from '../leg-status.js';

const MESSAGE_WORDS: Readonly<Record<string, string>> = {
  sending_failed: 'failed',
  delivery_failed: 'undelivered',
  delivery_unconfirmed: 'delivery-unknown',
};

export function messageStatus(word: string | undefined): string {
  return legStatus(word, MESSAGE_WORDS);
}

export function callStatus(word: string | undefined): string {
  return legStatus(word);
}
