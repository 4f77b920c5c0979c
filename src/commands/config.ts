/** `amr config show|check|sample|write`: inspect config.ini with secrets redacted. */
import type { Command } from 'commander';
import { loadConfig, resolveConfigPath } from '../config/load.js';
import { configJson, configView } from '../config/redact.js';
import { sampleConfig } from '../config/sample.js';
import { registerConfigWrite } from './config-write.js';

export function registerConfig(program: Command): void {
  const config = program.command('config').description('Show, check or create config.ini');
  config.command('show')
    .description('Print the effective configuration (defaults filled in, secrets hidden)')
    .option('-c, --config <file>', 'config.ini to use')
    .option('--json', 'print as JSON')
    .action((opts: { config?: string; json?: boolean }) => {
      const cfg = loadConfig(opts.config);
      if (opts.json) {
        process.stdout.write(JSON.stringify({ file: cfg.file, ...configJson(cfg) }, null, 2) + '\n');
        return;
      }
      const view = configView(cfg);
      process.stdout.write(`; effective configuration from ${cfg.file ?? 'built-in defaults (no config.ini found)'}\n`);
      for (const s of view) {
        process.stdout.write(`\n[${s.section}]\n`);
        for (const [k, v] of s.entries) process.stdout.write(`${k} = ${v}\n`);
      }
    });
  config.command('check')
    .description('Validate config.ini; exit 0 when it is good, 2 with the problem otherwise')
    .option('-c, --config <file>', 'config.ini to check')
    .action(async (opts: { config?: string }) => {
      const path = resolveConfigPath(opts.config);
      const cfg = loadConfig(opts.config, { requireFile: true });
      process.stdout.write(`${cfg.file ?? path}: OK\n`);
      // Who else can read the secrets (file modes; on Windows the ACL through icacls).
      const { accessWarnings } = await import('../platform/access-check.js');
      for (const w of await accessWarnings({ configPath: cfg.file ?? String(path), dataDir: cfg.agent.data_dir, account: cfg.schedule.run_as })) process.stdout.write(`warning: ${w}\n`);
    });
  config.command('sample')
    .description('Print a documented sample config.ini with every key and its default')
    .action(() => { process.stdout.write(sampleConfig()); });
  registerConfigWrite(config);
}
