import { readdir } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * `npm run bench [filter]`: runs every `bench/*.bench.ts` (or those whose name contains the filter).
 * Each prints its own figures and the ratio to a bare baseline measured in the same run.
 */
const dir = fileURLToPath(new URL('.', import.meta.url));
const filter = process.argv[2] ?? '';
const files = (await readdir(dir)).filter((f) => f.endsWith('.bench.ts') && f.includes(filter)).sort();
if (files.length === 0) console.log(`no benchmarks match "${filter}"`);
for (const file of files) {
  console.log(`\n== ${file} ==`);
  const mod = (await import(pathToFileURL(`${dir}/${file}`).href)) as { default: () => Promise<void> };
  await mod.default();
}
