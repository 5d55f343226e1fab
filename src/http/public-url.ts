import type { FastifyRequest } from 'fastify';

// Host names and ports only: anything else in Host/X-Forwarded-Host would end up inside our URLs.
const SAFE_HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/**
 * The absolute base URL for `url`, `links` and `meta`: PARLEY_PUBLIC_URL when set, else the
 * address the client reached us at. Clients follow `next_page_url` verbatim, so it must point back
 * here, not at proxy.twilio.com. X-Forwarded-Proto/-Host count only from the peers
 * PARLEY_TRUST_PROXY trusts (Fastify's request.protocol and request.host apply that rule);
 * from anyone else they are ignored, and the Host header is used.
 */
export function publicBaseUrl(request: FastifyRequest, configured: string | null): string {
  if (configured !== null) return configured;
  const scheme = request.protocol === 'https' ? 'https' : 'http';
  const host = request.host;
  return `${scheme}://${SAFE_HOST.test(host) ? host : 'localhost'}`;
}
