import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Flows are composed from core's ports, so a second provider for a port (Outlook, Clockify,
// QuickBooks) needs no change here. Connectors are wired in by the apps that run the flows.
const ALLOWED = new Set(['@vahub/core', 'vitest', 'fast-check']);

async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await sources(path)));
    else if (entry.name.endsWith('.ts')) out.push(path);
  }
  return out;
}

describe('@vahub/worker boundaries', () => {
  it('imports nothing of ours but core: no connector, no SDK', async () => {
    const root = fileURLToPath(new URL('.', import.meta.url));
    const offenders: string[] = [];
    for (const file of await sources(root)) {
      const text = await readFile(file, 'utf8');
      for (const m of text.matchAll(
        /^\s*(?:import|export)\b[^;]*?from\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]/gm,
      )) {
        const spec = (m[1] ?? m[2] ?? m[3]) as string;
        if (spec.startsWith('.') || spec.startsWith('node:') || ALLOWED.has(spec)) continue;
        offenders.push(`${file.slice(root.length)}: ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
