/** `amr send [--dry-run]`: deliver the spool now, or show what would be sent and diagnose every endpoint. */
import type { Command } from 'commander';
import { colorFor } from '../color.js';
import { loadConfig } from '../config/load.js';
import type { Transport } from '../transport/deliver.js';
import type { Diagnosis } from '../transport/diagnose.js';

export function registerSend(program: Command): void {
  program.command('send')
    .description('Deliver spooled readings to the collector now; --dry-run shows what would be sent and diagnoses each server')
    .option('-c, --config <file>', 'config.ini to use')
    .option('-n, --dry-run', 'send nothing: show the spooled messages (secrets hidden) and test DNS, TCP, proxy, TLS, HTTP and the auxiliary channels')
    .option('--all', 'with --dry-run, print every spooled message in full (default: the first 3)')
    .action(async (opts: { config?: string; dryRun?: boolean; all?: boolean }) => {
      const config = loadConfig(opts.config, { requireFile: true });
      // The transport (TLS, HTTP, proxy agents) loads only for this command.
      const { flushSpool, openTransport, requireSendable } = await import('../transport/deliver.js');
      requireSendable(config);
      const transport = openTransport(config, { forSending: true });
      if (opts.dryRun) {
        await showSpool(transport, opts.all === true);
        const { diagnose } = await import('../transport/diagnose.js');
        const d = await diagnose(transport);
        printDiagnosis(d, transport);
        process.exitCode = d.primaryOk ? 0 : 1;
        return;
      }
      const s = await flushSpool(config, { force: true }, transport);
      const out = process.stdout;
      if (s.busy) {
        out.write(`another amr process is delivering the spool right now; ${s.remaining} message(s) waiting\n`);
        process.exitCode = 1;
        return;
      }
      out.write(`delivered ${s.delivered} message(s)${s.duplicates ? ` (${s.duplicates} already at the collector)` : ''}; ${s.remaining} left in the spool`
        + `${s.failed ? `; ${s.failed} failed` : ''}${s.deferred ? `; ${s.deferred} not tried (every channel already failed)` : ''}`
        + `${s.dropped ? `; ${s.dropped} dropped by [spool] limits` : ''}${s.quarantined ? `; ${s.quarantined} quarantined` : ''}\n`);
      if (s.lastError) out.write(`last error: ${transport.scrub(s.lastError)}\n`);
      if (s.remaining > 0) out.write('run `amr send --dry-run` to find out why, or `amr monitor` to see every attempt\n');
      process.exitCode = s.remaining > 0 && s.failed + s.deferred > 0 ? 1 : 0;
    });
}

async function showSpool(t: Transport, all: boolean): Promise<void> {
  const { encodeBody, httpHeaders } = await import('@amr/protocol');
  const { messagesUrl } = await import('../transport/http.js');
  const { resolveProxy } = await import('../transport/proxy.js');
  const out = process.stdout;
  const c = colorFor(process.stdout);
  const entries = t.spool.list();
  out.write(c.bold(`Spool ${t.spool.dir}: ${entries.length} message(s) would be sent\n`));
  if (entries.length === 0) out.write('  (empty: `amr run` or `amr read --send` spools readings)\n');
  const first = t.config.server.urls[0];
  if (first) {
    const proxy = await resolveProxy(t.config, new URL(first));
    out.write(`  POST ${messagesUrl(first)}${proxy ? ` via proxy ${proxy.display}` : ''}\n`);
  }
  entries.forEach((e, i) => {
    const body = encodeBody(e.message);
    const n = e.message.readings.length;
    out.write(`\n  ${i + 1}. ${e.message.type} ${e.message.messageId}: ${n} reading(s), ${body.length} bytes gzip (${Buffer.byteLength(JSON.stringify(e.message))} raw), created ${e.message.createdAt}\n`);
    if (!all && i >= 3) return;
    const headers = httpHeaders(t.ctx.agentId, t.ctx.key, body);
    for (const [k, v] of Object.entries(headers)) out.write(`     ${k}: ${v}\n`);
    out.write(t.scrub(JSON.stringify(e.message, null, 2)).replace(/^/gm, '     ') + '\n');
  });
  if (!all && entries.length > 4) out.write(`\n  (${entries.length - 4} more shown in summary only; --all prints them in full)\n`);
}

function printDiagnosis(d: Diagnosis, t: Transport): void {
  const out = process.stdout;
  const c = colorFor(process.stdout);
  const mark = { ok: c.green('ok  '), fail: c.red('FAIL'), warn: c.yellow('warn'), skip: c.dim('--  ') };
  out.write(c.bold('\nDiagnosis\n'));
  for (const e of d.endpoints) {
    out.write(`\n  ${c.bold(e.server)}${e.proxy ? ` via proxy ${e.proxy}` : ' (direct)'}: ${e.primaryOk ? c.green('works') : c.red('does not work')}\n`);
    out.write(`    proxy    ${t.scrub(e.proxyWhy)}\n`);
    for (const s of e.steps) out.write(`    ${mark[s.status]} ${s.name.padEnd(8)} ${t.scrub(s.detail)}\n`);
  }
  out.write(c.bold(`\nReport: the primary channel (HTTPS) ${d.primaryOk ? c.green('works') : c.red('does not work from this PC')}\n`));
  if (d.actions.length === 0) out.write('  nothing to do\n');
  for (const a of d.actions) out.write(`  - ${t.scrub(a)}\n`);
}
