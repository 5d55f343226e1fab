import { cpus, totalmem } from 'node:os';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Measurement } from './load.js';

export interface LossCheck {
  accepted: number;
  inbound: number;
  interactions: number;
  deliveries: number;
}

export interface Row extends Measurement {
  engine: string;
  workload: string;
  /** autocannon's connections; a ratio compares figures measured at the same count. */
  connections: number;
  /** Parley's requests/s over the reference's (the raw server, or the 1,000-session figure). */
  ratio: number | null;
  ratioOf?: string;
}

/** The cores, the CPU, the memory and Node's version. */
export function machineDescription(): string {
  return `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

export function renderReport(
  rows: Row[],
  memory: Record<string, number>,
  setup: { durationSeconds: number; connections: number[] },
  lossCheck: Record<string, LossCheck> = {},
): string {
  const machine = machineDescription();
  const lines = [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${machine}; autocannon, ${setup.connections.join(' and ')} connections (column "conns"), ${setup.durationSeconds} s per row, server and load generator in separate processes on the loopback.`,
    '',
    '| server | workload | conns | requests/s | p50 ms | p99 ms | ratio | errors |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.engine} | ${r.workload} | ${r.connections} | ${r.requestsPerSecond} | ${r.p50} | ${r.p99} | ${r.ratio === null ? '' : `${Math.round(r.ratio * 100)}% of ${r.ratioOf ?? 'raw'}`} | ${r.errors + r.non2xx} |`,
    ),
    '',
    `Peak server memory (RSS): ${Object.entries(memory)
      .map(([k, v]) => `${k}: ${v} MB`)
      .join('; ')}.`,
    ...Object.entries(lossCheck).map(([engine, c]) => {
      // Requests still in flight when the measurement window closed complete afterwards: at most one per connection.
      const intact =
        c.inbound === c.interactions &&
        c.interactions === c.deliveries &&
        c.inbound >= c.accepted &&
        c.inbound - c.accepted <= Math.max(...setup.connections);
      return `Inbound routing on ${engine}: ${c.accepted} messages answered 2xx in the window, ${c.inbound} taken in all, ${c.interactions} interactions, ${c.deliveries} deliveries: ${intact ? 'exactly one interaction and one delivery each' : 'MISMATCH'}.`;
    }),
  ];
  return lines.join('\n');
}

export function updateReadme(report: string): void {
  replaceSection('README.md', 'bench', report);
}

/**
 * Puts `content` between the file's `<!-- name:start -->` and `<!-- name:end -->` markers, leaving
 * the rest of it as it was; a file that does not exist yet is created holding the section alone.
 */
export function replaceSection(path: string, name: string, content: string): void {
  const section = `<!-- ${name}:start -->\n${content}\n<!-- ${name}:end -->`;
  if (!existsSync(path)) return writeFileSync(path, section + '\n');
  const text = readFileSync(path, 'utf8');
  const markers = new RegExp(`<!-- ${name}:start -->[\\s\\S]*<!-- ${name}:end -->`);
  writeFileSync(path, markers.test(text) ? text.replace(markers, () => section) : `${text.trimEnd()}\n\n${section}\n`);
}
