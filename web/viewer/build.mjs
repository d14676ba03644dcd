// Bundles the viewer with esbuild into --outdir (default dist/): viewer.js (+ chunks), viewer.css, index.html.
// Fails when the gzip size of everything exceeds the 2 MB budget.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
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
mkdirSync(join(outdir, 'decoders'), { recursive: true });
// The decoders <model-viewer> fetches for compressed GLBs (Draco, KTX2/Basis, meshopt), served from here rather
// than its default CDN, so that the page never reaches another site; fetched only when a GLB needs them.
const libs = 'node_modules/three/examples/jsm/libs';
const decoders = {
  'draco/draco_wasm_wrapper.js': 'draco/gltf/draco_wasm_wrapper.js',
  'draco/draco_decoder.wasm': 'draco/gltf/draco_decoder.wasm',
  'basis/basis_transcoder.js': 'basis/basis_transcoder.js',
  'basis/basis_transcoder.wasm': 'basis/basis_transcoder.wasm',
};
// model-viewer loads its meshopt location as a classic script and then uses the MeshoptDecoder bundled with it.
writeFileSync(join(outdir, 'decoders', 'meshopt.js'), '/* MeshoptDecoder is bundled with the viewer. */\n');
for (const [to, from] of Object.entries(decoders)) {
  mkdirSync(dirname(join(outdir, 'decoders', to)), { recursive: true });
  copyFileSync(join(libs, from), join(outdir, 'decoders', to));
}

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
