import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { type Config, parseVahubConfig } from '@vahub/registry';

/** The repository's example config (the same depth from `src` and `dist`). */
export const EXAMPLE_CONFIG = fileURLToPath(new URL('../../../vahub.config.example.yaml', import.meta.url));

/**
 * The example config as vahub would load it with `env`: secrets from the conventional variables
 * (ASANA_TOKEN, …) and `VAHUB_ENDPOINT_*` from there.
 */
export async function demoConfig(env: NodeJS.ProcessEnv, file = EXAMPLE_CONFIG): Promise<Config> {
  const text = await readFile(file, 'utf8');
  return parseVahubConfig(text, { env, source: file });
}
