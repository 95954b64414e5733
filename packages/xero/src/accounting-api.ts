import type { HttpPipeline } from '@vahub/core';
import type { AxiosAdapter, AxiosRequestConfig, AxiosResponse } from 'axios';
import { AccountingApi, axios } from './sdk.js';

const { AxiosError, AxiosHeaders } = axios;

/**
 * An axios adapter that puts xero-node's requests on the wire through the pipeline's `fetch`. The SDK
 * still builds the URL, query, headers and JSON body and reads the answer into its models; the
 * pipeline adds the credential, bounds the exchange with its timeout (closing the socket), refuses
 * redirects to other hosts and checks the answer.
 */
export function pipelineAdapter(pipeline: Pick<HttpPipeline, 'fetch'>): AxiosAdapter {
  return async (config) => {
    const method = (config.method ?? 'get').toUpperCase();
    // xero-node adds `{}` to every request; a GET or HEAD goes without it, as fetch demands (Xero ignores it).
    const bodyless = method === 'GET' || method === 'HEAD';
    const headers = new Headers();
    for (const [name, value] of Object.entries(AxiosHeaders.from(config.headers).toJSON(true))) {
      if (typeof value === 'string' && !(bodyless && name.toLowerCase() === 'content-type')) {
        headers.set(name, value);
      }
    }
    const res = await pipeline.fetch(axios.getUri(config), {
      method,
      headers,
      body: bodyless ? undefined : (config.data as RequestInit['body']),
    });
    const response: AxiosResponse = {
      data: await res.text(),
      status: res.status,
      statusText: res.statusText,
      headers: AxiosHeaders.from(Object.fromEntries(res.headers)),
      config,
      request: null,
    };
    const valid = config.validateStatus ?? ((status: number) => status >= 200 && status < 300);
    if (valid(res.status)) return response;
    throw new AxiosError(
      `Request failed with status code ${res.status}`,
      res.status >= 500 ? AxiosError.ERR_BAD_RESPONSE : AxiosError.ERR_BAD_REQUEST,
      config,
      null,
      response,
    );
  };
}

/**
 * xero-node's `AccountingApi` with its transport replaced: its authentications are swapped for one
 * that hands every request to `pipelineAdapter`, so the SDK never holds a token and never opens a
 * socket of its own. Safe to share between concurrent calls: it keeps no per-call state.
 */
export class PipelinedAccountingApi extends AccountingApi {
  constructor(basePath: string, pipeline: Pick<HttpPipeline, 'fetch'>) {
    super(basePath);
    const adapter = pipelineAdapter(pipeline);
    const viaPipeline = {
      applyToRequest: (options: AxiosRequestConfig) => {
        options.adapter = adapter;
      },
    };
    this.authentications.default = viaPipeline;
    this.authentications.OAuth2 = { ...viaPipeline, accessToken: '' };
  }
}
