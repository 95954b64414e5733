import { type HttpPipeline, HttpStatusError } from '@vahub/core';
import { ApiClient } from './sdk.js';

/** What the SDK's `deserialize` reads of superagent's response, rebuilt from the pipeline's answer. */
interface SdkResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
  text: string;
}

/**
 * The asana SDK's `ApiClient`, sending through vahub's pipeline instead of superagent. It keeps the
 * SDK's own URL building (`buildUrl`, path templates and encoding), parameter normalisation and
 * deserialisation, so the SDK's API classes (`TasksApi`, `EventsApi`, …) work on it unchanged. The
 * wire is the pipeline's: credentials added per call and only for this origin (superagent re-sends
 * `Authorization` on a redirect to another host), a timeout over the whole exchange, the size cap,
 * retries and one log line. No token ever sits on this object.
 */
export class PipelineApiClient extends ApiClient {
  constructor(
    private readonly pipeline: HttpPipeline,
    basePath: string,
  ) {
    super();
    this.basePath = basePath.replace(/\/+$/, '');
    // Plain `{data, response}` answers: vahub pages itself, so every page is a call of its own.
    this.RETURN_COLLECTION = false;
    // The SDK's default `token` entry would have superagent send a bearer header of its own.
    this.authentications = {};
  }

  override async callApi(
    path: string,
    httpMethod: string,
    pathParams: { [key: string]: string },
    queryParams: { [key: string]: unknown },
    headerParams: { [key: string]: unknown },
    formParams: { [key: string]: unknown },
    bodyParam: unknown,
    _authNames: string[],
    contentTypes: string[],
    accepts: string[],
    returnType: unknown,
  ): Promise<{ response: SdkResponse; data: unknown }> {
    const url = new URL(this.buildUrl(path, pathParams));
    for (const [name, value] of plainParams(queryParams)) url.searchParams.set(name, value);
    const headers = new Headers(plainParams({ ...this.defaultHeaders, ...headerParams }));
    const accept = this.jsonPreferredMime(accepts);
    if (accept) headers.set('accept', accept);
    let body: string | undefined;
    const type = this.jsonPreferredMime(contentTypes) || 'application/json';
    if (type === 'application/x-www-form-urlencoded') {
      body = new URLSearchParams(this.normalizeParams(formParams) as Record<string, string>).toString();
    } else if (type === 'multipart/form-data') {
      throw new Error('multipart uploads are not sent through the pipeline (vahub uploads nothing to Asana)');
    } else if (bodyParam) {
      body = JSON.stringify(bodyParam);
    }
    if (body !== undefined) headers.set('content-type', type);
    // The answer as the pipeline read it: its text decoded once, its JSON parsed and checked once.
    const { answer, parsed } = await this.pipeline.answer({
      url,
      method: httpMethod.toUpperCase(),
      headers,
      body,
    });
    const { status, text } = answer;
    if (status < 200 || status > 299) throw new HttpStatusError(status);
    const json = text !== '' && this.isJsonMime(answer.headers.get('content-type') ?? '');
    const response: SdkResponse = {
      status,
      headers: Object.fromEntries(answer.headers),
      // The call's schema's output: what `AsanaCalls` returns without parsing it again.
      body: json ? (parsed ?? JSON.parse(text)) : undefined,
      text,
    };
    return { response, data: this.deserialize(response, returnType) };
  }
}

/**
 * Query and header values as the SDK's `normalizeParams` makes them (nulls dropped, a date as its
 * JSON, anything else as its string), lists comma-separated as Asana takes them (`opt_fields`).
 * Ours because the SDK's asks of every value whether it is a file (a `require('fs')` each time, 1.5%
 * of the event worker's CPU), and a query or a header never is one.
 */
function plainParams(params: { [key: string]: unknown }): [string, string][] {
  const out: [string, string][] = [];
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) out.push([name, value.join(',')]);
    else out.push([name, value instanceof Date ? value.toJSON() : String(value)]);
  }
  return out;
}
