import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The arrows of DESIGN.md, checked in one place: apps → registry/jobs → connectors → core; core
// imports nothing of ours; a connector never imports another connector or an app; only the fakes
// and tests import testkit or a `/testing` export; the worker's flows see core's ports only; no
// relative import leaves its package; and no vendor is named in core or the worker: the connector
// descriptors, listed in the registry, are the only place that knows a vendor.
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CONNECTORS = ['asana', 'toggl', 'google-calendar', 'xero'];
const VENDOR = /\b(asana|toggl|google|xero)\b/i;
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

/** Every import of the package's sources, as `file: specifier`; relative ones only with `relativeToo`. */
async function importsOf(pkgDir: string, relativeToo = false): Promise<{ file: string; spec: string }[]> {
  const found: { file: string; spec: string }[] = [];
  for (const file of await sources(join(ROOT, pkgDir, 'src'))) {
    for (const m of (await readFile(file, 'utf8')).matchAll(IMPORT)) {
      const spec = (m[1] ?? m[2] ?? m[3]) as string;
      if (relativeToo || !spec.startsWith('.')) found.push({ file: relative(ROOT, file), spec });
    }
  }
  return found;
}

/** Every package and app folder of the workspace. */
async function workspaces(): Promise<string[]> {
  const out: string[] = [];
  for (const top of ['packages', 'apps']) {
    for (const entry of await readdir(join(ROOT, top), { withFileTypes: true })) {
      if (entry.isDirectory()) out.push(`${top}/${entry.name}`);
    }
  }
  return out.sort();
}

/** Source lines without comments, numbered, for the vendor-name check. */
function codeLines(text: string): { line: number; code: string }[] {
  const code = text
    .replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' '))
    .replace(/(^|[^:])\/\/.*$/gm, '$1');
  return code.split('\n').map((line, i) => ({ line: i + 1, code: line }));
}

const isTestOnly = (file: string) => /\.test\.ts$|\/testing\/|\/test-support\//.test(file);
const ours = (spec: string) => spec.startsWith('@vahub/');

function offenders(list: { file: string; spec: string }[], refused: (spec: string, file: string) => boolean) {
  return list.filter(({ file, spec }) => refused(spec, file)).map(({ file, spec }) => `${file}: ${spec}`);
}

describe('package boundaries', () => {
  it('core imports nothing but its own files, zod, YAML and the time/money libraries', async () => {
    const allowed = new Set(['zod', 'yaml', 'temporal-polyfill', 'big.js', 'vitest', 'fast-check']);
    const allowedNode = new Set([
      'node:async_hooks',
      'node:crypto',
      'node:fs',
      'node:fs/promises',
      'node:http',
      // The HTTP pipeline's transport (exchange.ts): TLS, the answer's stream, inflating it.
      'node:https',
      'node:stream',
      'node:zlib',
      'node:net',
      'node:path',
      'node:url',
    ]);
    const list = await importsOf('packages/core');
    expect(list.length).toBeGreaterThan(0);
    expect(offenders(list, (spec) => !allowed.has(spec) && !allowedNode.has(spec))).toEqual([]);
  });

  it("the worker's flows import nothing of ours but core: no connector, no SDK", async () => {
    const allowed = new Set(['@vahub/core', 'vitest', 'fast-check']);
    const list = (await importsOf('apps/worker')).filter(({ file }) =>
      file.startsWith('apps/worker/src/flows/'),
    );
    expect(list.length).toBeGreaterThan(0);
    expect(offenders(list, (spec) => !spec.startsWith('node:') && !allowed.has(spec))).toEqual([]);
  });

  it('apps reach the connectors only through the registry, and fakes only from the demo and tests', async () => {
    const connectorPackages = CONNECTORS.map((c) => `@vahub/${c}`);
    for (const app of (await workspaces()).filter((w) => w.startsWith('apps/'))) {
      const list = await importsOf(app);
      const refused = (spec: string, file: string) => {
        const connector = connectorPackages.find((c) => spec === c || spec.startsWith(`${c}/`));
        if (!connector) return spec === '@vahub/testkit' && !isTestOnly(file) && !file.includes('/demo/');
        // The demo sets its world up (the fakes) as the tests do.
        return !(spec.endsWith('/testing') && (isTestOnly(file) || file.includes('/demo/')));
      };
      expect(offenders(list, refused), app).toEqual([]);
    }
  });

  it('no relative import leaves its package', async () => {
    const escaped: string[] = [];
    for (const pkg of await workspaces()) {
      for (const { file, spec } of await importsOf(pkg, true)) {
        if (!spec.startsWith('.')) continue;
        const target = relative(join(ROOT, pkg), join(ROOT, file, '..', spec));
        if (target.startsWith('..')) escaped.push(`${file}: ${spec}`);
      }
    }
    expect(escaped).toEqual([]);
  });

  it('core and the worker name no vendor in code: only the descriptors in the registry do', async () => {
    const named: string[] = [];
    for (const dir of ['packages/core/src', 'apps/worker/src']) {
      for (const file of await sources(join(ROOT, dir))) {
        if (isTestOnly(file) || /test-(fixtures|arbitraries)\.ts$/.test(file)) continue;
        for (const { line, code } of codeLines(await readFile(file, 'utf8'))) {
          if (VENDOR.test(code)) named.push(`${relative(ROOT, file)}:${line}: ${code.trim()}`);
        }
      }
    }
    expect(named).toEqual([]);
  });

  it('the vendor check would catch a vendor named in code, and not one named in a comment', () => {
    const found = codeLines(
      "// Xero's rule\nconst a = client.xero;\n/* asana */ const b = 1;\nconst c = 'https://x';",
    );
    expect(found.filter((l) => VENDOR.test(l.code)).map((l) => l.line)).toEqual([2]);
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

  it('the webhook receiver needs nothing of ours but core and jobs (testkit and jobs/testing in its tests)', async () => {
    const list = await importsOf('apps/webhooks');
    expect(list.length).toBeGreaterThan(0);
    const allowed = new Set(['@vahub/core', '@vahub/jobs']);
    expect(
      offenders(
        list,
        (spec, file) =>
          ours(spec) &&
          !allowed.has(spec) &&
          !((spec === '@vahub/testkit' || spec === '@vahub/jobs/testing') && isTestOnly(file)),
      ),
    ).toEqual([]);
  });

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
