import { signHmacSha256 } from '@vahub/core';

export const SECRET = 'PGuRrhCFajIyEvFlreKL';
export const sign = (body: string, secret = SECRET) => `sha256=${signHmacSha256(secret, body, 'hex')}`;

// Body shape from Toggl's "Validating received events" page (payload "ping"), hand-authored ids.
export const PING = JSON.stringify({
  event_id: 0,
  created_at: '2022-06-25T03:58:10.207820267Z',
  creator_id: 6,
  metadata: { request_type: 'POST', event_user_id: 6 },
  payload: 'ping',
  subscription_id: 6,
  validation_code: 'a1b2c3',
  validation_code_url: 'https://api.track.toggl.com/webhooks/api/v1/validate/42/6/a1b2c3',
  timestamp: '2022-06-25T03:58:10.207820267Z',
});

export function timeEntryEvent(action: string, extra: Record<string, unknown> = {}) {
  return JSON.stringify({
    event_id: 991,
    created_at: '2026-11-02T10:00:00Z',
    creator_id: 6,
    metadata: {
      action,
      event_user_id: '6',
      model: 'time_entry',
      path: '/api/v9/workspaces/42/time_entries/4100000123',
      request_type: 'PUT',
      time_entry_id: '4100000123',
      workspace_id: '42',
    },
    payload: {
      id: 4100000123,
      workspace_id: 42,
      project_id: 77,
      task_id: null,
      user_id: 6,
      billable: true,
      start: '2026-11-02T09:00:00+00:00',
      stop: '2026-11-02T10:00:00+00:00',
      duration: 3600,
      description: 'copy',
      tags: ['invoiced'],
      ...extra,
    },
    subscription_id: 6,
    timestamp: '2026-11-02T10:00:00Z',
  });
}
