// How `parley import` shows where it is, on stderr (stdout is the report): on a terminal one line
// redrawn in place with a bar; elsewhere (a CI log, a file) a plain line per page, so the log says
// how far it got without control characters.

import type { ImportProgress } from '../import/import-context.js';

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

const BAR_WIDTH = 30;

export class ProgressDisplay {
  #open = false;

  constructor(private readonly stream: ProgressStream) {}

  show(event: ImportProgress): void {
    if (!this.stream.isTTY) {
      const what = event.stage === 'listing' ? `listed ${event.done} sessions` : `sessions ${event.done}/${event.total}`;
      this.stream.write(`parley import: ${event.serviceSid} ${what}\n`);
      return;
    }
    this.#open = true;
    this.stream.write(`\r\x1b[K${event.serviceSid} ${event.stage === 'listing' ? `listing sessions… ${event.done}` : bar(event)}`);
  }

  /** Ends the line being redrawn, so what follows starts on a line of its own. */
  done(): void {
    if (this.#open) this.stream.write('\n');
    this.#open = false;
  }
}

function bar({ done, total }: ImportProgress): string {
  const share = total === null || total === 0 ? 1 : Math.min(1, done / total);
  const filled = Math.round(share * BAR_WIDTH);
  return `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${done}/${total ?? '?'} sessions`;
}
