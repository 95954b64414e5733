// What the chaos run does to the apps: task changes in Asana (each one a webhook, unless it is made
// while the webhooks are away), time entries in Toggl, and the webhooks again: twice, out of order,
// and after their job records are gone.
import { periodContaining } from '@vahub/core';
import { deliverWebhook, seededRandom } from '@vahub/testkit';
import type { ServiceWorld } from '../support/service-world.js';
import { type ChaosClient, WORKSPACE } from './world.js';

const DAY = 86_400_000;
const QUARTER = 15 * 60_000;

/** The truth the end state is checked against, as the load made it. */
export interface Truth {
  tasks: Map<string, { clientId: string }>;
  /** Entries of the period that has just ended, per client: id → minutes. */
  lastPeriod: Map<string, Map<number, number>>;
  /** Entries of the current period (never to be invoiced). */
  currentPeriod: Set<number>;
  taskChanges: number;
  entries: number;
  /** Changes and entries made while their webhooks were away. */
  neverDelivered: number;
  redelivered: number;
}

export function newTruth(clients: ChaosClient[]): Truth {
  return {
    tasks: new Map(),
    lastPeriod: new Map(clients.map((c) => [c.id, new Map()])),
    currentPeriod: new Set(),
    taskChanges: 0,
    entries: 0,
    neverDelivered: 0,
    redelivered: 0,
  };
}

export class Load {
  private readonly random: () => number;
  private readonly open: string[] = [];

  constructor(
    private readonly w: ServiceWorld,
    private readonly clients: ChaosClient[],
    readonly truth: Truth,
    seed: number,
  ) {
    this.random = seededRandom(seed);
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)]!;
  }

  private int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }

  /** Whole blocks: the config's shortest block is 30 minutes, so a shorter estimate books 30. */
  private estimate(): number {
    return 30 * this.int(1, 3);
  }

  private dueOn(): string {
    return new Date(Date.now() + this.int(2, 9) * DAY).toISOString().slice(0, 10);
  }

  /** One task change; `silent`: made while Asana's webhooks are away (never delivered). */
  taskChange(silent: boolean): void {
    const { asana } = this.w;
    const hooks = silent ? new Map(asana.webhooks) : null;
    if (hooks) asana.webhooks.clear();
    try {
      this.change();
    } finally {
      if (hooks) for (const [gid, hook] of hooks) asana.webhooks.set(gid, hook);
    }
    this.truth.taskChanges += 1;
    if (silent) this.truth.neverDelivered += 1;
  }

  private change(): void {
    const { asana } = this.w;
    const r = this.random();
    const closeShare = this.open.length > 60 ? 0.4 : 0.08;
    if (this.open.length < 5 || r < 0.35) {
      const client = this.pick(this.clients);
      const task = asana.createTask({
        name: `Chaos task ${this.truth.tasks.size + 1}`,
        projects: [client.project],
        assignee: this.w.vaGid,
        dueOn: this.dueOn(),
        customFields: { [this.w.estimateGid]: this.estimate() },
      });
      this.truth.tasks.set(task.gid, { clientId: client.id });
      this.open.push(task.gid);
      return;
    }
    const index = Math.floor(this.random() * this.open.length);
    const gid = this.open[index]!;
    const rest = 1 - closeShare;
    if (r < 0.35 + rest * 0.3) asana.updateTask(gid, { dueOn: this.dueOn() });
    else if (r < 0.35 + rest * 0.45)
      asana.updateTask(gid, { customFields: { [this.w.estimateGid]: this.estimate() } });
    else if (r < 0.35 + rest * 0.65) asana.updateTask(gid, { name: `Chaos task ${gid} (renamed)` });
    else {
      this.open.splice(index, 1);
      if (this.random() < 0.8) asana.updateTask(gid, { completed: true });
      else asana.deleteTask(gid);
    }
  }

  /**
   * The stretch of time inside every client's period (each reads its period in its own zone): the
   * period that has just ended, or the current one up to now, an hour in from each side.
   */
  private window(last: boolean): { start: number; end: number } {
    const now = Date.now();
    const periods = this.clients.map((c) => {
      const current = periodContaining('month', now, c.zone);
      return last ? periodContaining('month', current.start - 1, c.zone) : { ...current, end: now };
    });
    const hour = 3_600_000;
    return {
      start: Math.max(...periods.map((p) => p.start)) + hour,
      end: Math.min(...periods.map((p) => p.end)) - hour,
    };
  }

  /**
   * Lay out `count` entries of the period that has just ended one after another, never overlapping
   * (the engine bills overlapping time of one person once, and the VA is one person), so each client's
   * total is the sum of its entries.
   */
  planLastPeriod(count: number): void {
    const { start, end } = this.window(true);
    const step = Math.floor((end - start) / Math.max(1, count) / QUARTER) * QUARTER;
    if (step < QUARTER)
      throw new Error(`${count} entries of 15 minutes do not fit one month without overlapping`);
    this.slots = Array.from({ length: count }, (_, i) => ({
      start: start + i * step,
      minutes: 15 * this.int(1, Math.min(8, step / QUARTER)),
    }));
  }

  private slots: { start: number; minutes: number }[] = [];

  /**
   * One time entry, `silent`: no webhook. The period that has just ended takes the next planned slot;
   * the current one a random time (those entries may overlap: they are not invoiced here).
   */
  entry(last: boolean, silent: boolean): void {
    const client = this.pick(this.clients);
    let start: number;
    let minutes: number;
    if (last) {
      const slot = this.slots.shift();
      if (!slot) throw new Error('no slot left: call planLastPeriod first');
      ({ start, minutes } = slot);
    } else {
      const { start: from, end } = this.window(false);
      minutes = 15 * this.int(1, 4);
      start =
        from + Math.floor((this.random() * Math.max(0, end - from - minutes * 60_000)) / 60_000) * 60_000;
    }
    const init = {
      workspace_id: WORKSPACE,
      project_id: client.togglProject,
      description: `chaos ${this.truth.entries + 1}`,
      start,
      stop: start + minutes * 60_000,
      billable: true,
    };
    const entry = silent ? this.w.toggl.seedEntries([init])[0]! : this.w.toggl.addEntry(init);
    if (last) this.truth.lastPeriod.get(client.id)!.set(entry.id, minutes);
    else this.truth.currentPeriod.add(entry.id);
    this.truth.entries += 1;
    if (silent) this.truth.neverDelivered += 1;
  }

  /** Every delivery the fakes made so far that the receiver accepted. */
  private accepted() {
    return [...this.w.asana.hub.deliveries, ...this.w.toggl.webhooks.deliveries].filter(
      (d) => d.status === 200 && !d.body.includes('validation_code'),
    );
  }

  /**
   * Deliver again `share` of the deliveries made after `from` (index into accepted()) and `older`
   * older ones, all in a shuffled order. Returns the new mark.
   */
  async redeliver(from: number, share: number, older: number): Promise<number> {
    const all = this.accepted();
    const recent = all.slice(from).filter(() => this.random() < share);
    const old = Array.from({ length: Math.min(older, from) }, () => all[Math.floor(this.random() * from)]!);
    const batch = [...recent, ...old].sort(() => this.random() - 0.5);
    for (const d of batch) {
      // A receiver that is down (Redis restarting) may refuse; the vendor would retry, we just move on.
      await deliverWebhook({ url: d.target, body: d.body, headers: d.headers }).catch(() => undefined);
    }
    this.truth.redelivered += batch.length;
    return all.length;
  }

  /** Wait until the fakes have delivered everything they queued. */
  async deliveriesDone(): Promise<void> {
    await Promise.all([this.w.asana.hub.idle(), this.w.toggl.webhooks.idle()]);
  }
}
