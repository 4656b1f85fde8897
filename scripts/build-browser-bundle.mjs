#!/usr/bin/env node
// Builds what the browser widget needs, straight from src/ (no tsup, no dist/):
//   examples/widget/vendor/kefu.browser.js   src/browser.ts bundled for browsers (ESM, minified, es2020)
//   examples/widget/vendor/kefu.widget.js    src/widget-engine.ts likewise: a bot from a prebuilt index
//                                            only (no zod, no yaml); what the widget loads in local mode
//   examples/widget/vendor/kb-index.json     the sample KB's prebuilt index, built by Node with
//                                            segmenter 'intl' so Node and browsers tokenize alike
//   examples/widget/vendor/kb-index.lite.json the same without the trained classifier's bulk (what the widget loads)
// and a Node bundle of src/index.ts under os.tmpdir() (printed; the browser tests
// compare its decisions with the browser's).
//
// Usage: node scripts/build-browser-bundle.mjs [--kb knowledge-base] [--out examples/widget/vendor] [--quiet]
// Fails (exit 1) if the browser bundle would pull in any Node built-in.
import { build } from 'esbuild';
import { builtinModules } from 'node:module';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const quiet = args.includes('--quiet');
const log = (...a) => {
  if (!quiet) console.log(...a);
};
const outDir = resolve(root, opt('out', 'examples/widget/vendor'));
const kbDir = resolve(root, opt('kb', 'knowledge-base'));
/** Write then rename, so a concurrent reader (another test run) never sees a half-written file. */
function writeAtomic(file, data) {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}
const kb = (n) => (n / 1024).toFixed(1).padStart(7) + ' KB';

// ── 1. the browser bundle ────────────────────────────────────────────────────
const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
/** esbuild already refuses `node:` imports on platform 'browser'; this also catches bare `fs`, `path`, … */
const noNodeBuiltins = {
  name: 'no-node-builtins',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (a) => {
      if (builtins.has(a.path) || a.path.startsWith('node:')) {
        return { errors: [{ text: `the browser bundle must not import the Node built-in "${a.path}" (imported by ${relative(root, a.importer)})` }] };
      }
      return undefined;
    });
  },
};

const entry = join(root, 'src/browser.ts');
const common = { entryPoints: [entry], bundle: true, platform: 'browser', format: 'esm', target: 'es2020', metafile: true, logLevel: 'silent', plugins: [noNodeBuiltins], legalComments: 'none' };
let minified, unminified, widgetEngine;
try {
  [minified, unminified, widgetEngine] = await Promise.all([
    build({ ...common, minify: true, write: false, outfile: join(outDir, 'kefu.browser.js') }),
    build({ ...common, minify: false, write: false, outfile: join(outDir, 'kefu.browser.raw.js') }),
    build({ ...common, entryPoints: [join(root, 'src/widget-engine.ts')], minify: true, write: false, outfile: join(outDir, 'kefu.widget.js') }),
  ]);
} catch (err) {
  console.error('\n✖ browser bundle FAILED (does src/browser.ts reach Node-only code?)');
  for (const e of err.errors ?? []) console.error(`  ${e.location ? `${e.location.file}:${e.location.line}: ` : ''}${e.text}`);
  if (!err.errors) console.error(err);
  process.exit(1);
}
for (const [name, meta] of [['minified', minified.metafile], ['widget engine', widgetEngine.metafile]]) {
  const nodeish = Object.values(meta.outputs).flatMap((o) => o.imports ?? []).filter((i) => i.external);
  if (nodeish.length) {
    console.error(`✖ ${name} browser bundle has external imports: ${nodeish.map((i) => i.path).join(', ')}`);
    process.exit(1);
  }
}
mkdirSync(outDir, { recursive: true });
const bundleFile = join(outDir, 'kefu.browser.js');
const code = minified.outputFiles[0].contents;
writeAtomic(bundleFile, code);
const widgetCode = widgetEngine.outputFiles[0].contents;
writeAtomic(join(outDir, 'kefu.widget.js'), widgetCode);
const rawBytes = unminified.outputFiles[0].contents.byteLength;
const minBytes = code.byteLength;
const gzBytes = gzipSync(code, { level: 9 }).byteLength;

// Which modules dominate: bytes each input contributes to the minified output, grouped by package.
const out = Object.values(minified.metafile.outputs)[0];
const byInput = Object.entries(out.inputs).map(([file, v]) => ({ file, bytes: v.bytesInOutput })).sort((a, b) => b.bytes - a.bytes);
const groupOf = (file) => {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
  return m ? m[1] : file.startsWith('src/') ? `kefu ${file.split('/').slice(0, 2).join('/')}` : file;
};
const groups = new Map();
for (const { file, bytes } of byInput) groups.set(groupOf(file), (groups.get(groupOf(file)) ?? 0) + bytes);
const topGroups = [...groups].sort((a, b) => b[1] - a[1]);

log(`browser bundle  ${relative(root, bundleFile)}`);
log(`  raw (unminified) ${kb(rawBytes)}`);
log(`  minified         ${kb(minBytes)}`);
log(`  minified + gzip  ${kb(gzBytes)}`);
log('  by package (minified bytes):');
for (const [g, b] of topGroups.slice(0, 8)) log(`    ${kb(b)}  ${(100 * b / minBytes).toFixed(1).padStart(5)}%  ${g}`);
log(`widget engine   ${relative(root, join(outDir, 'kefu.widget.js'))}: minified ${kb(widgetCode.byteLength)}, gzip ${kb(gzipSync(widgetCode, { level: 9 }).byteLength)}`);
log('  largest modules:');
for (const { file, bytes } of byInput.slice(0, 8)) log(`    ${kb(bytes)}  ${(100 * bytes / minBytes).toFixed(1).padStart(5)}%  ${file}`);

// ── 2. a Node bundle of src/index.ts (nodejieba stays external) ───────────────
async function buildNodeEntry(dir = join(tmpdir(), 'kefu-node-bundle')) {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'kefu.node.mjs');
  const r = await build({
    // the root entry and the local-mode index builder the server uses too
    stdin: { contents: "export * from './src/index.ts'; export { localModeIndex } from './src/server/local-index.ts';", resolveDir: root, loader: 'ts', sourcefile: 'kefu-node-entry.ts' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: file,
    write: false,
    external: ['nodejieba'],
    logLevel: 'error',
    // CommonJS dependencies call require(); give the ESM bundle one.
    banner: { js: "import { createRequire as __kefuCreateRequire } from 'node:module'; const require = __kefuCreateRequire(import.meta.url);" },
  });
  // Write then rename, so a concurrent run never imports a half-written file.
  writeAtomic(file, r.outputFiles[0].contents);
  return file;
}
const nodeBundle = await buildNodeEntry();
log(`node bundle     ${nodeBundle}`);

// ── 3. the sample KB's prebuilt index, tokenized with Intl.Segmenter ──────────
const kefu = await import(pathToFileURL(nodeBundle).href);
const t0 = performance.now();
// Lexical like the browser (no 24 MB model in a widget), and FAQs only: a page has no host
// actions to run the KB's tasks with, so their questions stay with the FAQs they stand in for.
const loaded = await kefu.loadKnowledgeBase(kbDir);
const { index: full, lite: liteObject, matcher } = await kefu.localModeIndex(loaded);
const index = JSON.stringify(full);
const indexFile = join(outDir, 'kb-index.json');
writeAtomic(indexFile, index);
const idxBytes = Buffer.byteLength(index);
log(`kb index        ${relative(root, indexFile)}  (${relative(root, kbDir)}: ${matcher.size.faqs} FAQs, ${matcher.size.questions} questions, ${matcher.size.features} features; built in ${Math.round(performance.now() - t0)} ms)`);
log(`  json ${kb(idxBytes)}, gzip ${kb(gzipSync(index, { level: 9 }).byteLength)}`);

// The index the widget loads: the trained classifier without its bulk (src/server/local-index.ts).
const lite = JSON.stringify(liteObject);
writeAtomic(join(outDir, 'kb-index.lite.json'), lite);
log(`  lite (widget)   kb-index.lite.json: json ${kb(Buffer.byteLength(lite))}, gzip ${kb(gzipSync(lite, { level: 9 }).byteLength)}`);

// A machine-readable summary for the tests.
writeAtomic(join(outDir, 'build-info.json'), JSON.stringify({
  builtAt: new Date().toISOString(),
  bundle: { raw: rawBytes, minified: minBytes, gzip: gzBytes, topPackages: topGroups.slice(0, 8).map(([name, bytes]) => ({ name, bytes })) },
  widgetEngine: { minified: widgetCode.byteLength, gzip: gzipSync(widgetCode, { level: 9 }).byteLength },
  index: { bytes: idxBytes, liteBytes: Buffer.byteLength(lite), faqs: matcher.size.faqs, segmenter: matcher.segmenterName },
  nodeBundle,
}, null, 2) + '\n');
