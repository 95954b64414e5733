import type { Task, TimeSource, TimeWindow } from '@vahub/core';

/**
 * The tasks with `trackedMinutes` filled from the time source, client by client, where the source
 * matches the client's time to tasks; the others keep what they had (unknown: null). One read per
 * client with tasks.
 */
export async function withTrackedMinutes(
  time: TimeSource,
  tasks: readonly Task[],
  window: TimeWindow,
): Promise<Task[]> {
  const read = time.trackedMinutesByTask?.bind(time);
  if (read === undefined) return [...tasks];
  const byClient = new Map<string, Task[]>();
  for (const task of tasks) byClient.set(task.clientId, [...(byClient.get(task.clientId) ?? []), task]);
  const minutes = new Map<string, number>();
  for (const [clientId, own] of byClient) {
    const refs = own.map((t) => ({ id: t.id, url: t.url, name: t.name }));
    const got = await read(clientId, refs, window);
    for (const [id, m] of got ?? []) minutes.set(id, m);
  }
  return tasks.map((t) => {
    const m = minutes.get(t.id);
    return m === undefined ? t : { ...t, trackedMinutes: m };
  });
}
