import type { LogFields, Logger } from '@vahub/core';
import type { VahubMetrics } from './metrics.js';

// The request pipeline writes exactly one line per vendor call, with these messages.
const CALL_OK = 'vendor call';
const CALL_FAILED = 'vendor call failed';

/**
 * A logger that also counts vendor calls: hand it to the connectors (`ConnectorDeps.logger`) and
 * every call core's `HttpPipeline` makes is counted by provider and outcome, with its duration,
 * without the pipeline knowing about Prometheus.
 */
export function meteredLogger(logger: Logger, metrics: VahubMetrics, bindings: LogFields = {}): Logger {
  const count = (fields: LogFields, message: string) => {
    if (message !== CALL_OK && message !== CALL_FAILED) return;
    const provider = String(fields.provider ?? bindings.provider ?? bindings.connector ?? 'unknown');
    const ms = typeof fields.durationMs === 'number' ? fields.durationMs : undefined;
    metrics.recordVendorCall({ provider, ok: message === CALL_OK, ...(ms === undefined ? {} : { ms }) });
  };
  return {
    debug: (fields, message) => {
      count(fields, message);
      logger.debug(fields, message);
    },
    info: (fields, message) => {
      count(fields, message);
      logger.info(fields, message);
    },
    warn: (fields, message) => {
      count(fields, message);
      logger.warn(fields, message);
    },
    error: (fields, message) => {
      count(fields, message);
      logger.error(fields, message);
    },
    child: (more) => meteredLogger(logger.child(more), metrics, { ...bindings, ...more }),
  };
}
