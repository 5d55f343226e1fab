// The little TwiML the simulator understands in an out-of-session answer: <Message> replies and a
// <Dial> to a number. Anything else is accepted and ignored (a simulator has no one to <Say> to).

export interface TwimlActions {
  messages: string[];
  dial: { number: string; callerId: string | null } | null;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function text(xml: string): string {
  return xml
    .replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/&(amp|lt|gt|quot|apos);/g, (_, name: string) => ENTITIES[name]!)
    .trim();
}

export function readTwiml(xml: string): TwimlActions {
  const messages = [...xml.matchAll(/<Message\b[^>]*>([\s\S]*?)<\/Message>/g)].map((m) => text(m[1]!));
  const dial = /<Dial\b([^>]*)>([\s\S]*?)<\/Dial>/.exec(xml);
  if (dial === null) return { messages, dial: null };
  const number = /<Number\b[^>]*>([\s\S]*?)<\/Number>/.exec(dial[2]!);
  const callerId = /\bcallerId\s*=\s*"([^"]*)"/.exec(dial[1]!);
  return { messages, dial: { number: text(number ? number[1]! : dial[2]!), callerId: callerId ? text(callerId[1]!) : null } };
}
