import type { ConnectorErrorCode } from '../errors/errors.js';
import { parseRetryAfter } from '../errors/errors.js';
import { redact } from '../errors/redact.js';
import type { Answer } from './exchange.js';

/** What a failed answer means, in a vendor's words; every field is optional. */
export interface VendorReading {
  message?: string;
  details?: string[];
  code?: ConnectorErrorCode;
  retryable?: boolean;
  retryAfterMs?: number | undefined;
}

/** The answer's body as JSON, or undefined when it is empty or not JSON. */
export function readJson(answer: Pick<Answer, 'text'>): unknown {
  if (answer.text.length === 0) return undefined;
  try {
    return JSON.parse(answer.text);
  } catch {
    return undefined;
  }
}

const MAX_DETAIL = 300;

/** Messages in the shapes vendors use: `{errors:[{message}]}`, `{error:{message}}`, `{error, error_description}`, `{Message}`. */
function messagesOf(json: unknown): string[] {
  if (json === null || typeof json !== 'object') return [];
  const o = json as Record<string, unknown>;
  const out: string[] = [];
  const take = (v: unknown) => {
    if (typeof v === 'string' && v.trim()) out.push(v.trim());
  };
  if (Array.isArray(o.errors)) for (const e of o.errors) take((e as { message?: unknown })?.message ?? e);
  if (o.error && typeof o.error === 'object') take((o.error as { message?: unknown }).message);
  else take(o.error);
  take(o.error_description);
  take(o.message);
  take(o.Message);
  take(o.Detail);
  return out;
}

/** The vendor-independent reading of a failed answer: its messages and a `Retry-After`. */
export function describeAnswer(answer: Answer, now: number): VendorReading {
  const json = readJson(answer);
  const said = messagesOf(json).map((m) => redact(m).slice(0, MAX_DETAIL));
  const fallback = json === undefined ? redact(answer.text.trim()).slice(0, MAX_DETAIL) : '';
  const details = said.length > 0 ? said : fallback ? [fallback] : [];
  return {
    message: details[0] ?? `HTTP ${answer.status}`,
    details,
    retryAfterMs: parseRetryAfter(answer.headers.get('retry-after'), now),
  };
}
