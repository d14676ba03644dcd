// Bundles the viewer with esbuild into --outdir (default dist/): viewer.js (+ chunks), viewer.css, index.html.
// Fails when the gzip size of everything exceeds the 2 MB budget.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const arg = process.argv.find((a) => a.startsWith('--outdir='));
const outdir = arg ? arg.slice('--outdir='.length) : 'dist';
const BUDGET = 2 * 1024 * 1024;

rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });
await esbuild.build({
  entryPoints: { viewer: 'src/main.js' },
  bundle: true,
  splitting: true,
  format: 'esm',
  minify: true,
  target: ['es2022'],
  outdir,
  chunkNames: 'chunks/[name]-[hash]',
  legalComments: 'linked',
  logLevel: 'warning',
});
copyFileSync('index.html', join(outdir, 'index.html'));

let raw = 0, gz = 0;
const walk = (d) => readdirSync(d).flatMap((f) => statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : [join(d, f)]);
for (const f of walk(outdir)) {
  const b = readFileSync(f);
  raw += b.length;
  gz += gzipSync(b, { level: 9 }).length;
}
console.log(`viewer bundle: ${(raw / 1024).toFixed(0)} KiB, ${(gz / 1024).toFixed(0)} KiB gzip (budget ${BUDGET / 1024} KiB) in ${outdir}`);
if (gz > BUDGET) {
  console.error('viewer bundle over its 2 MB gzip budget');
  process.exit(1);
}
