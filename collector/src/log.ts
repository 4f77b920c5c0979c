/** One line per event. Values from the network are cleaned so nobody can forge log lines. */
export type LogLevel = 'info' | 'warn' | 'error';
export type Logger = (level: LogLevel, line: string) => void;

export const stderrLogger: Logger = (level, line) => {
  process.stderr.write(`${new Date().toISOString()} ${level.toUpperCase()} ${line}\n`);
};

export const silentLogger: Logger = () => undefined;

/** Untrusted text for a log line: printable, short, quoted. */
export function q(v: unknown): string {
  const s = String(v ?? '').replace(/[^\x20-\x7e]/g, '?').slice(0, 80);
  return JSON.stringify(s);
}
