import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The arrows of DESIGN.md, checked in one place: apps → jobs → connectors → core; core imports
// nothing of ours; a connector never imports another connector or an app; only the fakes and tests
// import testkit or a `/testing` export; the worker's flows see core's ports only.
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CONNECTORS = ['asana', 'toggl', 'google-calendar', 'xero'];
const IMPORT =
  /^\s*(?:import|export)\b[^;]*?from\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]/gm;

async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await sources(path)));
    else if (entry.name.endsWith('.ts')) out.push(path);
  }
  return out;
}

/** Every non-relative import of the package's sources, as `file: specifier`. */
async function importsOf(pkgDir: string): Promise<{ file: string; spec: string }[]> {
  const found: { file: string; spec: string }[] = [];
  for (const file of await sources(join(ROOT, pkgDir, 'src'))) {
    for (const m of (await readFile(file, 'utf8')).matchAll(IMPORT)) {
      const spec = (m[1] ?? m[2] ?? m[3]) as string;
      if (!spec.startsWith('.')) found.push({ file: relative(ROOT, file), spec });
    }
  }
  return found;
}

const isTestOnly = (file: string) => /\.test\.ts$|\/testing\/|\/test-support\//.test(file);
const ours = (spec: string) => spec.startsWith('@vahub/');

function offenders(list: { file: string; spec: string }[], refused: (spec: string, file: string) => boolean) {
  return list.filter(({ file, spec }) => refused(spec, file)).map(({ file, spec }) => `${file}: ${spec}`);
}

describe('package boundaries', () => {
  it('core imports nothing but its own files, zod, YAML and the time/money libraries', async () => {
    const allowed = new Set(['zod', 'yaml', 'temporal-polyfill', 'big.js', 'vitest', 'fast-check']);
    const allowedNode = new Set(['node:crypto', 'node:fs/promises', 'node:path', 'node:url']);
    const list = await importsOf('packages/core');
    expect(list.length).toBeGreaterThan(0);
    expect(offenders(list, (spec) => !allowed.has(spec) && !allowedNode.has(spec))).toEqual([]);
  });

  it("the worker's flows import nothing of ours but core: no connector, no SDK", async () => {
    const allowed = new Set(['@vahub/core', 'vitest', 'fast-check']);
    const list = await importsOf('apps/worker');
    expect(list.length).toBeGreaterThan(0);
    expect(offenders(list, (spec) => !spec.startsWith('node:') && !allowed.has(spec))).toEqual([]);
  });

  it.each(CONNECTORS)(
    '%s imports no other connector, no app, and testkit only from its fake and tests',
    async (name) => {
      const list = await importsOf(`packages/${name}`);
      const refused = (spec: string, file: string) =>
        (ours(spec) &&
          !spec.startsWith('@vahub/core') &&
          !spec.startsWith(`@vahub/${name}`) &&
          spec !== '@vahub/testkit') ||
        (!isTestOnly(file) && (spec === '@vahub/testkit' || spec.endsWith('/testing')));
      expect(offenders(list, refused)).toEqual([]);
    },
  );

  it('testkit and jobs import no app, and testkit nothing of ours', async () => {
    expect(offenders(await importsOf('packages/testkit'), ours)).toEqual([]);
    expect(
      offenders(
        await importsOf('packages/jobs'),
        (spec) => spec.startsWith('@vahub/cli') || spec.startsWith('@vahub/worker'),
      ),
    ).toEqual([]);
  });
});
