/**
 * Run `work` for every item with at most `limit` running at once. On the first failure no further
 * item is started; the ones already running are let finish, then that failure is thrown (so a retry
 * of the whole run starts from a calendar with no write half-sent by us).
 */
export async function eachInFlight<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<unknown>,
): Promise<void> {
  if (!(Number.isInteger(limit) && limit >= 1))
    throw new RangeError(`limit must be a whole number >= 1, got ${limit}`);
  let next = 0;
  let failure: { err: unknown } | null = null;
  const lane = async () => {
    while (failure === null && next < items.length) {
      const item = items[next++] as T;
      try {
        await work(item);
      } catch (err) {
        failure ??= { err };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  if (failure !== null) throw (failure as { err: unknown }).err;
}
