// How `parley import` shows its progress on a terminal (one line redrawn with a bar) and
// elsewhere (a line per step), and the report's table of counts and refusals.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { render } from '../../src/cli/import-command.js';
import { ProgressDisplay } from '../../src/cli/import-progress.js';
import { ImportReport } from '../../src/import/import-report.js';

const SERVICE = `KS${'1'.repeat(32)}`;

function stream(isTTY: boolean): { isTTY: boolean; written: string[]; write(text: string): boolean } {
  const written: string[] = [];
  return { isTTY, written, write: (text) => written.push(text) > 0 };
}

test('on a terminal: one line redrawn in place, with a bar, ended when the import is done', () => {
  const terminal = stream(true);
  const display = new ProgressDisplay(terminal);
  display.show({ serviceSid: SERVICE, stage: 'listing', done: 2000, total: null });
  display.show({ serviceSid: SERVICE, stage: 'importing', done: 1000, total: 4000 });
  display.show({ serviceSid: SERVICE, stage: 'importing', done: 4000, total: 4000 });
  display.done();
  assert.deepEqual(terminal.written, [
    `\r\x1b[K${SERVICE} listing sessions… 2000`,
    `\r\x1b[K${SERVICE} [########----------------------] 1000/4000 sessions`,
    `\r\x1b[K${SERVICE} [##############################] 4000/4000 sessions`,
    '\n',
  ]);
});

test('elsewhere: a plain line per step, no control characters', () => {
  const log = stream(false);
  const display = new ProgressDisplay(log);
  display.show({ serviceSid: SERVICE, stage: 'listing', done: 1000, total: null });
  display.show({ serviceSid: SERVICE, stage: 'importing', done: 1000, total: 1000 });
  display.done();
  assert.deepEqual(log.written, [`parley import: ${SERVICE} listed 1000 sessions\n`, `parley import: ${SERVICE} sessions 1000/1000\n`]);
});

test('the report: counts per resource and outcome, then every refusal with its reason', () => {
  const report = new ImportReport();
  report.count('sessions', 'created', 3);
  report.count('phone numbers', 'unchanged', 12);
  report.refuse('sessions', `KC${'2'.repeat(32)}`, 'a reason', { participants: 2 });
  assert.equal(
    render(report, 'title:'),
    [
      'title:',
      '                   created    updated  unchanged    refused',
      '  services               0          0          0          0',
      '  phone numbers          0          0         12          0',
      '  sessions               3          0          0          1',
      '  participants           0          0          0          2',
      '  interactions           0          0          0          0',
      'refused (1):',
      `  session KC${'2'.repeat(32)}: a reason`,
      '',
    ].join('\n'),
  );
});
