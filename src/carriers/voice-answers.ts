// How a carrier's voice webhook is answered. Twilio reads TwiML and Telnyx reads TeXML, which
// takes the same markup for what Parley says: a <Dial> that bridges the call to the partner with
// the partner's proxy number as callerId, its <Number> leg reporting its progress to a status URL;
// <Reject/> for a call nobody may take; or the out-of-session callback's own answer, as it is.

import type { Routed } from '../routing/router.js';
import type { WebhookAnswer } from './webhook-answers.repository.js';

export const xmlAnswer = (xml: string): WebhookAnswer => ({ content_type: 'text/xml; charset=utf-8', answer: xml });

export const EMPTY_RESPONSE = xmlAnswer('<?xml version="1.0" encoding="UTF-8"?><Response></Response>');
const REJECT = xmlAnswer('<?xml version="1.0" encoding="UTF-8"?><Response><Reject/></Response>');

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** The answer to a routed call; `statusUrl` is where the bridged leg of the interaction reports. */
export function bridgeAnswer(routed: Routed, statusUrl: (interactionSid: string) => string): WebhookAnswer {
  if (routed.bridge === null || routed.interaction === null)
    return routed.outOfSession?.twiml ? xmlAnswer(routed.outOfSession.twiml) : REJECT;
  return xmlAnswer(
    '<?xml version="1.0" encoding="UTF-8"?><Response>' +
      `<Dial callerId="${escapeXml(routed.bridge.from)}">` +
      `<Number statusCallback="${escapeXml(statusUrl(routed.interaction.sid))}" statusCallbackEvent="initiated ringing answered completed">${escapeXml(routed.bridge.to)}</Number>` +
      '</Dial></Response>',
  );
}
