import { badRequest } from './google-errors.js';

/** A parsed `fields` selection: each selected name, with what to keep inside it (null: all of it). */
export type FieldSelection = Map<string, FieldSelection | null>;

const NAME = /^[A-Za-z0-9_*]+$/;

function invalid(mask: string): Error {
  return badRequest(`Invalid field selection ${mask}`, 'invalidParameter', 'fields');
}

function merge(into: FieldSelection, name: string, inner: FieldSelection | null): void {
  const have = into.get(name);
  if (have === null || inner === null || !into.has(name)) {
    into.set(name, have === null ? null : inner);
    return;
  }
  for (const [key, value] of inner) merge(have as FieldSelection, key, value);
}

/**
 * Google's partial-response syntax: `a,b/c,d(e,f(g))`. `b/c` selects `c` inside `b`; `d(e,f)` selects
 * `e` and `f` inside `d` (inside every element when `d` is an array); `*` selects everything at its level.
 */
export function parseFields(mask: string): FieldSelection {
  let at = 0;
  const list = (closing: boolean): FieldSelection => {
    const out: FieldSelection = new Map();
    for (;;) {
      const start = at;
      while (at < mask.length && !',()'.includes(mask[at] ?? '')) at++;
      const path = mask.slice(start, at).trim().split('/');
      if (path.some((name) => !NAME.test(name))) throw invalid(mask);
      let inner: FieldSelection | null = null;
      if (mask[at] === '(') {
        at++;
        inner = list(true);
        if (mask[at] !== ')') throw invalid(mask);
        at++;
      }
      // `b/c(d)` is `b(c(d))`: build the nesting from the inside out.
      for (let i = path.length - 1; i > 0; i--) inner = new Map([[path[i] as string, inner]]);
      merge(out, path[0] as string, inner);
      if (mask[at] === ',') {
        at++;
        continue;
      }
      if (closing ? mask[at] === ')' : at === mask.length) return out;
      throw invalid(mask);
    }
  };
  return list(false);
}

/** `value` with only the selected fields, as Google answers a request that names `fields`. */
export function selectFields(value: unknown, selection: FieldSelection | null): unknown {
  if (selection === null || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => selectFields(item, selection));
  if (selection.has('*')) return value;
  const out: Record<string, unknown> = {};
  for (const [name, inner] of selection) {
    const field = (value as Record<string, unknown>)[name];
    if (field !== undefined) out[name] = selectFields(field, inner);
  }
  return out;
}

/**
 * The names a selection uses at its top level and inside `nested` that are not in `known` (per
 * level): Google refuses a selection of fields its resource does not have.
 */
export function unknownFields(
  selection: FieldSelection,
  known: ReadonlySet<string>,
  nested: Record<string, ReadonlySet<string>> = {},
): string[] {
  const unknown: string[] = [];
  for (const [name, inner] of selection) {
    if (name === '*') continue;
    if (!known.has(name)) unknown.push(name);
    const below = nested[name];
    if (below && inner) unknown.push(...unknownFields(inner, below).map((n) => `${name}/${n}`));
  }
  return unknown;
}
