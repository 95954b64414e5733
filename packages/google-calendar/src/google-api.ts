import { AsyncLocalStorage } from 'node:async_hooks';
import { createRequire } from 'node:module';
import type * as Calendar from '@googleapis/calendar';
import type { calendar_v3 } from '@googleapis/calendar';
import type { HttpPipeline } from '@vahub/core';
import type { z } from 'zod';
import { refusedAfterRefresh } from './errors.js';

export interface GoogleCallOptions<S extends z.ZodType | null> {
  /** The shape of the answer; an answer of another shape is an error, never "nothing". */
  schema: S;
  /**
   * Whether repeating the request is safe. Everything vahub sends is (deterministic event ids make a
   * repeated insert a 409, a patch sets absolute values, a repeated delete is a 404/410), except
   * opening a watch channel after an answer that may have been processed.
   * @defaultValue true
   */
  idempotent?: boolean;
}

// Required as the CommonJS it is: imported, each of its files (googleapis-common, google-auth-library,
// gaxios) goes through the ES module loader, which under a loader (tsx) keeps a second copy of its source.
const { calendar } = createRequire(import.meta.url)('@googleapis/calendar') as typeof Calendar;

/** gaxios' `adapter`: what sends a request the SDK prepared and reads its answer. */
type Adapter = NonNullable<calendar_v3.Options['adapter']>;

/**
 * The SDK's request sent through the pipeline and answered with what the pipeline read: the body as
 * the pipeline already parsed it (for a success, the call's schema's output) instead of a `Response`
 * built around it that gaxios reads and parses again. The SDK still builds the request (URL, query,
 * headers, JSON body) and judges the status. A body that is not text (none that vahub sends) goes
 * gaxios' own way, through the pipeline's `fetch`. Like `answer`, for use inside a pipeline call.
 */
function adapterFor(pipeline: HttpPipeline): Adapter {
  return async (options, viaFetch) => {
    const body = options.body ?? undefined;
    if (body !== undefined && typeof body !== 'string') return viaFetch(options);
    const { answer, parsed } = await pipeline.answer({
      url: new URL(options.url),
      method: (options.method ?? 'GET').toUpperCase(),
      headers: options.headers,
      body,
    });
    const ok = answer.status >= 200 && answer.status < 300;
    // What gaxios and googleapis-common read of a response. A failure's data is its text: the
    // pipeline makes its own error from the answer, not from the SDK's.
    const response = {
      config: options,
      status: answer.status,
      headers: answer.headers,
      data: ok ? parsed : answer.text,
    };
    return response as unknown as Awaited<ReturnType<typeof viaFetch>>;
  };
}

/** Rate limits met in a row within one call: Google's advice is to double the wait each time. */
const streaks = new AsyncLocalStorage<{ limits: number }>();

/**
 * The wait vahub suggests for a Google rate limit that names none: `baseMs`, doubled per limit in a
 * row within the same call, plus up to a quarter of jitter.
 */
export function suggestedWait(baseMs: number, random: () => number): number {
  const streak = streaks.getStore();
  const limits = streak ? streak.limits++ : 0;
  const base = baseMs * 2 ** limits;
  return Math.round(base + base * 0.25 * random());
}

/**
 * The Calendar SDK on the request pipeline: the SDK builds URLs, parameters and bodies; the pipeline
 * sends them (token, one refresh after a 401, timeout, retries, no credentials across origins),
 * checks every answer against its schema and hands the SDK what it read (`adapterFor`). The SDK holds
 * no credential and never retries on its own.
 */
export class GoogleApi {
  readonly sdk: calendar_v3.Calendar;
  private readonly limitKey: string;

  constructor(
    private readonly pipeline: HttpPipeline,
    options: {
      /** `endpoints.google.api`. */
      apiUrl: string;
      /** What the limiter counts this grant's calls by. */
      limitKey: string;
    },
  ) {
    this.limitKey = options.limitKey;
    this.sdk = calendar({
      version: 'v3',
      rootUrl: options.apiUrl,
      retry: false,
      fetchImplementation: pipeline.fetch,
      adapter: adapterFor(pipeline),
    });
  }

  /** Run one SDK request through the pipeline; returns the answer's body. */
  async call<T, S extends z.ZodType | null>(
    operation: string,
    request: (sdk: calendar_v3.Calendar) => Promise<{ data: T }>,
    options: GoogleCallOptions<S>,
  ): Promise<T> {
    return streaks.run({ limits: 0 }, async () => {
      try {
        const answer = await this.pipeline.call(operation, () => request(this.sdk), {
          schema: options.schema,
          idempotent: options.idempotent ?? true,
          limitKey: this.limitKey,
        });
        return answer.data;
      } catch (err) {
        throw refusedAfterRefresh(err, operation);
      }
    });
  }
}
