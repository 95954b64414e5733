import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseConfig, type VahubConfig } from '@vahub/core';

/** The repository's example config (the same depth from `src/demo` and `dist/demo`). */
export const EXAMPLE_CONFIG = fileURLToPath(
  new URL('../../../../vahub.config.example.yaml', import.meta.url),
);

/**
 * Where the credentials come from: environment references, as a VA would write them. The example
 * file has no `auth` section (it is meant to be copied and edited), so the demo adds this one.
 */
const AUTH = `
auth:
  asana: { token: "\${ASANA_TOKEN}" }
  toggl: { apiToken: "\${TOGGL_API_TOKEN}" }
  google: { clientId: "\${GOOGLE_CLIENT_ID}", clientSecret: "\${GOOGLE_CLIENT_SECRET}" }
  xero: { clientId: "\${XERO_CLIENT_ID}", clientSecret: "\${XERO_CLIENT_SECRET}" }
`;

/** The example config as vahub would load it with `env`: secrets and `VAHUB_ENDPOINT_*` from there. */
export async function demoConfig(env: NodeJS.ProcessEnv, file = EXAMPLE_CONFIG): Promise<VahubConfig> {
  const text = await readFile(file, 'utf8');
  return parseConfig(`${text.trimEnd()}\n${AUTH}`, { env, source: file });
}
