import type { FastifyRequest } from 'fastify';

// Host names and ports only: anything else in Host/X-Forwarded-Host would end up inside our URLs.
const SAFE_HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/**
 * The absolute base URL the client reached us at, for `url`, `links` and `meta`.
 * Clients follow `next_page_url` verbatim, so it must point back here, not at proxy.twilio.com.
 */
export function publicBaseUrl(request: FastifyRequest, configured: string | null): string {
  if (configured !== null) return configured;
  const proto = firstValue(request.headers['x-forwarded-proto']) ?? request.protocol;
  const host = firstValue(request.headers['x-forwarded-host']) ?? request.headers.host;
  const scheme = proto === 'https' ? 'https' : 'http';
  return `${scheme}://${host !== undefined && SAFE_HOST.test(host) ? host : 'localhost'}`;
}

function firstValue(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  return value?.split(',')[0]?.trim() || undefined;
}
