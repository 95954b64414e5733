import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** Core depends on no vendor SDK, no Redis and no HTTP framework: only these. */
const ALLOWED = new Set(['zod', 'yaml', 'temporal-polyfill', 'big.js', 'vitest', 'fast-check']);
const ALLOWED_NODE = new Set(['node:crypto', 'node:fs/promises', 'node:path', 'node:url']);

async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await sources(path)));
    else if (entry.name.endsWith('.ts')) out.push(path);
  }
  return out;
}

describe('@vahub/core boundaries', () => {
  it('imports nothing but its own files, zod, YAML and the time/money libraries', async () => {
    const root = fileURLToPath(new URL('.', import.meta.url));
    const offenders: string[] = [];
    for (const file of await sources(root)) {
      const text = await readFile(file, 'utf8');
      for (const m of text.matchAll(
        /^\s*(?:import|export)\b[^;]*?from\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]/gm,
      )) {
        const spec = (m[1] ?? m[2] ?? m[3]) as string;
        if (spec.startsWith('.') || ALLOWED.has(spec) || ALLOWED_NODE.has(spec)) continue;
        offenders.push(`${file.slice(root.length)}: ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
