// A page of a list, as the domain and the database see it: how many rows, and from where (the
// keyset token a previous page handed out, or an offset). Parsing it from PageSize/Page/PageToken
// and rendering Twilio's `meta` is the HTTP edge's business (http/paging.ts).

/** The sort key of a row: creation time, then SID to break ties. */
export type PageKey = readonly [dateCreated: number, sid: string];

export interface PageToken {
  readonly direction: 'after' | 'before';
  readonly key: PageKey;
  readonly raw: string;
}

export interface PageRequest {
  readonly pageSize: number;
  readonly page: number;
  readonly token: PageToken | null;
}

/** How many rows a page request skips before its first row (offset paging, no token). */
export function offsetOf(request: PageRequest): number {
  return request.token === null ? request.page * request.pageSize : 0;
}
