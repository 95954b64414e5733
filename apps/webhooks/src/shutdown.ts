import type { Logger } from '@vahub/core';

/**
 * On SIGTERM (or SIGINT), close the server after the requests in flight, then the rest
 * (`cleanup`: queues, Redis), once. Resolves after cleanup, for whoever waits to exit.
 */
export function closeOnSignals(options: {
  close: () => Promise<void>;
  cleanup?: () => Promise<void>;
  logger: Logger;
  /** @defaultValue ["SIGTERM", "SIGINT"] */
  signals?: readonly NodeJS.Signals[];
  /** @defaultValue process */
  emitter?: NodeJS.EventEmitter;
}): Promise<NodeJS.Signals> {
  const emitter = options.emitter ?? process;
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  return new Promise((resolve) => {
    let closing = false;
    const onSignal = async (signal: NodeJS.Signals) => {
      if (closing) return;
      closing = true;
      for (const s of signals) emitter.off(s, onSignal);
      options.logger.info({ signal }, 'closing after the requests in flight');
      try {
        await options.close();
        await options.cleanup?.();
        options.logger.info({ signal }, 'closed');
      } catch (err) {
        options.logger.error({ err: err instanceof Error ? err.message : String(err) }, 'shutdown failed');
      }
      resolve(signal);
    };
    for (const s of signals) emitter.on(s, onSignal);
  });
}
