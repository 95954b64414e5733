import type { EventEmitter } from 'node:events';

/** Reject if `promise` has not settled within `ms`: every wait in a test is bounded. */
export function within<T>(promise: Promise<T>, ms: number, what = 'operation'): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The Redis the tests use: `REDIS_URL`, else the local one. */
export function testRedisUrl(): string {
  return process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
}

/** A key prefix no other test (or test run) shares. */
export function uniquePrefix(name: string): string {
  return `vahub-test:${name}:${process.pid}:${Date.now().toString(36)}:${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * The first item matching `predicate`: one already in `seen`, or the next `event` that `emitter`
 * emits with one, rejecting after `timeoutMs`. How fakes let tests wait for a request or a delivery
 * without sleeping.
 */
export function firstMatch<T>(options: {
  emitter: EventEmitter;
  event: string;
  seen: readonly T[];
  predicate: (item: T) => boolean;
  timeoutMs: number;
  what: string;
}): Promise<T> {
  const { emitter, event, predicate } = options;
  const found = options.seen.find(predicate);
  if (found !== undefined) return Promise.resolve(found);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(event, listener);
      reject(new Error(`${options.what} within ${options.timeoutMs} ms`));
    }, options.timeoutMs);
    const listener = (item: T) => {
      if (!predicate(item)) return;
      clearTimeout(timer);
      emitter.off(event, listener);
      resolve(item);
    };
    emitter.on(event, listener);
  });
}

/** A promise with its `resolve` and `reject` at hand. */
export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(err: unknown): void;
}

/**
 * A promise to settle from outside: how a test holds a step (a handler, a fake's answer) until it
 * lets it go, or learns that a step was reached. (`Promise.withResolvers` needs Node 22.)
 */
export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
