// A URL as logs and stored errors may show it: its user info (`user:password@`, the receiver's
// Basic credentials) replaced by `***`. Everything Parley logs or records about an outgoing call
// names the URL this way.

export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Unparseable, so never sent; still redacted: user info ends at the authority's last @.
    return url.replace(/^([a-z][a-z0-9+.-]*:[/\\]*)[^/?#\\]*@/i, '$1***@');
  }
  if (parsed.username === '' && parsed.password === '') return url;
  // Judged as the WHATWG parser reads it (the way the request is made), whatever the spelling.
  return `${parsed.protocol}//***@${parsed.host}${parsed.pathname}${parsed.search}${parsed.hash}`;
}
