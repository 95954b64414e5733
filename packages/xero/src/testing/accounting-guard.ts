import type { FakeHandler, FakeRequest, FakeResponse } from '@vahub/testkit';
import { grantOf } from './identity-routes.js';
import { type FakeTenant, type IdentityState, problem, validationBody } from './state.js';
import type { TenantLimits } from './tenant-limits.js';

export interface GuardContext {
  identity: IdentityState;
  tenants: Map<string, FakeTenant>;
  limits: TenantLimits;
  now: () => number;
  /** Time each accounting call takes, so calls overlap and the in-flight limit can bite. */
  latencyMs: () => number;
  /** Counts answers replayed for a repeated Idempotency-Key. */
  onReplay: (tenantId: string, key: string) => void;
}

export type TenantHandler = (req: FakeRequest, tenant: FakeTenant) => FakeResponse | Promise<FakeResponse>;

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * What every Accounting API call goes through at Xero: a valid bearer token with the endpoint's scope, a `xero-tenant-id` the
 * grant covers, the organisation's limits (with the remaining-calls headers on every answer and a 429
 * with `Retry-After` and `X-Rate-Limit-Problem` past them), and `Idempotency-Key` replay on PUT/POST.
 */
export function guarded(
  ctx: GuardContext,
  handler: TenantHandler,
  /** The endpoint's scopes, any one of which will do (the spec's `security`); none: any grant. */
  scopes: readonly string[] = [],
): FakeHandler {
  return async (req) => {
    const grant = grantOf(ctx.identity, req, ctx.now());
    if (!grant) return problem(401, 'Unauthorized', 'AuthenticationUnsuccessful');
    // Xero answers a token without the endpoint's scope with 401 AuthorizationUnsuccessful.
    const granted = grant.scope.split(' ');
    if (scopes.length > 0 && !scopes.some((s) => granted.includes(s))) {
      return problem(401, 'Unauthorized', 'AuthorizationUnsuccessful');
    }
    const tenantId = req.headers['xero-tenant-id'] ?? '';
    const tenant = ctx.tenants.get(tenantId);
    if (!tenant || !grant.connections.some((c) => c.tenantId === tenantId)) {
      return problem(403, 'Forbidden', 'AuthorizationUnsuccessful');
    }
    const admission = ctx.limits.admit(tenantId);
    if (!admission.ok) {
      return {
        status: 429,
        headers: {
          ...admission.headers,
          'retry-after': String(admission.retryAfterSeconds),
          'x-rate-limit-problem': admission.problem,
        },
        body: '',
      };
    }
    try {
      const latency = ctx.latencyMs();
      if (latency > 0) await delay(latency);
      const response = await idempotent(ctx, req, tenant, handler);
      return { ...response, headers: { ...response.headers, ...admission.headers } };
    } finally {
      admission.release();
    }
  };
}

async function idempotent(
  ctx: GuardContext,
  req: FakeRequest,
  tenant: FakeTenant,
  handler: TenantHandler,
): Promise<FakeResponse> {
  const key = req.headers['idempotency-key'];
  if (!key || (req.method !== 'PUT' && req.method !== 'POST')) return handler(req, tenant);
  if (key.length > 128) {
    return {
      status: 400,
      json: validationBody([
        { ValidationErrors: [{ Message: 'The Idempotency-Key header must be 128 characters or fewer' }] },
      ]),
    };
  }
  const first = tenant.idempotency.get(key);
  if (first) {
    ctx.onReplay(tenant.tenantId, key);
    return first;
  }
  const answer = Promise.resolve().then(() => handler(req, tenant));
  tenant.idempotency.set(key, answer);
  const response = await answer;
  // A server failure was not a result: the key may be tried again.
  if (response.status >= 500) tenant.idempotency.delete(key);
  return response;
}
