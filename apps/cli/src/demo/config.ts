import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseConfig, type VahubConfig } from '@vahub/core';

/** The repository's example config (the same depth from `src/demo` and `dist/demo`). */
export const EXAMPLE_CONFIG = fileURLToPath(
  new URL('../../../../vahub.config.example.yaml', import.meta.url),
);

/**
 * The example config as vahub would load it with `env`: secrets from the conventional variables
 * (ASANA_TOKEN, …) and `VAHUB_ENDPOINT_*` from there.
 */
export async function demoConfig(env: NodeJS.ProcessEnv, file = EXAMPLE_CONFIG): Promise<VahubConfig> {
  const text = await readFile(file, 'utf8');
  return parseConfig(text, { env, source: file });
}
