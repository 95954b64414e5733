import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SPECS_DIR = new URL('../specs/', import.meta.url);

export type SpecName =
  | 'asana_oas.yaml'
  | 'calendar-json-v3.json'
  | 'xero_accounting.yaml'
  | 'xero-identity.yaml'
  | 'xero-webhooks.yaml';

const verified = new Set<string>();

/**
 * The path of a vendor spec the repository carries (`packages/testkit/specs`, copied from the
 * steering repository with its checksums). The file is checked against `SHA256SUMS` once per
 * process, so a contract test never runs against an edited spec.
 */
export function specPath(name: SpecName): string {
  const path = fileURLToPath(new URL(name, SPECS_DIR));
  if (!verified.has(name)) {
    const sums = readFileSync(new URL('SHA256SUMS', SPECS_DIR), 'utf8');
    const expected = sums
      .split('\n')
      .map((line) => line.trim().split(/\s+/))
      .find(([, file]) => file === name)?.[0];
    const actual = createHash('sha256').update(readFileSync(path)).digest('hex');
    if (!expected) throw new Error(`testkit: ${name} is not listed in specs/SHA256SUMS`);
    if (actual !== expected) {
      throw new Error(
        `testkit: specs/${name} does not match its checksum: restore it from the steering repository`,
      );
    }
    verified.add(name);
  }
  return path;
}

/** The text of a vendor spec, checked against its checksum. */
export function readSpec(name: SpecName): string {
  return readFileSync(specPath(name), 'utf8');
}
