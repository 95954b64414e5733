import { randomBytes } from 'node:crypto';

/** An event as Asana renders it (EventResponse). */
export interface FakeEvent {
  user: { gid: string; resource_type: 'user'; name: string } | null;
  resource: { gid: string; resource_type: string; resource_subtype?: string; name?: string };
  type: string;
  action: 'added' | 'changed' | 'removed' | 'deleted' | 'undeleted';
  /** Left out when there is none: Asana's docs say null, but the spec's schema does not allow null. */
  parent?: { gid: string; resource_type: string; name?: string };
  created_at: string;
  change?: { field: string; action: 'changed' | 'added' | 'removed'; new_value?: unknown };
}

interface SyncToken {
  resource: string;
  /** Events with a higher sequence number are still to be read. */
  seq: number;
  issuedAt: number;
}

export type EventsAnswer =
  | { status: 200; body: { data: FakeEvent[]; sync: string; has_more: boolean } }
  | { status: 412; body: { errors: { message: string }[]; sync: string } };

/**
 * The `/events` stream per resource: a sync token marks a position; a missing, unknown, foreign or
 * expired token gets 412 with a fresh one (positioned now: what came before it is lost, as in Asana).
 */
export class EventLog {
  private seq = 0;
  private readonly byResource = new Map<string, { seq: number; event: FakeEvent }[]>();
  private readonly tokens = new Map<string, SyncToken>();

  constructor(private readonly options: { now: () => number; ttlMs: number; pageSize: () => number }) {}

  record(resources: readonly string[], event: FakeEvent): void {
    this.seq += 1;
    for (const resource of new Set(resources)) {
      const list = this.byResource.get(resource) ?? [];
      list.push({ seq: this.seq, event });
      this.byResource.set(resource, list);
    }
  }

  expireAll(): void {
    this.tokens.clear();
  }

  private issue(resource: string, seq: number): string {
    const token = randomBytes(16).toString('hex');
    this.tokens.set(token, { resource, seq, issuedAt: this.options.now() });
    return token;
  }

  read(resource: string, sync: string | null): EventsAnswer {
    const token = sync ? this.tokens.get(sync) : undefined;
    const valid =
      token !== undefined &&
      token.resource === resource &&
      this.options.now() - token.issuedAt <= this.options.ttlMs;
    if (!valid) {
      return {
        status: 412,
        body: {
          errors: [
            {
              message:
                'Sync token invalid or too old. If you are attempting to keep resources in sync, you must fetch the full dataset for this query now and use the new sync token for the next sync.',
            },
          ],
          sync: this.issue(resource, this.seq),
        },
      };
    }
    const pending = (this.byResource.get(resource) ?? []).filter((e) => e.seq > token.seq);
    const page = pending.slice(0, this.options.pageSize());
    const last = page.at(-1)?.seq ?? token.seq;
    return {
      status: 200,
      body: {
        data: page.map((e) => e.event),
        sync: this.issue(resource, last),
        has_more: pending.length > page.length,
      },
    };
  }
}
