// Usage: node scripts/gltf/validate-glb.mjs FILE.glb [...]
// Prints the Khronos validator's issue counts per file as one JSON line each; exits 1 if any file has errors.
import { readFile } from 'node:fs/promises';
import validator from 'gltf-validator';

let failed = false;
for (const file of process.argv.slice(2)) {
  const bytes = new Uint8Array(await readFile(file));
  const report = await validator.validateBytes(bytes, { maxIssues: 100 });
  const { numErrors, numWarnings, numInfos, messages } = report.issues;
  console.log(JSON.stringify({ file, numErrors, numWarnings, numInfos,
    errors: messages.filter(m => m.severity === 0).map(m => `${m.code} ${m.pointer ?? ''}: ${m.message}`) }));
  if (numErrors > 0) failed = true;
}
process.exit(failed ? 1 : 0);
