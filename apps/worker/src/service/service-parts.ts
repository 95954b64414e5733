import { VahubError } from '@vahub/core';

/** What a process runs: `--only` and `--planner` (see `StartServiceOptions`). */
export interface ServiceParts {
  only?: 'webhooks' | 'worker' | 'planner';
  planner?: 'here' | 'elsewhere';
}

/**
 * The parts a process runs, from `--only` and `--planner` as typed; a clear error for anything else.
 * A module of its own so main.ts checks the flags before loading anything (a receiver-only process
 * imports no vendor SDK).
 */
export function serviceParts(flags: {
  only?: string | undefined;
  planner?: string | undefined;
}): ServiceParts {
  const { only, planner } = flags;
  if (only !== undefined && only !== 'webhooks' && only !== 'worker' && only !== 'planner')
    throw new VahubError(`--only takes "webhooks", "worker" or "planner", got "${only}"`);
  if (planner !== undefined && planner !== 'here' && planner !== 'elsewhere')
    throw new VahubError(`--planner takes "here" or "elsewhere", got "${planner}"`);
  if (planner === 'elsewhere' && (only === 'planner' || only === 'webhooks'))
    throw new VahubError(`--planner elsewhere is for a process with a worker, not for --only ${only}`);
  return { ...(only ? { only } : {}), ...(planner ? { planner } : {}) };
}
