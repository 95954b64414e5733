import type { FakeResponse } from '@vahub/testkit';

/** An API error as Google's JSON answers it: `{error:{errors:[{domain,reason,message}],code,message}}`. */
export class GoogleApiError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
    readonly domain = 'global',
    readonly extra: { location?: string; locationType?: string } = {},
  ) {
    super(message);
  }
}

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ALREADY_EXISTS',
  410: 'FAILED_PRECONDITION',
  429: 'RESOURCE_EXHAUSTED',
};

export function googleErrorBody(error: GoogleApiError): unknown {
  return {
    error: {
      errors: [{ domain: error.domain, reason: error.reason, message: error.message, ...error.extra }],
      code: error.status,
      message: error.message,
      ...(STATUS_NAMES[error.status] ? { status: STATUS_NAMES[error.status] } : {}),
    },
  };
}

export function errorResponse(error: GoogleApiError): FakeResponse {
  return { status: error.status, json: googleErrorBody(error) };
}

export const badRequest = (message: string, reason = 'invalid', location?: string) =>
  new GoogleApiError(400, reason, message, 'global', location ? { location, locationType: 'parameter' } : {});

export const notFound = () => new GoogleApiError(404, 'notFound', 'Not Found');

/** Run a handler, turning a thrown `GoogleApiError` into Google's error answer. */
export async function guarded(run: () => FakeResponse | Promise<FakeResponse>): Promise<FakeResponse> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof GoogleApiError) return errorResponse(err);
    throw err;
  }
}
