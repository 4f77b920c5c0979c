// Smoke test of the Windows build under Debian's Wine, all on loopback (run by
// scripts/test-windows.sh after `npm run build:windows`): a fresh WINEPREFIX set to
// Windows 10; simulated printers (amr simulate, real UDP); the dealer's collector
// (collector/ package, SQLite, HTTP on 127.0.0.1). Each step prints one line; any
// failure stops with exit 1. The exe's stdout goes to files: under Wine a pipe gives EBADF.
import { spawn } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OUT = join(ROOT, 'dist', 'windows');
const EXE = join(OUT, 'amr.exe');
const MSI = join(OUT, 'amr.msi');
const SETUP = join(OUT, 'amr-setup.exe');
const VERSION = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
const PORT = 161; // the default SNMP port, so the installers need no [snmp] port (the tests run as root, as CI does)
const BASE = '127.0.41';
const PRINTERS = ['brother', 'canonprinter_lbp', 'epson', 'jetdirect'];

const work = mkdtempSync(join(tmpdir(), 'amr-windows-'));
// snmpsimd drops to nobody when started as root: it must pass through this folder (0711:
// it can reach its own subfolder, nobody can list what is here).
chmodSync(work, 0o711);
const prefix = join(work, 'prefix');
const env = { ...process.env, WINEPREFIX: prefix, WINEDEBUG: '-all', WINEDLLOVERRIDES: 'mscoree,mshtml=', NO_COLOR: '1' };
delete env.AMR_CONFIG; delete env.AMR_DATA_DIR;
const drive = (p) => join(prefix, 'drive_c', ...p.replace(/^C:\\/i, '').split('\\'));
const winPath = (linux) => `Z:${linux.replaceAll('/', '\\')}`;
let failures = 0;
let step = 0;
const cleanup = [];

function ok(cond, what, detail = '') {
  step++;
  if (cond) console.log(`ok ${step} - ${what}`);
  else { failures++; console.log(`not ok ${step} - ${what}${detail ? `\n  ${detail.replaceAll('\n', '\n  ')}` : ''}`); }
  return cond;
}

/** Run a program with stdout and stderr in files; resolves { code, stdout, stderr }. */
function run(cmd, args, { timeout = 120_000, cwd = work, name = 'cmd' } = {}) {
  const outFile = join(work, `${name}-${step}-${Date.now()}.out`);
  const errFile = `${outFile}.err`;
  const out = openSync(outFile, 'w');
  const err = openSync(errFile, 'w');
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env, cwd, stdio: ['ignore', out, err] });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      closeSync(out); closeSync(err);
      resolve({ code: code ?? (signal ? 128 : 1), stdout: readFileSync(outFile, 'utf8'), stderr: readFileSync(errFile, 'utf8') });
    });
  });
}
const wine = (args, opts) => run('wine', args, { name: 'wine', ...opts });
const exe = (args, opts) => wine([EXE, ...args], opts);
const native = (args, opts) => run(process.execPath, [join(ROOT, 'bin', 'amr.js'), ...args], { name: 'native', ...opts });

/**
 * A task as registered: Wine's schtasks keeps it in C:\windows\system32\tasks\NAME (but
 * stores the Exec action empty), so the command comes from the definition install-task gave
 * schtasks, DATADIR\amr-task.xml (UTF-16 with BOM).
 */
function registeredTask(name, dataDir = 'C:\\DriverPrinter') {
  if (!existsSync(join(prefix, 'drive_c', 'windows', 'system32', 'tasks', name))) return null;
  const file = drive(`${dataDir}\\${name}-task.xml`);
  if (!existsSync(file)) return { command: null, arguments: null, text: '(no task definition)' };
  const raw = readFileSync(file);
  const text = raw[0] === 0xff && raw[1] === 0xfe ? raw.subarray(2).toString('utf16le') : raw.toString('utf8');
  const tag = (t) => text.match(new RegExp(`<${t}>([^<]*)</${t}>`))?.[1]?.replaceAll('&quot;', '"').replaceAll('&amp;', '&');
  return { command: tag('Command')?.replace(/^"(.*)"$/, '$1'), arguments: tag('Arguments'), text };
}

/** Split a Windows command line's arguments (quotes group; enough for the task's own). */
const splitArgs = (s) => [...s.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]);

async function main() {
  for (const f of [EXE, MSI, SETUP]) if (!existsSync(f)) throw new Error(`${f} is missing: run npm run build:windows first`);

  // A fresh prefix at Windows 10 (at Wine's default version Node exits 216).
  let r = await run('wineboot', ['-i'], { timeout: 300_000, name: 'wineboot' });
  ok(r.code === 0, 'fresh WINEPREFIX created', r.stderr);
  r = await wine(['reg', 'add', 'HKCU\\Software\\Wine', '/v', 'Version', '/d', 'win10', '/f']);
  ok(r.code === 0, 'Wine set to Windows 10', r.stderr);

  // Printers and the collector on loopback.
  const sim = spawn(process.execPath, [join(ROOT, 'bin', 'amr.js'), 'simulate',
    ...PRINTERS.map((p) => join(ROOT, 'test', 'fixtures', 'devices', 'printers', `${p}.snmprec`)), '--base', BASE, '--port', String(PORT)],
  { stdio: ['ignore', 'pipe', 'inherit'] });
  cleanup.push(() => sim.kill());
  await new Promise((resolve) => {
    let text = '';
    sim.stdout.on('data', (d) => { text += d; if (text.split('\n').filter((l) => l.includes(`:${PORT}`)).length >= PRINTERS.length) resolve(); });
  });
  const { startCollector, fleet } = await import(join(ROOT, 'collector', 'dist', 'index.js'));
  const collector = await startCollector({ db: `sqlite:${join(work, 'collector.db')}`, port: 0, host: '127.0.0.1', log: false });
  cleanup.push(() => collector.stop());
  const hosts = PRINTERS.map((_, i) => `${BASE}.${i + 1}`);

  // 1. --version
  r = await exe(['--version']);
  ok(r.code === 0 && r.stdout.trim() === VERSION, `amr.exe --version prints ${VERSION}`, `${r.code} ${r.stdout} ${r.stderr}`);

  // 2. read: the same output as the native agent, summary and JSON (readAt aside).
  const readArgs = ['read', ...hosts, '--port', String(PORT), '--timeout', '1s', '--retries', '1'];
  const [w, n] = [await exe(readArgs), await native(readArgs)];
  ok(w.code === n.code && w.stdout === n.stdout && w.stdout.includes('Brother'), `amr.exe read of ${hosts.length} simulated printers equals native amr read`,
    `exe ${w.code}: ${w.stdout.slice(0, 400)} ${w.stderr}\nnative ${n.code}: ${n.stdout.slice(0, 400)}`);
  const norm = (t) => JSON.stringify(JSON.parse(t).map(({ readAt: _r, ...x }) => x));
  const [wj, nj] = [await exe([...readArgs, '--json']), await native([...readArgs, '--json'])];
  let same = false;
  try { same = norm(wj.stdout) === norm(nj.stdout); } catch { /* reported below */ }
  ok(same, 'amr.exe read --json equals native (readAt aside)', `${wj.stderr}${wj.stdout.slice(0, 300)}`);

  // 2b. SNMPv3 md5/DES through Debian's snmpsim (an agent that is not ours): DES privacy
  // works in the exe without OpenSSL's legacy provider (src/platform/legacy-des.ts).
  const desHost = `${BASE}.60`;
  const desPort = 16172;
  const simState = join(work, 'snmpsim');
  for (const d of ['data', 'cache']) mkdirSync(join(simState, d), { recursive: true });
  cpSync(join(ROOT, 'test', 'fixtures', 'devices', 'printers', 'brother.snmprec'), join(simState, 'data', 'public.snmprec'));
  await run('chmod', ['-R', 'a+rwX', simState], { name: 'chmod' });
  const snmpsim = spawn('snmpsimd', [`--data-dir=${join(simState, 'data')}`, `--cache-dir=${join(simState, 'cache')}`,
    `--agent-udpv4-endpoint=${desHost}:${desPort}`, '--v3-user=olddes', '--v3-auth-proto=MD5', '--v3-auth-key=authpass1',
    '--v3-priv-proto=DES', '--v3-priv-key=privpass1', `--logging-method=file:${join(simState, 'log')}`,
    ...(process.getuid?.() === 0 ? ['--process-user=nobody', '--process-group=nogroup'] : [])], { stdio: 'ignore' });
  cleanup.push(() => snmpsim.kill());
  for (let i = 0; i < 100; i++) {
    if ((await run('snmpget', ['-v2c', '-c', 'public', '-t', '0.2', '-r', '0', `${desHost}:${desPort}`, '1.3.6.1.2.1.1.2.0'], { name: 'snmpget' })).code === 0) break;
    await new Promise((res) => setTimeout(res, 200));
  }
  const desArgs = ['read', desHost, '--port', String(desPort), '--timeout', '3s', '--retries', '1', '--json', '--no-web', '--snmp-version', '3',
    '--v3-user', 'olddes', '--auth-protocol', 'md5', '--auth-key', 'authpass1', '--priv-protocol', 'des', '--priv-key', 'privpass1', '--context', 'public'];
  const [wdes, ndes] = [await exe(desArgs), await native(desArgs)];
  const serial = (t) => { try { return JSON.parse(t).identity?.serial ?? null; } catch { return null; } };
  ok(wdes.code === 0 && serial(wdes.stdout) === '000A5J431816' && serial(ndes.stdout) === serial(wdes.stdout),
    'amr.exe read as an SNMPv3 md5/DES user of snmpsim (no legacy provider), as native does', `exe ${wdes.code} ${wdes.stderr} ${wdes.stdout.slice(0, 300)} native ${ndes.code} ${ndes.stderr}`);

  // 3. discover a loopback range.
  const discArgs = ['discover', `${BASE}.1-${BASE}.20`, '--port', String(PORT), '--rate', '0', '--timeout', '800ms', '--retries', '1', '--no-save', '--json'];
  const [wd, nd] = [await exe(discArgs), await native(discArgs)];
  const found = (t) => { try { const j = JSON.parse(t); return (j.devices ?? j.printers ?? j).map((d) => d.ip ?? d.identity?.ip ?? d.host).sort(); } catch { return null; } };
  ok(wd.code === 0 && JSON.stringify(found(wd.stdout)) === JSON.stringify(hosts.slice().sort()) && JSON.stringify(found(nd.stdout)) === JSON.stringify(found(wd.stdout)),
    `amr.exe discover ${BASE}.1-20 finds the ${hosts.length} printers, as native does`, `exe ${wd.code} ${JSON.stringify(found(wd.stdout))} ${wd.stderr} native ${JSON.stringify(found(nd.stdout))}`);

  // 4. run: delivers to the collector; a second run sends nothing.
  const e1 = await collector.enroll('WIN-0001', 'win-smoke-run');
  const cfgDir = 'C:\\amr-run';
  mkdirSync(drive(cfgDir), { recursive: true });
  writeFileSync(drive(`${cfgDir}\\config.ini`), [
    '[agent]', 'customer = WIN-0001', 'id = win-smoke-run', `data_dir = ${cfgDir}`,
    '[server]', `urls = ${collector.url}`, `agent_key = ${e1.key}`, 'allow_http = true', 'tcp_port = 0', 'udp_ports =',
    '[proxy]', 'url = none',
    '[snmp]', `port = ${PORT}`, 'timeout = 1s', 'retries = 1',
    '[discovery]', `targets = ${BASE}.1-${BASE}.20`, 'rate = 0', 'timeout = 800ms', 'retries = 1',
    '[web]', 'enabled = false',
  ].join('\r\n') + '\r\n');
  r = await exe(['run', '--config', `${cfgDir}\\config.ini`, '--json']);
  let report = null;
  try { report = JSON.parse(r.stdout); } catch { /* reported below */ }
  const f1 = await fleet(collector.db);
  ok(r.code === 0 && report?.sends?.length === hosts.length && f1.devices.length === hosts.length && f1.agents.some((a) => a.agentId === 'win-smoke-run'),
    `amr.exe run delivers ${hosts.length} printers to the collector`, `${r.code} ${r.stderr} ${r.stdout.slice(0, 400)} collector devices ${f1.devices.length}`);
  r = await exe(['run', '--config', `${cfgDir}\\config.ini`, '--json']);
  try { report = JSON.parse(r.stdout); } catch { report = null; }
  ok(r.code === 0 && Array.isArray(report?.sends) && report.sends.length === 0, 'a second amr.exe run sends nothing', `${r.code} ${r.stderr} ${r.stdout.slice(0, 300)}`);

  // 5. install-task registers with Wine's schtasks; uninstall-task removes it.
  // Under Wine, amr.exe now and then never sees schtasks exit (schtasks has done its work
  // and gone; seen about one run in three): such a run is killed after 60 s and tried again.
  // A task may only start a program in %ProgramFiles% (install-task refuses others): a copy there.
  const smokeDir = join(prefix, 'drive_c', 'Program Files', 'amr-smoke');
  cpSync(OUT, smokeDir, { recursive: true, filter: (src) => !/[\\/]build$|\.msi$|setup\.exe$/.test(src) });
  const installed = (args, opts) => wine(['C:\\Program Files\\amr-smoke\\amr.exe', ...args], opts);
  const retried = async (args) => {
    const first = await installed(args, { timeout: 60_000 });
    if (first.code !== 128) return first;
    // Killing the wine launcher leaves the Windows processes (amr.exe, schtasks.exe) in the
    // wineserver, where a second try waits on them: end the prefix's processes first.
    console.log(`# amr.exe ${args[0]} hung under Wine; ending the prefix's processes (wineserver -k) and trying again`);
    await run('wineserver', ['-k'], { name: 'wineserver', timeout: 30_000 });
    await run('wineserver', ['-w'], { name: 'wineserver', timeout: 30_000 });
    return installed(args, { timeout: 60_000 });
  };
  r = await retried(['install-task', '--config', `${cfgDir}\\config.ini`, '--name', 'amr-smoke']);
  const t = registeredTask('amr-smoke', cfgDir);
  ok(r.code === 0 && t?.command?.toLowerCase() === 'c:\\program files\\amr-smoke\\amr.exe' && t.arguments?.includes(`${cfgDir}\\config.ini`),
    'amr.exe install-task (from %ProgramFiles%) registers the task with schtasks (command: the exe, run --config)', `${r.code} ${r.stdout} ${r.stderr} ${t?.text?.slice(0, 300)}`);
  r = await retried(['uninstall-task', '--name', 'amr-smoke']);
  ok(r.code === 0 && registeredTask('amr-smoke', cfgDir) === null, 'amr.exe uninstall-task removes it', `${r.code} ${r.stdout} ${r.stderr}`);

  // 6. The MSI, silent, with properties; then the scheduled command delivers.
  const e2 = await collector.enroll('WIN-0002', 'win-smoke-msi');
  const msiLog = join(work, 'msi-install.log');
  r = await wine(['msiexec', '/i', winPath(MSI), '/qn', '/l*v', winPath(msiLog),
    'CUSTOMER=WIN-0002', 'AGENTID=win-smoke-msi', `SERVERURLS=${collector.url}`, `AGENTKEY=${e2.key}`, 'ALLOWHTTP=1',
    'COMMUNITIES=public', `TARGETS=${BASE}.1-${BASE}.20`], { timeout: 300_000 });
  const programs = join(prefix, 'drive_c', 'Program Files', 'amr');
  const config = drive('C:\\DriverPrinter\\config.ini');
  ok(r.code === 0 && existsSync(join(programs, 'amr.exe')) && existsSync(join(programs, 'registry', 'ricoh', 'vendor.json')),
    'msiexec /i amr.msi /qn installs the programs to %ProgramFiles%\\amr', `${r.code} ${r.stderr}`);
  const cfg = existsSync(config) ? readFileSync(config, 'utf8') : '';
  ok(cfg.includes('customer = WIN-0002') && cfg.includes(`agent_key = ${e2.key}`) && cfg.includes(`targets = ${BASE}.1-${BASE}.20`),
    'config.ini in C:\\DriverPrinter written from the properties', cfg);
  const msiTables = await run('msiinfo', ['export', MSI, 'Property'], { name: 'msiinfo' });
  ok(/MsiHiddenProperties\t[^\n]*AGENTKEY[^\n]*PROXYPASSWORD[^\n]*COMMUNITIES/.test(msiTables.stdout),
    'the secret properties are in MsiHiddenProperties (Windows Installer keeps them out of its log)', msiTables.stdout);
  const ca = await run('msiinfo', ['export', MSI, 'CustomAction'], { name: 'msiinfo' });
  const log = existsSync(msiLog) ? readFileSync(msiLog, 'latin1') : '';
  ok(ca.stdout.includes('ICACLSEXE\t"[DATADIR]." /inheritance:r /grant:r *S-1-5-32-544:(OI)(CI)F *S-1-5-18:(OI)(CI)F *S-1-5-20:(OI)(CI)M /Q')
    && /Action ended [^\n]*CloseDataDir\. Return value 1/.test(log),
  'the data folder is closed to all but Administrators, SYSTEM and NETWORK SERVICE by %SystemRoot%\\System32\\icacls.exe (ran; Wine\'s icacls is a stub that changes nothing)', ca.stdout);
  const task = registeredTask('amr');
  ok(task?.command?.toLowerCase() === 'c:\\program files\\amr\\amr.exe' && task.arguments === 'run --config C:\\DriverPrinter\\config.ini --scheduled'
    && task.text?.includes('<UserId>S-1-5-20</UserId>'),
    'the MSI registered the task: %ProgramFiles%\\amr\\amr.exe run --config C:\\DriverPrinter\\config.ini --scheduled, as NETWORK SERVICE', task?.text?.slice(0, 2000) ?? 'no task');
  if (task?.command) {
    r = await wine([task.command, ...splitArgs(task.arguments ?? ''), '--json'], { timeout: 180_000 });
    const f2 = await fleet(collector.db);
    const agent = f2.agents.find((a) => a.agentId === 'win-smoke-msi');
    ok(r.code === 0 && agent && JSON.parse(r.stdout).delivery?.delivered > 0,
      'the scheduled command delivers readings to the collector', `${r.code} ${r.stderr} ${r.stdout.slice(0, 400)} ${JSON.stringify(f2.agents)}`);
  }

  // 7. Upgrade in place: the same MSI again without properties keeps config.ini and the task.
  // 8. Uninstall: task and programs go, data stays; PURGE=1 removes the data too.
  r = await wine(['msiexec', '/x', winPath(MSI), '/qn'], { timeout: 300_000 });
  ok(r.code === 0 && !existsSync(join(programs, 'amr.exe')) && registeredTask('amr') === null && existsSync(config),
    'msiexec /x removes the programs and the task and keeps C:\\DriverPrinter', `${r.code} ${r.stderr}`);
  r = await wine(['msiexec', '/i', winPath(MSI), '/qn'], { timeout: 300_000 });
  ok(r.code === 0 && readFileSync(config, 'utf8') === cfg && registeredTask('amr') !== null,
    'installing again without properties keeps config.ini and registers the task', `${r.code} ${r.stderr}`);
  r = await wine(['msiexec', '/x', winPath(MSI), '/qn', 'PURGE=1'], { timeout: 300_000 });
  ok(r.code === 0 && !existsSync(config) && !existsSync(join(programs, 'amr.exe')), 'msiexec /x PURGE=1 removes the data folder too', `${r.code} ${r.stderr}`);

  // 9. The technician's setup (NSIS), silent with the same answers: same config.ini
  // generator, the connection test and first discovery shown, the task registered.
  const e3 = await collector.enroll('WIN-0003', 'win-smoke-setup');
  const setupReport = join(work, "setup-report.txt");
  // As IT would deploy it: a .cmd with the values quoted (NSIS options split at "/" outside quotes).
  const setupCmd = 'C:\\amr-setup-test.cmd';
  writeFileSync(drive(setupCmd), `@"${winPath(SETUP)}" /S /CUSTOMER="WIN-0003" /AGENTID="win-smoke-setup" /URL="${collector.url}" /KEY="${e3.key}" `
    + `/ALLOWHTTP=1 /COMMUNITIES="public" /TARGETS="${BASE}.1-${BASE}.20" /REPORT="${winPath(setupReport)}"\r\n@exit /b %ERRORLEVEL%\r\n`);
  r = await wine(['cmd', '/c', setupCmd], { timeout: 300_000 });
  const setupCfg = existsSync(config) ? readFileSync(config, 'utf8') : '';
  const shown = existsSync(setupReport) ? readFileSync(setupReport, 'utf8') : '';
  ok(r.code === 0 && existsSync(join(programs, 'amr.exe')) && setupCfg === cfg.replace('WIN-0002', 'WIN-0003').replace('win-smoke-msi', 'win-smoke-setup').replace(e2.key, e3.key),
    'amr-setup.exe /S installs and writes the same config.ini as the MSI for the same answers', `${r.code}\n${setupCfg}\n--- MSI:\n${cfg}`);
  ok(/collector|HTTP/i.test(shown) && hosts.every((h) => shown.includes(h)), 'the setup ran the connection test and a first discovery that found the printers', shown);
  const st = registeredTask('amr');
  ok(st?.command?.toLowerCase() === 'c:\\program files\\amr\\amr.exe', 'the setup registered the task', st?.text?.slice(0, 500) ?? 'no task');
  r = await wine([join(programs, 'uninstall.exe'), '/S'], { timeout: 120_000 });
  // NSIS's uninstaller copies itself to a temporary folder and returns at once: wait for it.
  for (let i = 0; i < 60 && existsSync(join(programs, 'amr.exe')); i++) await new Promise((res) => setTimeout(res, 1000));
  ok(!existsSync(join(programs, 'amr.exe')) && registeredTask('amr') === null && existsSync(config),
    'the setup\'s uninstaller removes the programs and the task and keeps the data', `${r.code}`);
}

try {
  await main();
} catch (error) {
  failures++;
  console.log(`not ok - ${error.stack ?? error}`);
} finally {
  for (const c of cleanup.reverse()) await c();
  await run('wineserver', ['-k'], { name: 'wineserver' });
  if (!process.env.AMR_KEEP_WINE) rmSync(work, { recursive: true, force: true });
  else console.log(`kept ${work}`);
}
console.log(failures ? `windows smoke: ${failures} failed` : `windows smoke: all ${step} passed`);
process.exit(failures ? 1 : 0);
