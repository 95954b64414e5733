import { VahubError } from '@vahub/core';
import type { Catalog, JobHandlers } from './catalog.js';

/**
 * The start-up check behind the compile-time one: every job of the catalog has exactly one handler
 * and nothing else is in the map (a handler map assembled at run time, or cast, slips past the types).
 */
export function assertHandlers<C extends Catalog>(catalog: C, handlers: JobHandlers<C>): void {
  const given = handlers as Record<string, unknown>;
  const missing = Object.keys(catalog).filter((name) => typeof given[name] !== 'function');
  const unknown = Object.keys(given).filter((name) => !Object.hasOwn(catalog, name));
  if (missing.length === 0 && unknown.length === 0) return;
  const parts = [
    missing.length ? `no handler for ${missing.join(', ')}` : '',
    unknown.length ? `handlers for jobs the catalog does not have: ${unknown.join(', ')}` : '',
  ].filter(Boolean);
  throw new VahubError(`the worker's job handlers do not match the job catalog: ${parts.join('; ')}`);
}
