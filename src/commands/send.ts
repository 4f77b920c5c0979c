/** `amr send [--dry-run]`: deliver the spool now, or show what would be sent and diagnose every endpoint. */
import type { Command } from 'commander';
import { colorFor } from '../color.js';
import { inert, inertJson } from '../inert.js';
import { loadConfig } from '../config/load.js';
import type { Transport } from '../transport/deliver.js';
import type { Diagnosis } from '../transport/diagnose.js';

export function registerSend(program: Command): void {
  program.command('send')
    .description('Deliver spooled readings to the collector now; --dry-run shows what would be sent and diagnoses each server')
    .option('-c, --config <file>', 'config.ini to use')
    .option('-n, --dry-run', 'send nothing: test DNS, TCP, proxy, TLS, HTTP and the auxiliary channels, then summarise what waits in the spool')
    .option('--all', 'with --dry-run, also print every spooled message in full (secrets hidden)')
    .action(async (opts: { config?: string; dryRun?: boolean; all?: boolean }) => {
      const config = loadConfig(opts.config, { requireFile: true });
      // The transport (TLS, HTTP, proxy agents) loads only for this command.
      const { flushSpool, openTransport, requireSendable } = await import('../transport/deliver.js');
      requireSendable(config);
      const transport = openTransport(config, { forSending: true });
      if (opts.dryRun) {
        // For the customer's IT first: does the connection work, and what to change; then what waits.
        const { diagnose } = await import('../transport/diagnose.js');
        const d = await diagnose(transport);
        printDiagnosis(d, transport);
        await showSpool(transport, opts.all === true);
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
      if (s.refusal) out.write(`the collector refuses this agent's messages; they stay spooled: ${inert(transport.scrub(s.refusal))}\n`);
      if (s.quarantined) out.write(`${s.quarantined} reading(s) refused by the collector as invalid, kept in ${transport.spool.quarantineDir}\n`);
      if (s.lastError) out.write(`last error: ${inert(transport.scrub(s.lastError))}\n`);
      if (s.remaining > 0) out.write('run `amr send --dry-run` to find out why, or `amr monitor` to see every attempt\n');
      process.exitCode = (s.remaining > 0 && s.failed + s.deferred > 0) || s.quarantined > 0 ? 1 : 0;
    });
}

async function showSpool(t: Transport, all: boolean): Promise<void> {
  const { encodeBody, httpHeaders } = await import('@amr/protocol');
  const { messagesUrl } = await import('../transport/http.js');
  const { resolveProxy } = await import('../transport/proxy.js');
  const out = process.stdout;
  const c = colorFor(process.stdout);
  const entries = t.spool.list();
  const quarantined = t.spool.quarantined();
  out.write(c.bold(`\nSpool ${t.spool.dir}: ${entries.length} message(s) would be sent\n`));
  if (entries.length === 0) out.write('  (empty: `amr run` reads the printers and spools what changed)\n');
  const first = t.config.server.urls[0];
  if (first && entries.length) {
    const proxy = await resolveProxy(t.config, new URL(first));
    out.write(`  POST ${messagesUrl(first)}${proxy ? ` via proxy ${proxy.display}` : ''}\n`);
  }
  const byType = new Map<string, { n: number; readings: number; bytes: number; oldest: string }>();
  for (const e of entries) {
    const k = byType.get(e.message.type) ?? { n: 0, readings: 0, bytes: 0, oldest: e.message.createdAt };
    k.n++;
    k.readings += e.message.readings.length;
    k.bytes += e.bytes;
    if (e.message.createdAt < k.oldest) k.oldest = e.message.createdAt;
    byType.set(e.message.type, k);
  }
  for (const [type, k] of byType) out.write(`  ${type}: ${k.n} message(s), ${k.readings} reading(s), ${k.bytes} bytes, oldest ${k.oldest}\n`);
  if (quarantined.length) {
    out.write(c.red(`  ${quarantined.length} message(s) in quarantine (${t.spool.quarantineDir}): refused by the collector as invalid or unreadable; \`amr monitor --result quarantined\` shows why\n`));
  }
  if (!all) {
    if (entries.length) out.write('  (`amr send --dry-run --all` prints every message in full, secrets hidden)\n');
    return;
  }
  entries.forEach((e, i) => {
    const body = encodeBody(e.message);
    out.write(`\n  ${i + 1}. ${e.message.type} ${e.message.messageId}: ${e.message.readings.length} reading(s), ${body.length} bytes gzip (${e.bytes} raw), created ${e.message.createdAt}\n`);
    const headers = httpHeaders(t.ctx.agentId, t.ctx.key, body);
    for (const [k, v] of Object.entries(headers)) out.write(`     ${k}: ${k === 'x-amr-signature' ? 'v1=(hidden)' : v}\n`);
    out.write(inertJson(t.scrub(JSON.stringify(e.message, null, 2))).replace(/^/gm, '     ') + '\n');
  });
}

function printDiagnosis(d: Diagnosis, t: Transport): void {
  const out = process.stdout;
  const c = colorFor(process.stdout);
  const mark = { ok: c.green('ok  '), fail: c.red('FAIL'), warn: c.yellow('warn'), skip: c.dim('--  ') };
  const primary = t.config.server.urls.every((u) => u.startsWith('https:')) ? 'HTTPS' : t.config.server.urls.every((u) => u.startsWith('http:')) ? 'plain HTTP, not encrypted' : 'HTTP(S)';
  out.write(c.bold(`Report: the primary channel (${primary}) ${d.primaryOk ? c.green('works') : c.red('does not work from this PC')}\n`));
  if (d.actions.length === 0) out.write('  nothing to do\n');
  for (const a of d.actions) out.write(`  - ${inert(t.scrub(a))}\n`);
  out.write(c.bold('\nDiagnosis\n'));
  for (const e of d.endpoints) {
    out.write(`\n  ${c.bold(e.server)}${e.proxy ? ` via proxy ${e.proxy}` : ' (direct)'}: ${e.primaryOk ? c.green('works') : c.red('does not work')}\n`);
    out.write(`    proxy    ${inert(t.scrub(e.proxyWhy))}\n`);
    for (const s of e.steps) out.write(`    ${mark[s.status]} ${s.name.padEnd(8)} ${inert(t.scrub(s.detail))}\n`);
  }
}
