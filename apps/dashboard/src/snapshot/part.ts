import { redact } from '@vahub/core';
import type { Part } from './types.js';

/**
 * Run one source of the snapshot: its data, or why it is unavailable (not configured, failed, or
 * too slow). Never throws; the reason is redacted of registered secrets.
 */
export async function part<T>(
  what: string,
  read: (() => Promise<T>) | null | undefined,
  timeoutMs: number,
): Promise<Part<T>> {
  if (!read) return { status: 'unavailable', reason: `${what}: not configured` };
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return { status: 'ok', data: await Promise.race([read(), late]) };
  } catch (err) {
    return { status: 'unavailable', reason: redact(`${what}: ${(err as Error)?.message ?? String(err)}`) };
  } finally {
    clearTimeout(timer);
  }
}
