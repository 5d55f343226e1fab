// The two ways an import goes wrong. A SourceError stops it: the source cannot be read (credentials,
// an answer that is not the API's, a failure that outlasted the retries). An Unmappable record is
// refused on its own and the import goes on.

/** The source cannot be read: the import stops (what was committed before stays). */
export class SourceError extends Error {
  override name = 'SourceError';
}

/** The source answered 404 for a list under a record (deleted at the source since it was listed). */
export class GoneError extends SourceError {
  override name = 'GoneError';
}

/** A record Parley cannot hold as it is; `message` says why, for the refusal report. */
export class Unmappable extends Error {
  override name = 'Unmappable';
}
