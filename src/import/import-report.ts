// What an import did, or would do (--dry-run): per resource, how many records it created, updated,
// left unchanged or refused, and why each refusal. A page's report is merged into the run's only
// once its unit of work committed, so a page that is retried is never counted twice.

export const IMPORTED = ['services', 'phone numbers', 'sessions', 'participants', 'interactions'] as const;
export type Imported = (typeof IMPORTED)[number];

export const OUTCOMES = ['created', 'updated', 'unchanged', 'refused'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export interface Refused {
  resource: Imported;
  sid: string;
  reason: string;
}

export class ImportReport {
  readonly counts = Object.fromEntries(
    IMPORTED.map((resource) => [resource, Object.fromEntries(OUTCOMES.map((outcome) => [outcome, 0]))]),
  ) as Record<Imported, Record<Outcome, number>>;
  readonly refusals: Refused[] = [];

  count(resource: Imported, outcome: Outcome, n = 1): void {
    this.counts[resource][outcome] += n;
  }

  /** A refused record; `dependents` are the records refused with it (a session's participants). */
  refuse(resource: Imported, sid: string, reason: string, dependents: Partial<Record<Imported, number>> = {}): void {
    this.refusals.push({ resource, sid, reason });
    this.count(resource, 'refused');
    for (const [other, n] of Object.entries(dependents)) this.count(other as Imported, 'refused', n);
  }

  merge(other: ImportReport): void {
    for (const resource of IMPORTED) for (const outcome of OUTCOMES) this.count(resource, outcome, other.counts[resource][outcome]);
    this.refusals.push(...other.refusals);
  }

  get refusedAny(): boolean {
    return this.refusals.length > 0;
  }
}

/** created, updated or unchanged: what writing `next` over `existing` (undefined: none) does. */
export function outcomeOf<T extends object>(next: T, existing: T | undefined, columns: ReadonlyArray<keyof T>): Outcome {
  if (existing === undefined) return 'created';
  return columns.every((column) => next[column] === existing[column]) ? 'unchanged' : 'updated';
}
