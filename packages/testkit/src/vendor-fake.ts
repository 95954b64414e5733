/**
 * The one face every fake vendor shows: start, stop, its endpoints under the names its connector's
 * descriptor uses, and the environment a vahub process needs to talk to it (credentials and
 * `VAHUB_ENDPOINT_*` overrides). The demo and the end-to-end tests start any set of fakes alike.
 */
export interface VendorFake {
  /** The connector id it stands in for: `asana`, `toggl`, `google`, `xero`. */
  readonly id: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Endpoint name → base URL, once started. */
  endpoints(): Record<string, string>;
  /** Environment variables: the credentials it accepts and the endpoint overrides. */
  env(): Record<string, string>;
}

/** Start every fake; if one fails, stop them all and rethrow. */
export async function startFakes(fakes: readonly VendorFake[]): Promise<void> {
  const started = await Promise.allSettled(fakes.map((f) => f.start()));
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    await stopFakes(fakes).catch(() => undefined);
    throw failed.reason;
  }
}

/** Stop every fake, also the ones that never started; the first failure is rethrown after all stopped. */
export async function stopFakes(fakes: readonly VendorFake[]): Promise<void> {
  const stopped = await Promise.allSettled(fakes.map((f) => f.stop()));
  const failed = stopped.find((s) => s.status === 'rejected');
  if (failed) throw failed.reason;
}

/** The environment of all these fakes together. */
export function fakesEnv(fakes: readonly VendorFake[]): Record<string, string> {
  return Object.assign({}, ...fakes.map((f) => f.env()));
}
