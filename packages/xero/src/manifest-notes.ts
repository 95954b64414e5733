import { type DraftManifest, decodeManifest, encodeManifest, stableKey } from '@vahub/core';

/** Xero's limit on one note ("History and Notes": Details, max length 250 characters). */
export const NOTE_LIMIT = 250;
const PREFIX = 'vahub-ledger';
/** "vahub-ledger <version> <i>/<n> ": the version names one manifest written in one call. */
const NOTE = /^vahub-ledger ([0-9a-z]{8}) (\d+)\/(\d+) (.*)$/s;

/**
 * A manifest as History notes of the draft: its compact JSON cut into parts that fit Xero's 250
 * characters, each "vahub-ledger <version> <i>/<n> <part>", all sent in one call. Notes cannot be
 * edited or deleted, so a later manifest is a new version; the reader takes the last complete one.
 */
export function manifestNotes(manifest: DraftManifest): string[] {
  const text = encodeManifest(manifest);
  const version = stableKey(['vahub-ledger', text]).slice(0, 8).toLowerCase().padEnd(8, '0');
  const room = NOTE_LIMIT - `${PREFIX} ${version} 9999/9999 `.length;
  const parts: string[] = [];
  for (let i = 0; i < text.length; i += room) parts.push(text.slice(i, i + room));
  return parts.map((part, i) => `${PREFIX} ${version} ${i + 1}/${parts.length} ${part}`);
}

/** The latest complete manifest among an invoice's History records (oldest first), or null. */
export function manifestFromNotes(details: readonly string[]): DraftManifest | null {
  const versions = new Map<string, { n: number; parts: Map<number, string>; last: number }>();
  details.forEach((d, index) => {
    const m = NOTE.exec(d);
    if (!m) return;
    const [, version = '', i, n, part = ''] = m;
    const v = versions.get(version) ?? { n: Number(n), parts: new Map<number, string>(), last: index };
    v.parts.set(Number(i), part);
    v.last = index;
    versions.set(version, v);
  });
  const complete = [...versions.values()].filter((v) => v.parts.size === v.n).sort((a, b) => b.last - a.last);
  for (const v of complete) {
    const text = Array.from({ length: v.n }, (_, i) => v.parts.get(i + 1) ?? '').join('');
    const manifest = decodeManifest(text);
    if (manifest) return manifest;
  }
  return null;
}
