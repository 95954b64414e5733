import { formatInstant } from '@vahub/core';
import { clientBilling, draftStates, readEntries, weeklyHours } from './clients.js';
import { clientColours, colourOf } from './colours.js';
import type { SnapshotDeps } from './deps.js';
import { readHealth } from './health.js';
import { part } from './part.js';
import type { ClientPanel, Part, StatusSnapshot, TaskAlert } from './types.js';
import { readWeek } from './week.js';

async function clientPanel(
  deps: SnapshotDeps,
  client: SnapshotDeps['config']['clients'][number],
  now: number,
  timeoutMs: number,
  colour: ClientPanel['colour'],
): Promise<ClientPanel> {
  const time = await part(
    `${client.name}'s time`,
    deps.time ? () => readEntries(deps, client, now) : null,
    timeoutMs,
  );
  const fromTime = <T>(
    what: string,
    f: (t: Awaited<ReturnType<typeof readEntries>>) => T,
  ): Promise<Part<T>> =>
    time.status === 'ok'
      ? part(what, async () => f(time.data), timeoutMs)
      : Promise.resolve({ status: 'unavailable', reason: time.reason });
  const [billing, weekly, drafts] = await Promise.all([
    fromTime('billing', (t) => clientBilling(client, now, t.entries, t.names)),
    fromTime('weekly hours', (t) => weeklyHours(client, now, t.entries)),
    part(`${client.name}'s drafts`, deps.drafts ? () => draftStates(deps, client) : null, timeoutMs),
  ]);
  return {
    id: client.id,
    name: client.name,
    zone: client.timezone,
    colour,
    billing,
    weeklyHours: weekly,
    drafts,
  };
}

function alerts(list: Awaited<ReturnType<NonNullable<SnapshotDeps['shortfalls']>>>): TaskAlert[] {
  return list
    .map((s) => ({
      taskId: s.taskId,
      taskName: s.taskName,
      clientId: s.clientId,
      kind: s.reason === 'deadline-passed' ? ('late' as const) : ('at-risk' as const),
      reason: s.reason,
      message: s.message,
      missingMinutes: s.missingMinutes,
      deadline: s.deadline,
    }))
    .sort((a, b) =>
      a.kind === b.kind ? (a.deadline ?? '~').localeCompare(b.deadline ?? '~') : a.kind === 'late' ? -1 : 1,
    );
}

/**
 * Everything the dashboard and `vahub status` show, read once from whatever `deps` offers. Never
 * throws for a missing or failing source: that part is `unavailable`, with the reason.
 */
export async function gatherSnapshot(deps: SnapshotDeps): Promise<StatusSnapshot> {
  const now = (deps.now ?? Date.now)();
  const timeoutMs = deps.timeoutMs ?? 5_000;
  const shortfalls = deps.shortfalls;
  const colours = clientColours(deps.config.clients);
  const [week, attention, clients, health] = await Promise.all([
    part('the week', deps.calendar ? () => readWeek(deps, now) : null, timeoutMs),
    part('late and at-risk tasks', shortfalls ? async () => alerts(await shortfalls()) : null, timeoutMs),
    Promise.all(
      deps.config.clients.map((c) =>
        clientPanel(deps, c, now, timeoutMs, colours.get(c.id) ?? colourOf(null)),
      ),
    ),
    readHealth(deps, timeoutMs),
  ]);
  return {
    version: 1,
    generatedAt: formatInstant(now),
    va: { name: deps.config.va.name ?? null, zone: deps.config.va.timezone },
    week,
    attention,
    clients,
    health,
  };
}
