// The app's log, kept for the test to read back: pass `stream` as AppOptions.logStream (or to
// startTestApp's options) and read what pino wrote. pino writes one JSON line per call, at once.

export interface LogCollector {
  /** What AppOptions.logStream takes. */
  readonly stream: { write(chunk: string | Buffer): void };
  /** Everything written, as written. */
  text(): string;
  /** The JSON lines as written. */
  lines(): string[];
  /** The JSON lines, parsed. */
  entries(): Array<Record<string, any>>;
}

export function logCollector(): LogCollector {
  let text = '';
  return {
    stream: {
      write: (chunk) => {
        text += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
      },
    },
    text: () => text,
    lines: () => text.split('\n').filter((line) => line !== ''),
    entries: () =>
      text
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, any>),
  };
}
