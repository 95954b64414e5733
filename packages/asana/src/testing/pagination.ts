import { randomBytes } from 'node:crypto';

interface OffsetToken {
  /** The listing it belongs to (path and filters), so it cannot be replayed elsewhere. */
  listing: string;
  index: number;
  issuedAt: number;
}

export type PageResult =
  | { ok: true; body: { data: unknown[]; next_page?: unknown } }
  | { ok: false; status: number; message: string };

/**
 * Asana's offset pagination: `limit` 1–100, an opaque `offset` from `next_page` that only works for
 * the same listing and expires (after `ttlMs`, or when a test calls `expireAll`).
 */
export class Paginator {
  private readonly tokens = new Map<string, OffsetToken>();

  constructor(private readonly options: { now: () => number; ttlMs: number; apiUrl: () => string }) {}

  expireAll(): void {
    this.tokens.clear();
  }

  page(input: { items: unknown[]; path: string; query: URLSearchParams }): PageResult {
    const limitText = input.query.get('limit');
    const offsetText = input.query.get('offset');
    const filters = new URLSearchParams(input.query);
    filters.delete('offset');
    filters.delete('limit');
    filters.sort();
    const listing = `${input.path}?${filters.toString()}`;
    if (limitText === null) {
      if (offsetText !== null) return { ok: false, status: 400, message: 'offset: requires a limit' };
      return { ok: true, body: { data: input.items } };
    }
    const limit = Number(limitText);
    if (!/^\d+$/.test(limitText) || limit < 1 || limit > 100) {
      return { ok: false, status: 400, message: 'limit: Must be between 1 and 100' };
    }
    let start = 0;
    if (offsetText !== null) {
      const token = this.tokens.get(offsetText);
      const expired = !token || this.options.now() - token.issuedAt > this.options.ttlMs;
      if (expired || token.listing !== listing) {
        return {
          ok: false,
          status: 400,
          message: 'offset: Your pagination token has expired or is invalid. Start again without an offset.',
        };
      }
      start = token.index;
    }
    const data = input.items.slice(start, start + limit);
    const end = start + data.length;
    if (end >= input.items.length) return { ok: true, body: { data, next_page: null } };
    const offset = randomBytes(18).toString('base64url');
    this.tokens.set(offset, { listing, index: end, issuedAt: this.options.now() });
    const next = new URLSearchParams(input.query);
    next.set('offset', offset);
    const path = `${input.path}?${next.toString()}`;
    return {
      ok: true,
      body: { data, next_page: { offset, path, uri: `${this.options.apiUrl()}${path}` } },
    };
  }
}
