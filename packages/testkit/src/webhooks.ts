/** What a webhook target answered. */
export interface Delivery {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** POST a webhook the way a vendor does: exact bytes, given headers, a bounded wait. */
export async function deliverWebhook(options: {
  url: string;
  body: string | Buffer;
  headers?: Record<string, string>;
  method?: string;
  timeoutMs?: number;
}): Promise<Delivery> {
  const res = await fetch(options.url, {
    method: options.method ?? 'POST',
    headers: { 'content-type': 'application/json', ...options.headers },
    body: options.body,
    signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
  });
  const headers: Record<string, string> = {};
  res.headers.forEach((v, k) => {
    headers[k] = v;
  });
  return { status: res.status, headers, body: await res.text() };
}
