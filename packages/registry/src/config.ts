import { loadConfig, parseConfig } from '@vahub/core';
import { type Config, connectors } from './connectors.js';

/** Read, interpolate and validate a config file against every connector's sections. */
export function loadVahubConfig(file: string, options: { env?: NodeJS.ProcessEnv } = {}): Promise<Config> {
  return loadConfig(file, { ...options, connectors });
}

/** Validate a config given as YAML text. Throws `ConfigError` listing every problem. */
export function parseVahubConfig(
  text: string,
  options: { env?: NodeJS.ProcessEnv; source?: string } = {},
): Config {
  return parseConfig(text, { ...options, connectors });
}
