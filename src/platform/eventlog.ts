/**
 * Each `amr run` outcome in the Windows Event Log (Application log, source "amr"),
 * written with eventcreate by full path, so a technician finds it in Event Viewer
 * next to the PC's other problems. The source is registered once by install-task (as
 * administrator); the task's account then only writes events. Off Windows: nothing.
 */
import type { Config } from '../config/types.js';
import { systemTool } from './system-tools.js';

type Env = Record<string, string | undefined>;

export const EVENT_SOURCE = 'amr';

export type EventType = 'INFORMATION' | 'WARNING' | 'ERROR';

/** Event ID 100 + amr's exit status, so the ID says the outcome; 1 = installed. */
export const EVENTS: Record<string, { id: number; type: EventType; title: string }> = {
  ok: { id: 100, type: 'INFORMATION', title: 'amr run finished' },
  refused: { id: 102, type: 'ERROR', title: 'amr run: the collector refused this agent (fix config.ini)' },
  unreachable: { id: 103, type: 'WARNING', title: 'amr run: some printers could not be read' },
  undelivered: { id: 104, type: 'ERROR', title: 'amr run: readings could not be delivered (kept for the next run)' },
  busy: { id: 105, type: 'WARNING', title: 'amr run: another run was still in progress' },
  failed: { id: 170, type: 'ERROR', title: 'amr run failed' },
};

export interface RunOutcome {
  exitCode: number;
  outcome: string;
  devices: number;
  read: number;
  unreachable: string[];
  messages: number;
  delivered: number | null;
  notes: string[];
}

/** eventcreate argv for one run (pure). `scrub` removes secrets from notes. */
export function runEventCommand(r: RunOutcome, scrub: (t: string) => string = (t) => t, env: Env = process.env): string[] {
  const failed = r.notes.some((n) => n.startsWith('run failed'));
  const ev = failed ? EVENTS.failed! : EVENTS[r.outcome] ?? { id: 100 + Math.min(Math.max(r.exitCode, 0), 99), type: 'ERROR' as const, title: `amr run: ${r.outcome}` };
  const lines = [
    `${ev.title} (exit ${r.exitCode}).`,
    `Read ${r.read} of ${r.devices} printer(s)${r.unreachable.length ? `; unreachable: ${r.unreachable.join(', ')}` : ''}.`,
    `Messages: ${r.messages} new${r.delivered !== null ? `, ${r.delivered} delivered` : ''}.`,
    ...r.notes.map(scrub),
    'Details: amr status, amr monitor, and the run log in the data folder.',
  ];
  // eventcreate takes one argument; keep it short and free of quotes that would end it.
  const text = lines.join(' ').replace(/["\r\n]+/g, ' ').replace(/ {2,}/g, ' ').slice(0, 1000);
  return eventCommand(ev.type, ev.id, text, env);
}

export function eventCommand(type: EventType, id: number, description: string, env: Env = process.env): string[] {
  return [systemTool('eventcreate', env), '/L', 'APPLICATION', '/SO', EVENT_SOURCE, '/T', type, '/ID', String(id), '/D', description];
}

/** Run once as administrator: creates the "amr" source, so the task's account can write to it. */
export function registerSourceCommand(env: Env = process.env): string[] {
  return eventCommand('INFORMATION', 1, 'amr scheduled task installed: each run is logged here under source amr (IDs 100-170).', env);
}

/**
 * The run's hook (src/schedule/run.ts): on Windows, write the event; never throws and
 * never fails the run (a missing source only loses the event; the run log has it too).
 */
export function logRunToEventLog(_config: Config, r: RunOutcome, scrub: (t: string) => string): void {
  if (process.platform !== 'win32') return;
  void (async () => {
    try {
      const { runCommand } = await import('./spawn.js');
      await runCommand(runEventCommand(r, scrub));
    } catch { /* the event is lost, the run log keeps the outcome */ }
  })();
}
