/**
 * Secrets must never reach a log line, an error message or a snapshot. Connectors register every
 * token they hold; `redact` removes registered values and anything shaped like a credential.
 */
const registered = new Set<string>();

/** Remember a secret value so that `redact` strips it wherever it appears. Short values are ignored. */
export function registerSecret(value: string | null | undefined): void {
  if (value && value.length >= 6) registered.add(value);
}

const PATTERNS: [RegExp, string][] = [
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 [redacted]'],
  [
    /((?:access|refresh|id)_?token|client_?secret|api_?token|password|code_verifier|webhook_?key)(["']?\s*[:=]\s*["']?)[^"'&\s,}]+/gi,
    '$1$2[redacted]',
  ],
];

export const MAX_MESSAGE_LENGTH = 500;

/** Remove secrets from `text` and bound its length. */
export function redact(text: string, extraSecrets: readonly string[] = []): string {
  let out = text;
  for (const secrets of [registered, extraSecrets])
    for (const secret of secrets)
      if (secret && secret.length >= 6 && out.includes(secret)) out = out.split(secret).join('[redacted]');
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out.length > MAX_MESSAGE_LENGTH ? `${out.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : out;
}
